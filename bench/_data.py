"""Set-based bench data: INSERT … SELECT over generate_series, so a million rows take seconds, not minutes."""
import statistics
import time

from django.db import connection, models


def insert_series(model, count: int, columns: dict) -> None:
    """INSERT `count` rows of `model` in one statement. `columns` maps field names to SQL expressions of `i`
    (0 … count-1), or to (expression, [parameters]); every other column gets its field's default, `now()` for
    auto_now fields, or NULL, so a column someone adds later with a default does not break the benches."""
    names, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in columns:
            continue
        names.append(connection.ops.quote_name(field.column))
        given = columns.get(field.name, columns.get(field.attname))
        if given is not None:
            expression, arguments = (given, []) if isinstance(given, str) else given
            values.append(expression)
            params.extend(arguments)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
        elif field.has_default():
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            values.append("NULL")
        elif isinstance(field, (models.CharField, models.TextField)):
            values.append("''")
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs an expression: no default, not null")
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} "
                       f"FROM generate_series(0, %s) AS i", [*params, count - 1])
        cursor.execute(f"ANALYZE {table}")


def median_of(runs: int, measure) -> float:
    """The median of `runs` measurements (benchmarks on a shared machine are noisy)."""
    return statistics.median(measure() for _ in range(runs))


def throughput(function, *, seconds: float = 2.0, minimum: int = 5) -> float:
    """Calls per second of `function` over about `seconds`."""
    function()  # warm
    done, started = 0, time.perf_counter()
    while done < minimum or time.perf_counter() - started < seconds:
        function()
        done += 1
    return done / (time.perf_counter() - started)



def people_series(count: int, *, ward_ids: list[int], tag: str) -> int:
    """`count` people spread over `ward_ids`; returns the id of the first (ids of one INSERT are consecutive)."""
    from citizens.models import Person

    insert_series(Person, count, {
        "full_name": ("%s || ' ' || i", [f"Người {tag}"]),
        "ward": ("(%s::bigint[])[1 + i %% %s]", [ward_ids, len(ward_ids)]),
        "date_of_birth": "date '1950-01-01' + (i %% 18000)",
        "sex": "CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END",
        "phone": ("%s || lpad(i::text, 8, '0')", [f"+849{tag[:1] if tag[:1].isdigit() else '1'}"]),
        "qr_token": ("%s || i", [f"bench-{tag}-"]),
    })
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM citizens_person WHERE qr_token LIKE %s", [f"bench-{tag}-%"])
        return cursor.fetchone()[0]


def doses_series(count: int, *, first_person: int, site_ids: list[int], vaccine_id: int, lot_id: int,
                 tag: str) -> None:
    """`count` doses (1 and 2 alternately, over the last 60 days) of consecutive people, spread over sites."""
    from vaccination.models import Dose

    insert_series(Dose, count, {
        "person": ("%s + i", [first_person]),
        "site": ("(%s::bigint[])[1 + i %% %s]", [site_ids, len(site_ids)]),
        "vaccine": ("%s", [vaccine_id]),
        "lot": ("%s", [lot_id]),
        "dose_number": "1 + i %% 2",
        "given_at": "now() - make_interval(days => i %% 60)",
        "idempotency_key": ("%s || i", [f"bench-{tag}-"]),
        "source": "'live'",
        "voided": "false",
    })
