"""Temporary locks after repeated failures (wrong passwords), kept in the cache so all web processes share them."""
import datetime

from django.core.cache import cache
from django.utils import timezone


def lock_until(key: str) -> datetime.datetime | None:
    """When the lock on `key` ends, or None if it is not locked."""
    state = cache.get(key)
    if state and state.get("until") and state["until"] > timezone.now():
        return state["until"]
    return None


def lock_record_failure(key: str, *, max_failures: int, lock_seconds: int) -> datetime.datetime | None:
    """Count one failure; on reaching `max_failures` lock for `lock_seconds` and return when the lock ends."""
    state = cache.get(key) or {"count": 0, "until": None}
    state["count"] += 1
    if state["count"] >= max_failures:
        state = {"count": 0, "until": timezone.now() + datetime.timedelta(seconds=lock_seconds)}
    cache.set(key, state, lock_seconds)
    return state["until"]


def lock_clear(key: str) -> None:
    cache.delete(key)
