# Sourced by .ci/run: a real streaming replica of the machine's PostgreSQL cluster (port 5433) and PgBouncer in
# transaction mode (port 6432), each started in the background and stopped by ci_services_stop (trap EXIT).
# Every wait is bounded: a service that does not come up fails CI with its log, it never hangs.

CI_PG_PORT=5432
CI_REPLICA_PORT=${CI_REPLICA_PORT:-5433}
CI_PGBOUNCER_PORT=${CI_PGBOUNCER_PORT:-6432}
CI_SERVICES_DIR=""
CI_PGBIN=""

ci_fail() {
  printf '!! %s\n' "$*" >&2
  exit 1
}

ci_as_postgres() {
  runuser -u postgres -- "$@"
}

# Every psql is bounded: something that accepts the connection but never answers must not hang CI.
ci_psql() {  # ci_psql PORT SQL
  PGCONNECT_TIMEOUT=5 timeout 30 psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atqc "$2"
}

ci_port_taken() {  # anything at all listening there, PostgreSQL or not
  timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

ci_services_dir() {
  if [ -z "$CI_SERVICES_DIR" ]; then
    CI_SERVICES_DIR=$(mktemp -d /tmp/ci-services.XXXXXX)
    chown postgres:postgres "$CI_SERVICES_DIR"
    chmod 700 "$CI_SERVICES_DIR"
  fi
}

ci_replica_start() {
  ci_services_dir
  local data hba
  CI_PGBIN="/usr/lib/postgresql/$(($(ci_psql "$CI_PG_PORT" "SHOW server_version_num") / 10000))/bin"
  [ -x "$CI_PGBIN/pg_ctl" ] || ci_fail "no PostgreSQL binaries at $CI_PGBIN for the replica"
  case "$(ci_psql "$CI_PG_PORT" "SHOW wal_level")" in
    replica|logical) ;;
    *) ci_fail "the primary's wal_level must be replica or logical for a streaming replica" ;;
  esac
  if ci_port_taken "$CI_REPLICA_PORT"; then
    ci_fail "port $CI_REPLICA_PORT is already in use; stop what listens there or set CI_REPLICA_PORT"
  fi
  # pg_basebackup and the replica's streaming connect with the replication protocol, which "host all" does not
  # cover: allow it from this machine only.
  hba=$(ci_psql "$CI_PG_PORT" "SHOW hba_file")
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
    echo "host replication all 127.0.0.1/32 trust" >>"$hba"
    ci_psql "$CI_PG_PORT" "SELECT pg_reload_conf()" >/dev/null
    sleep 1
  fi
  data="$CI_SERVICES_DIR/replica"
  timeout 300 runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$CI_PG_PORT" -U postgres -D "$data" \
    -R -X stream -c fast -w || ci_fail "pg_basebackup from 127.0.0.1:$CI_PG_PORT failed"
  # Debian keeps postgresql.conf and pg_hba.conf outside the data directory: the replica gets its own. A hot
  # standby needs at least the primary's connection and lock limits.
  cat >"$data/postgresql.conf" <<EOF
port = $CI_REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CI_SERVICES_DIR'
hot_standby = on
max_connections = $(ci_psql "$CI_PG_PORT" "SHOW max_connections")
max_worker_processes = $(ci_psql "$CI_PG_PORT" "SHOW max_worker_processes")
max_locks_per_transaction = $(ci_psql "$CI_PG_PORT" "SHOW max_locks_per_transaction")
max_prepared_transactions = $(ci_psql "$CI_PG_PORT" "SHOW max_prepared_transactions")
max_wal_senders = $(ci_psql "$CI_PG_PORT" "SHOW max_wal_senders")
shared_buffers = 64MB
fsync = off
logging_collector = off
EOF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$data/pg_hba.conf"
  chown postgres:postgres "$data/postgresql.conf" "$data/pg_hba.conf"
  ci_as_postgres "$CI_PGBIN/pg_ctl" -D "$data" -l "$CI_SERVICES_DIR/replica.log" -w -t 60 start >/dev/null \
    || { cat "$CI_SERVICES_DIR/replica.log" >&2; ci_fail "the replica did not start"; }
  for _ in $(seq 1 60); do
    if [ "$(ci_psql "$CI_REPLICA_PORT" "SELECT pg_is_in_recovery()" 2>/dev/null)" = "t" ] &&
       [ "$(ci_psql "$CI_PG_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ]; then
      return 0
    fi
    sleep 1
  done
  cat "$CI_SERVICES_DIR/replica.log" >&2
  ci_fail "the replica on port $CI_REPLICA_PORT is not streaming from the primary after 60 s"
}

ci_pgbouncer_start() {
  ci_services_dir
  if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get install -y -qq pgbouncer >/dev/null ||
      { timeout 300 apt-get update -qq && timeout 300 apt-get install -y -qq pgbouncer >/dev/null; } ||
      ci_fail "could not install Debian's pgbouncer"
  fi
  local bouncer dir="$CI_SERVICES_DIR"
  if ci_port_taken "$CI_PGBOUNCER_PORT"; then
    ci_fail "port $CI_PGBOUNCER_PORT is already in use; stop what listens there or set CI_PGBOUNCER_PORT"
  fi
  bouncer=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
  # Any database name reaches the primary, so pytest can create and use its test database through PgBouncer.
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$CI_PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $CI_PGBOUNCER_PORT
unix_socket_dir = $dir
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 400
default_pool_size = 30
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  echo '"postgres" ""' >"$dir/userlist.txt"
  chown postgres:postgres "$dir/pgbouncer.ini" "$dir/userlist.txt"
  ci_as_postgres "$bouncer" -d "$dir/pgbouncer.ini" || { cat "$dir/pgbouncer.log" >&2; ci_fail "PgBouncer did not start"; }
  for _ in $(seq 1 30); do
    if [ "$(PGCONNECT_TIMEOUT=5 timeout 30 psql -h 127.0.0.1 -p "$CI_PGBOUNCER_PORT" -U postgres -d pgbouncer \
              -Atqc 'SHOW CONFIG' 2>/dev/null |
            awk -F'|' '$1 == "pool_mode" {print $2}')" = "transaction" ] &&
       [ "$(ci_psql "$CI_PGBOUNCER_PORT" "SELECT 1" 2>/dev/null)" = "1" ]; then
      return 0
    fi
    sleep 1
  done
  cat "$dir/pgbouncer.log" >&2
  ci_fail "PgBouncer on port $CI_PGBOUNCER_PORT does not answer in transaction mode after 30 s"
}

ci_pgbouncer_stop() {
  local pid
  [ -n "$CI_SERVICES_DIR" ] && [ -f "$CI_SERVICES_DIR/pgbouncer.pid" ] || return 0
  pid=$(cat "$CI_SERVICES_DIR/pgbouncer.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  rm -f "$CI_SERVICES_DIR/pgbouncer.pid"
}

ci_services_stop() {
  [ -n "$CI_SERVICES_DIR" ] || return 0
  ci_pgbouncer_stop
  if [ -f "$CI_SERVICES_DIR/replica/postmaster.pid" ]; then
    ci_as_postgres "$CI_PGBIN/pg_ctl" -D "$CI_SERVICES_DIR/replica" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
      kill -9 "$(head -n 1 "$CI_SERVICES_DIR/replica/postmaster.pid")" 2>/dev/null || true
  fi
  rm -rf "$CI_SERVICES_DIR"
  CI_SERVICES_DIR=""
}
