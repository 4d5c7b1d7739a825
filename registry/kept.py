"""Values kept in the cache (Redis in production) that the database can always recompute.

Every call may fail without harm: a failed read is a miss, a failed write keeps nothing, and the caller reads the
database. `kept_forget` drops keys at once and again when the current transaction commits, so a request that read
the old rows in between cannot keep them.
"""
import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def _call(name: str, *args):
    try:
        return getattr(cache, name)(*args)
    except Exception:  # connection refused, timeout, bad data: the database answers
        logger.warning("cache %s failed", name, exc_info=True)
        return None


def kept_get(key: str):
    return _call("get", key)


def kept_get_many(keys: list[str]) -> dict:
    return _call("get_many", keys) or {}


def kept_set(key: str, value, seconds: int) -> None:
    if seconds > 0:
        _call("set", key, value, seconds)


def kept_forget(*keys: str) -> None:
    keys = [key for key in keys if key]
    if keys:
        _call("delete_many", keys)
        transaction.on_commit(lambda: _call("delete_many", keys))
