"""Set-based INSERT of many rows given as columns of Python values, for the bulk services on PostgreSQL.

`bulk_create` builds a model instance and prepares every field of every row in Python; at thousands of
appointments, notices and SMS per scheduling run that cost more than the database's own work. Here each
column travels as one array and PostgreSQL unnests them: one statement, no instance per row.
"""
from django.db import connection, transaction
from django.utils import timezone


def reserve_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys of `model`'s table, so rows that point at each other can be written together."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [table, model._meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


def insert_columns(model, columns: dict, count: int) -> None:
    """INSERT `count` rows of `model`. `columns` maps field names (or attnames) to a list of `count` database-ready
    values, or to one value for every row; any other column gets its field's default (auto_now fields: now,
    nullable ones: NULL). The primary key is left to the database unless given."""
    if count <= 0:
        return
    names, selects, scalars, arrays = [], [], [], []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        key = next((k for k in (field.name, field.attname) if k in columns), None)
        if key is not None:
            value = columns[key]
        elif field.primary_key:
            continue
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or (field.empty_strings_allowed and not field.null):
            value = field.get_db_prep_save(field.get_default(), connection)  # "" for text without a default
        elif field.null:
            value = None
        else:
            raise ValueError(f"{model.__name__}.{field.name}: give its values (no default, not null)")
        names.append(connection.ops.quote_name(field.column))
        db_type = field.db_type(connection)
        if isinstance(value, list):
            if len(value) != count:
                raise ValueError(f"{model.__name__}.{field.name}: {len(value)} values for {count} rows")
            arrays.append((value, db_type))
            selects.append(f"t.c{len(arrays)}")
        else:
            scalars.append(value)
            selects.append(f"%s::{db_type}")
    unnest = ", ".join(f"%s::{db_type}[]" for _values, db_type in arrays)
    aliases = ", ".join(f"c{index}" for index in range(1, len(arrays) + 1))
    source = f"unnest({unnest}) AS t({aliases})" if arrays else f"generate_series(1, {int(count)}) AS t"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(names)}) "
            f"SELECT {', '.join(selects)} FROM {source}",
            [*scalars, *(values for values, _db_type in arrays)])


def _full_columns(model, given: list[str]) -> tuple[list, tuple]:
    """The given fields plus every other concrete column that needs a value, and those columns' values (the
    same for every row: defaults, now for auto_now fields, "" for text, NULL)."""
    fields = [model._meta.get_field(name) for name in given]
    extra, values, now = [], [], timezone.now()
    for field in model._meta.concrete_fields:
        if field in fields or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or (field.empty_strings_allowed and not field.null):
            value = field.get_db_prep_save(field.get_default(), connection)
        elif field.null:
            value = None
        else:
            raise ValueError(f"{model.__name__}.{field.name}: give its values (no default, not null)")
        extra.append(field)
        values.append(value)
    return fields + extra, tuple(values)


def copy_rows(model, columns: list[str], rows, *, skip_conflicts: bool = False,
              returning: tuple[str, ...] = ()) -> list[tuple]:
    """Write `rows` (tuples in the order of `columns`, database-ready values) with COPY, the fastest way into
    PostgreSQL. With `skip_conflicts` or `returning` they go through a temporary table first, then one
    INSERT … ON CONFLICT DO NOTHING … RETURNING: the returned tuples are those of the rows actually written."""
    fields, constant = _full_columns(model, columns)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    direct = not skip_conflicts and not returning
    target = table if direct else "bulk_rows"
    # The temporary table lives until the end of the transaction: make sure there is one.
    with transaction.atomic(), connection.cursor() as cursor:
        if not direct:
            cursor.execute(f"CREATE TEMPORARY TABLE bulk_rows ON COMMIT DROP AS SELECT {names} FROM {table} "
                           "WITH NO DATA")
        with cursor.connection.cursor().copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + constant)
        if direct:
            return []
        conflict = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
        back = (" RETURNING " + ", ".join(connection.ops.quote_name(model._meta.get_field(name).column)
                                          for name in returning)) if returning else ""
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM bulk_rows{conflict}{back}")
        written = cursor.fetchall() if returning else []
        cursor.execute("DROP TABLE bulk_rows")
        return written
