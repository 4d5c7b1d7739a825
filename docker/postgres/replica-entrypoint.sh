#!/bin/sh
# The streaming replica: on first start, a base backup of the primary (pg_basebackup -R writes standby.signal and
# primary_conninfo), then the server runs as a hot standby that replays the primary's WAL.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -q -h "$PRIMARY_HOST" -p 5432; do sleep 1; done
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  PGPASSWORD="$REPLICATION_PASSWORD" gosu postgres \
    pg_basebackup -h "$PRIMARY_HOST" -p 5432 -U "$REPLICATION_USER" -D "$PGDATA" -R -X stream -c fast -w
fi
exec gosu postgres postgres -D "$PGDATA" -c hot_standby=on
