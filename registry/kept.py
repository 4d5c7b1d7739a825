"""Values kept in the cache (Redis in production) that the database can always recompute.

Every call may fail without harm: a failed read is a miss, a failed write keeps nothing, and the caller reads the
database. `kept_forget` drops keys at once and again when the current transaction commits, so a request that read
the old rows in between cannot keep them.

A signed-in request reads several kept values, each a round trip to the cache that cost a console page more than
its own query: the session, the user, their second factor, their area's alert count. Each process remembers which
keys a user's requests read through `kept_for` (the keys, never the values), and the next request of that user
reads them together with the user, in one round trip (`kept_with_user`). A key kept or forgotten meanwhile is
dropped from what was read ahead, so the rest of that request reads it afresh.
"""
import logging
import weakref

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


# Per user id (as text: the session keeps it so), the keys their requests read through kept_for in this process.
_read_by: dict[str, set[str]] = {}
READ_BY_USERS, READ_BY_KEYS = 4096, 8  # how many users and keys per user a process remembers


class ReadAhead(dict):
    """Kept values read ahead for one request, None for a key the cache did not hold."""


# Those still in use, by id: kept_set and kept_forget drop their keys.
_ahead: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def read_ahead(values: dict, keys) -> ReadAhead:
    """`values` (as the cache answered) of `keys`, read ahead for one request."""
    ahead = ReadAhead({key: values.get(key) for key in keys})
    _ahead[id(ahead)] = ahead
    return ahead


def _drop_ahead(keys) -> None:
    for ahead in list(_ahead.values()):
        for key in keys:
            ahead.pop(key, None)


def kept_read_by(user_id) -> set[str]:
    """The keys this user's requests read through `kept_for` in this process."""
    return _read_by.get(str(user_id), set())


def kept_with_user(user_id, user_key: str) -> tuple[object, dict]:
    """The kept value of `user_key` and, read in the same round trip, those that this user's requests read through
    `kept_for` (a dict with None for each key the cache did not hold)."""
    also = kept_read_by(user_id)
    read = kept_get_many([user_key, *also])
    return read.get(user_key), read_ahead(read, also)


def kept_for(user, key: str):
    """`kept_get(key)` for a request of `user`: answered from what was read with the user, when it was."""
    with_user = getattr(user, "kept_with_user", None)
    if with_user is not None and key in with_user:
        return with_user[key]
    keys = _read_by.get(str(user.pk))
    if keys is None or len(keys) >= READ_BY_KEYS:
        if len(_read_by) >= READ_BY_USERS:
            _read_by.clear()
        keys = _read_by[str(user.pk)] = set()
    keys.add(key)
    return kept_get(key)


def kept_set(key: str, value, seconds: int) -> None:
    _drop_ahead([key])
    if seconds > 0:
        _call("set", key, value, seconds)


def kept_forget(*keys: str) -> None:
    keys = [key for key in keys if key]
    if keys:
        _drop_ahead(keys)
        _call("delete_many", keys)
        transaction.on_commit(lambda: _call("delete_many", keys))
