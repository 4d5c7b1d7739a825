"""Keeping the rollups in step with the facts (receivers), folding their changes, and rebuilding them.

A receiver runs inside the transaction that changed the facts and only INSERTs that transaction's change
(`folded=False`): it never updates a row another writer could be updating, so writers at one site or in
one district do not queue behind each other. Each INSERT … SELECT takes the area codes from the site or
district in the same statement, so a receiver costs one statement and no read.
"""
import zoneinfo
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncDate
from django.utils import timezone

from registry.db import hot_cursor
from registry.models import Vaccine
from vaccination.models import Dose, Reaction, Registration

from .models import DoseDaily, ReactionDaily, RegistrationCount

# Columns that follow from a key (copied into its total when folding).
_FOLLOWS = {DoseDaily: ("province_code", "district_code", "completes_series"),
            RegistrationCount: ("province_code",), ReactionDaily: ("province_code",)}
# pg_advisory_xact_lock key: one fold or rebuild at a time, so no change is summed twice.
_MAINTENANCE_LOCK = 0x5E9_0F01D

_DOSE_CHANGE = """
    INSERT INTO reporting_dosedaily (day, site_id, province_code, district_code, vaccine_id, dose_number,
                                     completes_series, count, folded)
    SELECT %s, f.id, u.province_code, u.district_code, v.id, %s, v.doses_in_series = %s, %s, %s
    FROM registry_facility f JOIN registry_administrativeunit u ON u.id = f.unit_id, registry_vaccine v
    WHERE f.id = %s AND v.id = %s"""
_REACTION_CHANGE = """
    INSERT INTO reporting_reactiondaily (day, district_id, province_code, severity, serious, count, folded)
    SELECT %s, u.parent_id, u.province_code, %s, %s, 1, %s
    FROM registry_facility f JOIN registry_administrativeunit u ON u.id = f.unit_id
    WHERE f.id = %s"""


def _day(moment):
    return connection.ops.adapt_datefield_value(timezone.localtime(moment).date())


def _dose_change(*, day, site_id: int, vaccine_id: int, dose_number: int, delta: int) -> None:
    with hot_cursor() as cursor:
        cursor.execute(_DOSE_CHANGE, [day, dose_number, dose_number, delta, False, site_id, vaccine_id])


def on_dose_recorded(sender, dose, moves=None, **kwargs):
    """The dose's day count, and the registration counts it moved (`moves`, as `on_registrations_moved` takes them)
    in the same statement: one round trip for the two rollups of every dose."""
    params = [_day(dose.given_at), dose.dose_number, dose.dose_number, 1, False, dose.site_id, dose.vaccine_id]
    moved = _registration_change(moves or {})
    with hot_cursor() as cursor:
        if moved is None:
            cursor.execute(_DOSE_CHANGE, params)
        elif connection.vendor == "postgresql":
            cursor.execute(f"WITH moved AS ({moved[0]}) {_DOSE_CHANGE}", [*moved[1], *params])
        else:  # SQLite writes nothing inside WITH
            cursor.execute(*moved)
            cursor.execute(_DOSE_CHANGE, params)


def on_dose_changed(sender, dose, before, **kwargs):
    if not before["voided"]:
        _dose_change(day=connection.ops.adapt_datefield_value(before["day"]), site_id=before["site_id"],
                     vaccine_id=before["vaccine_id"], dose_number=before["dose_number"], delta=-1)
    if not dose.voided:
        _dose_change(day=_day(dose.given_at), site_id=dose.site_id, vaccine_id=dose.vaccine_id,
                     dose_number=dose.dose_number, delta=1)


def registration_totals_sql(province_code: int | None) -> tuple[str, list]:
    """(state, count) rows of every registration of a province (None: the nation), exact at any time: the folded
    totals and the changes not yet folded, summed (vaccination's queue reads its counts so)."""
    table = RegistrationCount._meta.db_table
    if province_code is None:
        return f"SELECT status, SUM(count) FROM {table} GROUP BY status", []
    return f"SELECT status, SUM(count) FROM {table} WHERE province_code = %s GROUP BY status", [province_code]


def _registration_change(moves: dict) -> tuple[str, list] | None:
    """The INSERT of the registration count changes of `moves` ({(district_id, from_status, to_status): count}),
    None when they cancel out."""
    changes: Counter = Counter()
    for (district_id, from_status, to_status), count in moves.items():
        if from_status:
            changes[(district_id, from_status)] -= count
        changes[(district_id, to_status)] += count
    rows = [(district_id, status, n) for (district_id, status), n in changes.items() if n]
    if not rows:
        return None
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    return ("INSERT INTO reporting_registrationcount (district_id, province_code, status, count, folded) "
            "SELECT u.id, u.province_code, m.column2, m.column3, %s "
            f"FROM (VALUES {values}) m JOIN registry_administrativeunit u ON u.id = m.column1",
            [False] + [value for row in rows for value in row])


def on_registrations_moved(sender, moves, **kwargs):
    change = _registration_change(moves)
    if change is not None:
        with hot_cursor() as cursor:
            cursor.execute(*change)


def on_reaction_reported(sender, reaction, **kwargs):
    with hot_cursor() as cursor:
        cursor.execute(_REACTION_CHANGE, [_day(reaction.created_at), reaction.severity, reaction.serious, False,
                                          reaction.site_id])


def _maintenance_lock() -> None:
    """Serialise folds and rebuilds (SQLite has one writer at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MAINTENANCE_LOCK])


@transaction.atomic
def _fold_some(model, batch: int) -> int:
    """Fold up to `batch` changes of one rollup into the totals of their keys; returns how many."""
    _maintenance_lock()
    key, follows = model.KEY, _FOLLOWS[model]
    changes = list(model.objects.filter(folded=False).order_by().values_list("pk", *key, *follows, "count")[:batch])
    if not changes:
        return 0
    ids = [row[0] for row in changes]
    same_key = model.objects.filter(pk__in=ids).filter(**{field: OuterRef(field) for field in key})
    totals = list(model.objects.filter(folded=True).filter(Exists(same_key))
                  .values_list("pk", *key, *follows, "count"))
    sums: dict[tuple, list] = {}
    for row in totals + changes:
        entry = sums.setdefault(row[1:1 + len(key)], [row[1 + len(key):-1], 0])
        entry[1] += row[-1]
    model.objects.filter(pk__in=ids + [row[0] for row in totals]).delete()
    fields = key + follows
    model.objects.bulk_create([model(**dict(zip(fields, k + tuple(extra))), count=n, folded=True)
                               for k, (extra, n) in sums.items() if n], batch_size=2000)
    return len(changes)


def rollups_fold(*, batch: int | None = None) -> int:
    """Sum the unfolded changes into one total per key (the figures read stay the same); returns how many
    changes were folded. Run by Celery beat every ROLLUP_FOLD_SECONDS."""
    batch = batch or settings.ROLLUP_FOLD_BATCH
    folded = 0
    for model in (DoseDaily, RegistrationCount, ReactionDaily):
        while (done := _fold_some(model, batch)) > 0:
            folded += done
            if done < batch:
                break
    return folded


@transaction.atomic
def rollups_rebuild() -> dict:
    """Recompute every rollup from the facts, set-wise, as folded totals."""
    _maintenance_lock()
    if connection.vendor == "postgresql":
        # Writers wait until the rebuild commits: a change committed between the DELETE and the count of
        # the facts would otherwise be counted twice.
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE reporting_dosedaily, reporting_registrationcount, reporting_reactiondaily "
                           "IN EXCLUSIVE MODE")
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    DoseDaily.objects.all().delete()
    series = dict(Vaccine.objects.values_list("pk", "doses_in_series"))
    doses = (Dose.objects.filter(voided=False).annotate(day=TruncDate("given_at", tzinfo=tz))
             .values("day", "site_id", "vaccine_id", "dose_number", "site__unit__province_code",
                     "site__unit__district_code").annotate(n=Count("pk")).order_by())
    DoseDaily.objects.bulk_create([
        DoseDaily(day=row["day"], site_id=row["site_id"], vaccine_id=row["vaccine_id"],
                  dose_number=row["dose_number"], province_code=row["site__unit__province_code"],
                  district_code=row["site__unit__district_code"],
                  completes_series=row["dose_number"] == series[row["vaccine_id"]], count=row["n"], folded=True)
        for row in doses.iterator()
    ], batch_size=5000)
    RegistrationCount.objects.all().delete()
    registrations = (Registration.objects.values("ward__parent_id", "ward__province_code", "status")
                     .annotate(n=Count("pk")).order_by())
    RegistrationCount.objects.bulk_create([
        RegistrationCount(district_id=row["ward__parent_id"], province_code=row["ward__province_code"],
                          status=row["status"], count=row["n"], folded=True) for row in registrations])
    ReactionDaily.objects.all().delete()
    reactions = (Reaction.objects.annotate(day=TruncDate("created_at", tzinfo=tz))
                 .values("day", "site__unit__parent_id", "site__unit__province_code", "severity", "serious")
                 .annotate(n=Count("pk")).order_by())
    ReactionDaily.objects.bulk_create([
        ReactionDaily(day=row["day"], district_id=row["site__unit__parent_id"],
                      province_code=row["site__unit__province_code"], severity=row["severity"],
                      serious=row["serious"], count=row["n"], folded=True) for row in reactions])
    return {"doses": DoseDaily.objects.count(), "registrations": RegistrationCount.objects.count(),
            "reactions": ReactionDaily.objects.count()}
