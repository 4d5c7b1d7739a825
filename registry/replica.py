"""Reads that tolerate a few seconds of lag go to the streaming replica; everything else stays on the primary.

A view says it is one of those reads with `@replica_reads` (dashboards, reports and exports, public verification,
reference data). Inside it the router sends ORM reads to the "replica" alias, unless
- the client wrote something a moment ago: any unsafe request (POST…) pins its client to the primary for
  REPLICA_PIN_SECONDS with a signed cookie, so a citizen who has just registered sees the registration;
- the read happens inside a transaction on the primary, whose own writes the replica cannot have yet.
Writes, `select_for_update()` and raw `connection.cursor()` always use the primary, and only the primary is
migrated. Without a "replica" alias (no DATABASE_REPLICA_URL) none of this is installed and nothing changes.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "primary_pin"
_PIN_SALT = "registry.replica.pin"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# "replica" inside a lag-tolerant view, "primary" for a pinned client, None otherwise.
_target: ContextVar[str | None] = ContextVar("replica_target", default=None)


@contextmanager
def read_from_replica():
    """ORM reads in this block may come from the replica (a pinned client keeps reading from the primary)."""
    if _target.get() == "primary":
        yield
        return
    token = _target.set(REPLICA)
    try:
        yield
    finally:
        _target.reset(token)


@contextmanager
def _pinned_to_primary():
    token = _target.set("primary")
    try:
        yield
    finally:
        _target.reset(token)


def _streamed(chunks, target: str | None) -> Iterator:
    """A streamed body (a CSV export) is read after the view has returned: each chunk under the view's choice."""
    chunks = iter(chunks)
    while True:
        token = _target.set(target)
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        finally:
            _target.reset(token)
        yield chunk


def replica_reads(view):
    """Mark a view whose reads may lag the primary by a few seconds. Put it under the access decorators
    (`console_view`, `citizen_required`), so that who is signed in and what they may see is read from the primary."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.replica_reads = True  # a POST to such a view (a verification) does not pin its client
        with read_from_replica():
            target = _target.get()
            response = view(request, *args, **kwargs)
        if getattr(response, "streaming", False):
            response.streaming_content = _streamed(response.streaming_content, target)
        return response

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _target.get() == REPLICA and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read from the replica may be linked to one on the primary.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaPinMiddleware:
    """After a client writes, its reads stay on the primary for REPLICA_PIN_SECONDS (a signed, short cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pinned = request.get_signed_cookie(PIN_COOKIE, default=None, salt=_PIN_SALT,
                                           max_age=settings.REPLICA_PIN_SECONDS) is not None
        if pinned:
            with _pinned_to_primary():
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        if request.method not in _SAFE_METHODS and not getattr(request, "replica_reads", False):
            response.set_signed_cookie(PIN_COOKIE, "1", salt=_PIN_SALT, max_age=settings.REPLICA_PIN_SECONDS,
                                       secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response
