"""The database connections as deployed: a read replica only when one is named, PgBouncer-safe options, and
psycopg's own pool; each read from the settings a fresh process builds from its environment."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRIMARY = "postgres://postgres@127.0.0.1:5432/vaccination"
REPLICA = "postgres://postgres@127.0.0.1:5433/vaccination"
SHOW = ("import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'databases': {a: {'host': d.get('HOST'), 'port': d.get('PORT'), "
        "'options': {k: v for k, v in d['OPTIONS'].items()}, 'no_ssc': d.get('DISABLE_SERVER_SIDE_CURSORS'), "
        "'max_age': d.get('CONN_MAX_AGE')} for a, d in s.DATABASES.items()}, 'routers': s.DATABASE_ROUTERS, "
        "'middleware': s.MIDDLEWARE, 'prepared': getattr(s, 'DB_PREPARED_STATEMENTS', None)}, default=str))")
NAMES = ("DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_PGBOUNCER", "DATABASE_POOL", "DB_PREPARED_STATEMENTS",
         "REDIS_URL", "SECRET_KEY")


def _settings(code: str = SHOW, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NAMES}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env})


def _shape(**env) -> dict:
    result = _settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_replica_nothing_changes():
    shape = _shape(DATABASE_URL=PRIMARY)
    assert list(shape["databases"]) == ["default"]
    assert shape["routers"] == []
    assert not any("replica" in name for name in shape["middleware"])
    default = shape["databases"]["default"]
    assert default["no_ssc"] is not True and "pool" not in default["options"]


def test_a_replica_url_adds_the_alias_the_router_and_the_pin():
    shape = _shape(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA)
    assert shape["databases"]["replica"]["port"] == 5433 and shape["databases"]["default"]["port"] == 5432
    assert shape["routers"] == ["registry.replica.ReplicaRouter"]
    # First, so that the session and the user are read knowing whether the client has just written.
    assert shape["middleware"][0] == "registry.replica.ReplicaPinMiddleware"


def test_behind_pgbouncer_no_server_side_cursor_and_nothing_prepared():
    shape = _shape(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA, DATABASE_PGBOUNCER="1")
    for alias in ("default", "replica"):
        assert shape["databases"][alias]["no_ssc"] is True
        assert shape["databases"][alias]["options"]["prepare_threshold"] is None
    assert shape["prepared"] is False  # the hot paths' own prepared statements too


def test_the_pool_replaces_persistent_connections():
    shape = _shape(DATABASE_URL=PRIMARY, DATABASE_POOL="1")
    default = shape["databases"]["default"]
    assert default["options"]["pool"] == {"min_size": 2, "max_size": 10, "timeout": 10}
    assert default["max_age"] == 0


def test_the_pool_on_sqlite_is_a_clear_error():
    result = _settings(DATABASE_URL="sqlite:///tmp/x.sqlite3", DATABASE_POOL="1")
    assert result.returncode != 0 and "DATABASE_POOL needs PostgreSQL" in result.stderr


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_pool_hands_back_the_same_server_connection():
    """With DATABASE_POOL=1 and one pooled connection, closing Django's connection hands it back to the pool and
    the next query takes the same one (kept alive in a list, so a new connection could not reuse its id)."""
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    code = ("import django; django.setup(); from django.db import connection; "
            "raw = []\n"
            "for _ in range(3):\n"
            "    with connection.cursor() as c: c.execute('SELECT 1')\n"
            "    raw.append(connection.connection)\n"
            "    connection.close()\n"
            "print(type(connection.pool).__name__, len({id(r) for r in raw}))")
    result = _settings(code, DATABASE_URL=url, DATABASE_POOL="1", DATABASE_POOL_MIN_SIZE="1",
                       DATABASE_POOL_MAX_SIZE="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ConnectionPool", "1"]


# Session state a transaction-mode pooler would carry to another client or lose between transactions.
SESSION_STATE = re.compile(
    r"pg_(try_)?advisory_lock(_shared)?\(|\bLISTEN\s|\bPREPARE\s+\w|WITH\s+HOLD|SET\s+SESSION\b|"
    r"CREATE\s+TEMP(ORARY)?\s+TABLE(?!.*ON\s+COMMIT\s+DROP)|"
    r"\bSET\s+(search_path|ROLE|statement_timeout|lock_timeout|idle_in_transaction_session_timeout|TIME\s+ZONE|"
    r"work_mem|application_name)\b")


def test_no_session_state_that_pgbouncer_would_lose():
    apps = ["config", "registry", "citizens", "vaccination", "certificates", "reporting"]
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for app in apps for path in sorted((ROOT / app).rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SESSION_STATE.search(line.split("#")[0])]
    assert not found, "session-level state breaks behind PgBouncer in transaction mode:\n" + "\n".join(found)
