#!/bin/sh
# Run once by the postgres:15 image when the primary's data directory is created: a role the streaming replica
# connects with, allowed to replicate from the compose network only.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v user="$REPLICATION_USER" -v password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE :"user" WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication $REPLICATION_USER samenet scram-sha-256" >>"$PGDATA/pg_hba.conf"
