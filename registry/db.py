"""A cursor for the few statements that every dose, registration and sign-up runs.

On PostgreSQL they go through a server-side binding cursor, so psycopg prepares each of them once per
connection (after DB_PREPARE_THRESHOLD runs) and PostgreSQL then reuses one generic plan: the dose's facts
query alone costs more to parse and plan than to run. Django's own cursors bind on the client side and never
prepare, so the ORM is unaffected. Behind PgBouncer in transaction mode, prepared statements need
PgBouncer 1.21 or later with `max_prepared_statements` set; else set DB_PREPARED_STATEMENTS=0.
"""
import hashlib
from contextlib import nullcontext

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper


class _KeptCursor(CursorWrapper):
    """The connection's one hot cursor: leaving `with` keeps it open for the next statement (a dose runs
    six), and it goes with its connection."""

    def __exit__(self, *exc_info):
        return None


def _prepares(db) -> bool:
    return db.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS and not db.queries_logged


def hot_cursor(alias: str = DEFAULT_DB_ALIAS):
    """A cursor of the database `alias` (the default one unless a read goes to the replica), wrapped like
    `connection.cursor()` (errors, query logging)."""
    db = connections[alias]  # the connection itself: each attribute read through the proxy costs
    if not _prepares(db):
        # While Django records queries (DEBUG, a test counting them) the text of a prepared statement is not
        # available to it: the plain cursor then, whose statements read in full.
        return db.cursor()
    db.ensure_connection()
    db.validate_thread_sharing()
    raw = db.connection
    kept = getattr(raw, "hot_cursor", None)
    if kept is None or kept.cursor.closed:
        import psycopg

        if raw.prepare_threshold is None:  # Django turns preparing off; only this kind of cursor ever prepares
            raw.prepare_threshold = settings.DB_PREPARE_THRESHOLD
        kept = raw.hot_cursor = _KeptCursor(psycopg.Cursor(raw), db)
    return kept


def values_read(queryset) -> list[dict]:
    """`list(queryset)` of a `values()` queryset, through the hot cursor on PostgreSQL: a list page's query with
    its joins took PostgreSQL longer to plan than to run, and prepared once per connection it is planned once.
    Each row is the dict Django's own `values()` gives (the same names, in the same order)."""
    if not _prepares(connections[DEFAULT_DB_ALIAS]):  # elsewhere Django's own read, with its converters
        return list(queryset)
    query = queryset.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    cursor = hot_cursor()
    cursor.execute(*query.sql_with_params())
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def pipelined(cursor):
    """Statements sent together, in one round trip, on PostgreSQL (psycopg's pipeline mode; elsewhere one by one):
    each still runs after the one before, in its own snapshot, and reading a result waits for all of them.
    Only the last statement's rows can be read from `cursor`."""
    db = connections[DEFAULT_DB_ALIAS]
    return db.connection.pipeline() if db.vendor == "postgresql" else nullcontext()


_insert_fields: dict = {}  # per model, the fields its INSERT writes


def _fields_of(model) -> list:
    fields = _insert_fields.get(model)
    if fields is None:
        fields = _insert_fields[model] = [field for field in model._meta.concrete_fields
                                          if field is not model._meta.auto_field]
    return fields


def insert_sql(instance) -> tuple[str, list]:
    """`instance.save(force_insert=True)`'s INSERT, as text and parameters, for a hot path to send with other
    statements: every field prepared as save() does it (`pre_save`, then `get_db_prep_save`), the id left to the
    database. The text is the same for every row of the model, so the hot cursor prepares it once."""
    return insert_select_sql(instance)


def insert_select_sql(instance, **sources: str) -> tuple[str, list]:
    """`insert_sql`, where each foreign key named in `sources` (`user="account"`) takes the `id` of the row that
    WITH query of the same statement wrote (INSERT … SELECT … FROM it): for a row written in one statement with
    the row it points to."""
    model = type(instance)
    db = connections[DEFAULT_DB_ALIAS]
    columns, values, params = [], [], []
    for field in _fields_of(model):
        columns.append(db.ops.quote_name(field.column))
        if field.name in sources:
            values.append(f"{sources[field.name]}.id")
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(instance, True), db))
    into = f"INSERT INTO {db.ops.quote_name(model._meta.db_table)} ({', '.join(columns)})"
    if not sources:
        return f"{into} VALUES ({', '.join(values)})", params
    return f"{into} SELECT {', '.join(values)} FROM {', '.join(sorted(set(sources.values())))}", params


def row_text(model, alias: str) -> str:
    """Every column of `model`'s row `alias` as one SQL text, "~" for a row a LEFT JOIN did not find. PostgreSQL
    writes the whole row as its composite text (values with commas or quotes quoted); SQLite, one column at a
    time, a NULL written as such, so that no two rows read alike on either."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return f"COALESCE(CAST({alias} AS TEXT), '~')"
    columns = [f"COALESCE(CAST({alias}.\"{field.column}\" AS TEXT) || ',', '~,')"
               for field in model._meta.concrete_fields]
    return "(" + " || ".join(columns) + ")"


def stamp_of(rows) -> str:
    """A fingerprint of (part, text) rows, in any order."""
    digest = hashlib.blake2b(digest_size=20)
    for number, text in sorted(rows):
        data = f"{number}:{text}".encode()
        digest.update(len(data).to_bytes(4, "big") + data)
    return digest.hexdigest()


class Fingerprint:
    """A fingerprint of every column of every row that some SELECT statements (text and parameters) read, compiled
    once to be read again and again (`read()`): a page kept per fingerprint is drawn again when any of those rows
    changed, came or went. A statement whose rows come in an order should select what orders them: the fingerprint
    is of the set of rows.

    On PostgreSQL one prepared statement hashes every row whole (`hash_record_extended`, 64 bits, seeded with the
    statement's number; every column's type must have a hash, which json has not) and returns the SHA-256 of those
    hashes in order: a change goes unnoticed only if it leaves its row's 64-bit hash as it was (a chance of one in
    2**64). Writing each row as its composite text instead cost the queue's read a third more, most of it in the
    columns' text forms (dates and times) and in sorting long texts by the database's collation. The parameters
    are written into the statement: such a statement holds for one page's query only, and PostgreSQL plans it once,
    where with parameters it planned it anew on every read (its estimate for a generic plan never beat one made for
    the values; planning the queue's reads took longer than running them). Elsewhere the statements are read one
    by one and the rows hashed here."""

    def __init__(self, parts: list[tuple[str, list]]):
        db = connections[DEFAULT_DB_ALIAS]
        self.parts, self.sql = parts, None
        if db.vendor == "postgresql":
            import psycopg

            db.ensure_connection()
            rows = " UNION ALL ".join(
                f"SELECT * FROM (SELECT {number}, hash_record_extended(part, {number}) FROM ({text}) AS part)"
                f" AS part{number}" for number, (text, _params) in enumerate(parts))
            sql = ("SELECT encode(sha256(convert_to(COALESCE(string_agg(number || ':' || hash, ',' ORDER BY number,"
                   f" hash), ''), 'UTF8')), 'hex') FROM ({rows}) AS rows (number, hash)")
            self.sql = psycopg.ClientCursor(db.connection).mogrify(
                sql, [value for _text, params in parts for value in params])

    def read(self) -> str:
        if self.sql is None:
            rows = []
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                for number, (text, params) in enumerate(self.parts):
                    cursor.execute(text, params)
                    rows += [(number, repr(row)) for row in cursor.fetchall()]
            return stamp_of(rows)
        cursor = hot_cursor()
        cursor.execute(self.sql)
        return cursor.fetchone()[0]
