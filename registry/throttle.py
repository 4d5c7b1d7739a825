"""Limits that hold under parallel requests: fixed-window counters kept in the database.

Every limit (codes sent per phone and per address, password tries per account and per address, public
verifications per address) counts with one atomic `INSERT … ON CONFLICT DO UPDATE … RETURNING`, so twenty
requests arriving together get twenty distinct counts and only `limit` of them pass. Counting happens
*before* the guarded work (a password check, an SMS), never after it, which is what makes it race-free.
The counters do not depend on Redis: a limit keeps holding, and sign-in keeps working, when the cache is down.

A hit made inside a transaction that later rolls back is rolled back with it; callers count failures
(wrong passwords) outside their own transactions so that the count is kept.
"""
import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .db import hot_cursor
from .models import ThrottleCounter

_TABLE = ThrottleCounter._meta.db_table
_UPSERT = f"""
INSERT INTO {_TABLE} ("key", window_start, "count") {{values}}
ON CONFLICT ("key") DO UPDATE SET
  "count" = CASE WHEN {_TABLE}.window_start <= %s THEN 1 ELSE {_TABLE}."count" + 1 END,
  window_start = CASE WHEN {_TABLE}.window_start <= %s THEN excluded.window_start ELSE {_TABLE}.window_start END
RETURNING "count", window_start
"""
_UPSERT_DURABLE = _UPSERT.format(values="VALUES (%s, %s, 1)")
# The same count, committed without waiting for the WAL flush (PostgreSQL's synchronous_commit, for this one
# statement's own transaction): see `throttle_hit(durable=False)`.
_UPSERT_QUICK = _UPSERT.format(
    values="SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS quick")


@dataclass(frozen=True)
class Hit:
    """The state of one counter after a request was counted (or looked at)."""

    count: int
    limit: int
    resets_at: datetime.datetime

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def remaining(self) -> int:
        return max(self.limit - self.count, 0)


def _moment(value) -> datetime.datetime:
    """A window start as the database returned it (SQLite gives text in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value


def throttle_hit(key: str, *, limit: int, window_seconds: int, durable: bool = True) -> Hit:
    """Count one request against `key`; `Hit.allowed` is False once more than `limit` fell in the window.

    One round trip. `durable=False` is for limits hit by every request of a hot public page (verification): when
    the count is its own transaction on PostgreSQL, it commits without waiting for the disk. Counts stay atomic,
    so parallel requests still get distinct counts and the limit holds exactly; only a database crash could forget
    the counts of its last fraction of a second. Inside a caller's transaction nothing changes (the caller's
    writes must stay durable)."""
    return _count(key, limit=limit, window_seconds=window_seconds, durable=durable)[0]


def throttle_hit_reading(key: str, *, limit: int, window_seconds: int,
                         read: tuple[str, list]) -> tuple[Hit, tuple]:
    """`throttle_hit(durable=False)` and a read of one row (`read`: its SQL and parameters, on the default database),
    in one round trip on PostgreSQL: for a public page whose reads are on the database its counters are on. The row
    is returned whatever the count; past the limit the caller shows nothing of it."""
    if connection.vendor != "postgresql":  # SQLite has no INSERT inside WITH: the count, then the read
        hit = throttle_hit(key, limit=limit, window_seconds=window_seconds, durable=False)
        with connection.cursor() as cursor:
            cursor.execute(*read)
            return hit, cursor.fetchone()
    return _count(key, limit=limit, window_seconds=window_seconds, durable=False, read=read)


def _count(key: str, *, limit: int, window_seconds: int, durable: bool,
           read: tuple[str, list] | None = None) -> tuple[Hit, tuple]:
    now = timezone.now()
    since = now - datetime.timedelta(seconds=window_seconds)
    adapt = connection.ops.adapt_datetimefield_value
    quick = not durable and connection.vendor == "postgresql" and not connection.in_atomic_block
    sql, params = _UPSERT_QUICK if quick else _UPSERT_DURABLE, [key[:200], adapt(now), adapt(since), adapt(since)]
    if read is not None:
        sql = f'WITH hit AS ({sql}) SELECT hit."count", hit.window_start, answer.* FROM hit, ({read[0]}) AS answer'
        params += read[1]
    cursor = hot_cursor()  # prepared once per connection: every verification and sign-in counts through it
    cursor.execute(sql, params)
    count, start, *row = cursor.fetchone()
    resets_at = _moment(start) + datetime.timedelta(seconds=window_seconds)
    return Hit(count=count, limit=limit, resets_at=resets_at), tuple(row)


def throttle_peek(key: str, *, limit: int, window_seconds: int) -> Hit:
    """The counter as it stands, without counting a request."""
    now = timezone.now()
    row = ThrottleCounter.objects.filter(
        key=key[:200], window_start__gt=now - datetime.timedelta(seconds=window_seconds)
    ).values_list("count", "window_start").first()
    if row is None:
        return Hit(count=0, limit=limit, resets_at=now + datetime.timedelta(seconds=window_seconds))
    return Hit(count=row[0], limit=limit, resets_at=row[1] + datetime.timedelta(seconds=window_seconds))


def throttle_clear(key: str) -> None:
    """Forget a counter (a right password clears the wrong tries before it)."""
    ThrottleCounter.objects.filter(key=key[:200]).delete()


def throttle_purge(*, older_than_seconds: int = 24 * 3600) -> int:
    """Delete counters whose window ended long ago; run by beat so the table stays small."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    deleted, _ = ThrottleCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
