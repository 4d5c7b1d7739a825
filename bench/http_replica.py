"""bench/http.py with every @replica_reads view (the dashboard, verification) read from a streaming replica.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vacc python bench/http_replica.py --replica-port 5433 \
        [bench/http.py's options, e.g. --only dashboard,verify]

The replica must stream from DATABASE_URL's cluster (.ci/services.sh `ci_replica_start` makes one on port 5433):
bench/http.py's scratch database reaches it by replication, and gunicorn is given DATABASE_REPLICA_URL naming that
database on the replica's port. Compare its `ratio http_NAME` lines with those of bench/http.py alone.
"""
import importlib.util
import sys
import time
import urllib.parse
from pathlib import Path


def _replica_url(database_url: str, port: int) -> str:
    parts = urllib.parse.urlsplit(database_url)
    netloc = parts.netloc.rsplit("@", 1)
    host = netloc[-1].rsplit(":", 1)[0]
    return urllib.parse.urlunsplit(parts._replace(netloc="@".join([*netloc[:-1], f"{host}:{port}"])))


def _caught_up(database_url: str, port: int, timeout: float = 120) -> None:
    """The scratch rows reach the replica before gunicorn reads them there."""
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as primary:
        lsn = primary.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(_replica_url(database_url, port).replace("postgres://", "postgresql://", 1),
                                 autocommit=True) as replica:
                if replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
                    return
        except psycopg.OperationalError:
            pass  # the scratch database itself has not been replayed yet
        time.sleep(0.2)
    sys.exit(f"the replica on port {port} did not catch up with the primary in {timeout:.0f} s")


def main() -> None:
    args = sys.argv[1:]
    if "--replica-port" not in args:
        sys.exit(__doc__)
    at = args.index("--replica-port")
    port = int(args[at + 1])
    sys.argv[1:] = args[:at] + args[at + 2:]
    spec = importlib.util.spec_from_file_location("bench_http", Path(__file__).with_name("http.py"))
    bench_http = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_http)
    plain = bench_http.environment

    def environment(database_url, work, redis_url):
        env = plain(database_url, work, redis_url)
        if "/test_" in database_url:  # gunicorn's: the scratch database, now complete on the primary
            _caught_up(database_url, port)
            env["DATABASE_REPLICA_URL"] = _replica_url(database_url, port)
            print(f"gunicorn reads @replica_reads views from {env['DATABASE_REPLICA_URL']}", flush=True)
        return env

    bench_http.environment = environment
    bench_http.main()


if __name__ == "__main__":
    main()
