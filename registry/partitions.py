"""Monthly range partitions for the facts that grow without bound, on PostgreSQL only.

Each table keeps Django's `id` (from its sequence, so unique in practice); in the database the primary key
becomes (id, <time column>) because PostgreSQL wants the partition key in every unique index of a partitioned
table. Months run in Viet Nam's time (settings.TIME_ZONE), so a query for one local day or month reads one
partition. A row outside every monthly partition lands in `<table>_default`; `partitions_ensure` creates the
coming months ahead of time and moves any rows of such a month out of the default partition first.

The tables are named here as strings (not imported models): `registry` imports no other app.
"""
import datetime
import zlib
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone

# (table, time column that routes each row to its month)
PARTITIONED = (
    ("registry_auditevent", "at"),
    ("citizens_smsmessage", "created_at"),
    ("vaccination_stockmovement", "at"),
    ("vaccination_registrationevent", "at"),
    ("vaccination_dose", "given_at"),  # its cross-month uniqueness lives in vaccination_doseclaim
)


def _month_start(moment: datetime.datetime) -> datetime.date:
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE)) if timezone.is_aware(moment) else moment
    return local.date().replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _bounds(month: datetime.date) -> tuple[str, str]:
    """The month's first and next month's first instant in Viet Nam's time, as SQL timestamptz literals."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(month, datetime.time(), zone)
    end = datetime.datetime.combine(_next_month(month), datetime.time(), zone)
    return start.isoformat(), end.isoformat()


def partition_name(table: str, month: datetime.date) -> str:
    return f"{table}_p{month:%Y_%m}"


def is_partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s))", [table])
    return cursor.fetchone()[0]


def _months(first: datetime.date, count: int) -> list[datetime.date]:
    months = [first]
    for _ in range(count):
        months.append(_next_month(months[-1]))
    return months


def _month_add(cursor, table: str, column: str, month: datetime.date) -> bool:
    """Create the month's partition unless it exists; rows of that month already in the default partition are
    moved into it (PostgreSQL refuses a new partition while the default one holds rows of its range)."""
    name = partition_name(table, month)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return False
    start, end = _bounds(month)
    qn = default_connection.ops.quote_name
    default = qn(f"{table}_default")
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {default} WHERE {qn(column)} >= %s AND {qn(column)} < %s)",
                   [start, end])
    if not cursor.fetchone()[0]:
        cursor.execute(f"CREATE TABLE {qn(name)} PARTITION OF {qn(table)} FOR VALUES FROM ('{start}') TO ('{end}')")
        return True
    cursor.execute(f"CREATE TABLE {qn(name)} (LIKE {qn(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(f"WITH moved AS (DELETE FROM {default} WHERE {qn(column)} >= %s AND {qn(column)} < %s "
                   f"RETURNING *) INSERT INTO {qn(name)} SELECT * FROM moved", [start, end])
    cursor.execute(f"ALTER TABLE {qn(table)} ATTACH PARTITION {qn(name)} FOR VALUES FROM ('{start}') TO ('{end}')")
    return True


def _lock(cursor, table: str) -> None:
    """Two runs at once (beat and a deploy) take turns per table instead of racing on CREATE TABLE."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"partitions:{table}".encode())])


def foreign_keys_drop(schema_editor, *, table: str, to: str) -> None:
    """Drop the database foreign keys of `table` into `to` before `to` is partitioned (a migration step beside a
    state-only AlterField(db_constraint=False)). PostgreSQL only: SQLite keeps plain tables, where they do no harm."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass "
                       "AND confrelid = %s::regclass", [table, to])
        for (name,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} DROP CONSTRAINT "
                           f"{schema_editor.quote_name(name)}")


def _keys_and_indexes(cursor, qn, table: str) -> tuple[list, list]:
    """Lock `table` for the swap and read its own foreign keys and its indexes (the primary key's aside)."""
    # Deferred foreign-key checks of rows written earlier in this transaction would forbid the DROP of the swap.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"LOCK TABLE {qn(table)} IN ACCESS EXCLUSIVE MODE")
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = %s::regclass AND contype = 'f'", [table])
    foreign_keys = cursor.fetchall()
    cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                   "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE "
                   "c.conrelid = %s::regclass AND c.contype = 'p' AND c.conname = i.indexname)", [table, table])
    return foreign_keys, cursor.fetchall()


def _swap(cursor, qn, *, table: str, staging: str, foreign_keys: list, indexes: list) -> None:
    """Copy `table`'s rows into `staging` (created, with its primary key `staging`_pkey), carry the id sequence on
    from where it was (no id is ever handed out twice), then put `staging` in `table`'s place under its names, with
    its foreign keys and indexes."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    old_sequence = cursor.fetchone()[0]
    cursor.execute(f"INSERT INTO {qn(staging)} SELECT * FROM {qn(table)}")
    cursor.execute(f"SELECT GREATEST(COALESCE(pg_sequence_last_value(%s::regclass), 0), "
                   f"COALESCE((SELECT max(id) FROM {qn(table)}), 0))", [old_sequence])
    last = cursor.fetchone()[0]
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [staging])
    new_sequence = cursor.fetchone()[0]
    if last:
        cursor.execute("SELECT setval(%s::regclass, %s)", [new_sequence, last])
    cursor.execute(f"DROP TABLE {qn(table)}")  # with its partitions, if it had any
    cursor.execute(f"ALTER TABLE {qn(staging)} RENAME TO {qn(table)}")
    cursor.execute(f"ALTER TABLE {qn(table)} RENAME CONSTRAINT {qn(staging + '_pkey')} TO {qn(table + '_pkey')}")
    cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {qn(table + '_id_seq')}")
    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
    for _name, definition in indexes:
        cursor.execute(definition)


def table_partition(schema_editor, *, table: str, column: str, months_ahead: int = 3) -> None:
    """Turn a plain table into a partitioned one of the same name, columns, rows, indexes and foreign keys
    (a migration step). Does nothing on SQLite, or when the table is partitioned already."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    staging = f"{table}__partitioned"
    with connection.cursor() as cursor:
        if is_partitioned(cursor, table):
            return
        foreign_keys, indexes = _keys_and_indexes(cursor, qn, table)
        cursor.execute("SELECT conrelid::regclass::text, conname FROM pg_constraint "
                       "WHERE confrelid = %s::regclass AND contype = 'f'", [table])
        inbound = cursor.fetchall()
        if inbound:
            raise RuntimeError(f"{table} is referenced by foreign keys {inbound}; make them db_constraint=False first.")
        cursor.execute(f"SELECT DISTINCT date_trunc('month', {qn(column)} AT TIME ZONE %s)::date FROM {qn(table)}",
                       [settings.TIME_ZONE])
        months = {row[0] for row in cursor.fetchall()}
        months.update(_months(_month_start(timezone.now()), months_ahead))
        cursor.execute(f"CREATE TABLE {qn(staging)} (LIKE {qn(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                       f"INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({qn(column)})")
        cursor.execute(f"ALTER TABLE {qn(staging)} ADD CONSTRAINT {qn(staging + '_pkey')} PRIMARY KEY (id, {qn(column)})")
        cursor.execute(f"CREATE TABLE {qn(table + '_default')} PARTITION OF {qn(staging)} DEFAULT")
        for month in sorted(months):
            start, end = _bounds(month)
            cursor.execute(f"CREATE TABLE {qn(partition_name(table, month))} PARTITION OF {qn(staging)} "
                           f"FOR VALUES FROM ('{start}') TO ('{end}')")
        # On the parent, an index is a partitioned index, built on every partition.
        _swap(cursor, qn, table=table, staging=staging, foreign_keys=foreign_keys, indexes=indexes)


def table_unpartition(schema_editor, *, table: str) -> None:
    """The way back of table_partition (a migration's reverse step): a plain table of the same name, columns, rows,
    indexes and foreign keys, so that earlier migrations can be unapplied. Does nothing on SQLite, or when the table
    is plain already."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    staging = f"{table}__plain"
    with connection.cursor() as cursor:
        if not is_partitioned(cursor, table):
            return
        foreign_keys, indexes = _keys_and_indexes(cursor, qn, table)
        cursor.execute(f"CREATE TABLE {qn(staging)} (LIKE {qn(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                       f"INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS)")
        cursor.execute(f"ALTER TABLE {qn(staging)} ADD CONSTRAINT {qn(staging + '_pkey')} PRIMARY KEY (id)")
        # A partitioned index reads "ON ONLY table"; on a plain table, "ON table".
        _swap(cursor, qn, table=table, staging=staging, foreign_keys=foreign_keys,
              indexes=[(name, definition.replace(" ON ONLY ", " ON ", 1)) for name, definition in indexes])


def partitions_ensure(*, months_ahead: int, now: datetime.datetime | None = None, using=None) -> list[str]:
    """Create this month's and the next `months_ahead` months' partitions of every partitioned table that lacks
    them; returns the names created (none on a second run, none on SQLite)."""
    connection = default_connection if using is None else using
    if connection.vendor != "postgresql":
        return []
    created = []
    months = _months(_month_start(now or timezone.now()), months_ahead)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table, column in PARTITIONED:
            if not is_partitioned(cursor, table):
                continue
            _lock(cursor, table)
            created += [partition_name(table, month) for month in months
                        if _month_add(cursor, table, column, month)]
    return created
