"""The shape of the database connections: a read replica, PgBouncer in transaction mode, psycopg's own pool.

Kept apart from base.py so that the test settings build their replica alias the same way production does.
"""
import copy

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REPLICA = "replica"
ROUTER = "registry.replica.ReplicaRouter"
PIN_MIDDLEWARE = "registry.replica.ReplicaPinMiddleware"


def database_shape(db: dict, *, pgbouncer: bool, pool: dict | None) -> dict:
    """Options one PostgreSQL alias needs behind PgBouncer (transaction mode) or with psycopg's pool."""
    on_postgres = db["ENGINE"].endswith("postgresql")
    if pool is not None and not on_postgres:
        raise ImproperlyConfigured("DATABASE_POOL needs PostgreSQL (DATABASE_URL=postgres://…).")
    if not on_postgres:
        return db
    options = db.setdefault("OPTIONS", {})
    if pgbouncer:
        # Each transaction may run on another server connection: a cursor kept open WITH HOLD between
        # transactions (QuerySet.iterator() in autocommit) or a statement prepared on one connection would be
        # missing on the next. Django does not prepare by default; None says so even if that default changes.
        db["DISABLE_SERVER_SIDE_CURSORS"] = True
        options["prepare_threshold"] = None
    if pool is not None:
        # psycopg's pool keeps the connections itself; Django refuses persistent connections beside it.
        db["CONN_MAX_AGE"] = 0
        options["pool"] = dict(pool)
    return db


def replica_alias(default: dict, url: str | None, *, test_mirror: bool = False) -> dict:
    """The "replica" alias: DATABASE_REPLICA_URL, or (tests only, without one) a second connection to default.

    In tests it is a TEST MIRROR of default: Django gives it the test database's name instead of creating one.
    A real streaming replica has that database too, since it replays the primary's CREATE DATABASE."""
    if url:
        replica = dj_database_url.parse(url, conn_max_age=default.get("CONN_MAX_AGE", 0))
    else:
        replica = copy.deepcopy(default)
    if test_mirror:
        replica["TEST"] = {"MIRROR": "default"}
    return replica


def with_replica(databases: dict, middleware: list[str], routers: list[str]) -> tuple[list[str], list[str]]:
    """The router and the pin middleware, once a replica alias exists. The pin middleware runs first, so that
    every read of the request (session, user, view) knows whether the client wrote a moment ago."""
    if REPLICA not in databases:
        return middleware, routers
    middleware = [m for m in middleware if m != PIN_MIDDLEWARE]
    return [PIN_MIDDLEWARE, *middleware], [*[r for r in routers if r != ROUTER], ROUTER]
