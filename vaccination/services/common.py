"""The low-level steps every registration and appointment service shares."""
from collections import Counter

from django.conf import settings
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.db import hot_cursor
from registry.models import Facility
from registry.selectors import jurisdiction_of

from ..models import Appointment, Registration, RegistrationEvent, Session
from ..signals import registrations_moved

Status = Registration.Status


def _allowed_from(to: str) -> list[str]:
    return [source for source, targets in Registration.TRANSITIONS.items() if to in targets]


def registrations_transition(*, actor, rows: QuerySet[Registration], to: str, reason: str = "", **updates) -> list[int]:
    """Move every row that may go to `to`; returns the ids changed. Runs inside the caller's transaction."""
    now = timezone.now()
    changed: list[int] = []
    candidates = rows.filter(status__in=_allowed_from(to)).order_by("pk")
    last = 0
    move = _move_set_based if connection.vendor == "postgresql" else _move_row_objects
    while True:
        chunk = (candidates.filter(pk__gt=last).select_for_update(of=("self",))
                 .values_list("pk", "status", "ward__parent_id")[: settings.BULK_CHUNK_SIZE])
        moved = move(chunk, actor=actor, at=now, to=to, reason=reason[:300], updates=updates)
        if not moved:
            break
        registrations_moved.send(sender=Registration, moves=Counter(
            (district, status, to) for _pk, status, district in moved if status != to))
        changed.extend(pk for pk, _status, _district in moved)
        last = moved[-1][0]
        if len(moved) < settings.BULK_CHUNK_SIZE:
            break
    return changed


def _move_row_objects(chunk, *, actor, at, to: str, reason: str, updates: dict) -> list[tuple]:
    rows = list(chunk)
    ids = [pk for pk, _status, _district in rows]
    if ids:
        Registration.objects.filter(pk__in=ids).update(status=to, status_reason=reason, **updates)
        RegistrationEvent.objects.bulk_create([
            RegistrationEvent(registration_id=pk, actor=actor, at=at, from_status=status, to_status=to, reason=reason)
            for pk, status, _district in rows])
    return rows


def _move_set_based(chunk, *, actor, at, to: str, reason: str, updates: dict) -> list[tuple]:
    """Lock the chunk, change it and write its event rows in one statement: at a province's hundred thousand
    registrations, building an event object per row in Python cost more than the database's own work."""
    try:
        select, select_params = chunk.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to move
        return []
    assignments, params = [], []
    for name, value in {"status": to, "status_reason": reason, **updates}.items():
        field = Registration._meta.get_field(name)
        if isinstance(value, models.Model):
            value = value.pk
        target = field.target_field if field.is_relation else field
        assignments.append(f"{connection.ops.quote_name(field.column)} = %s")
        params.append(target.get_db_prep_save(value, connection))
    actor_id = actor.pk if actor is not None else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH chunk (id, from_status, district) AS ({select}), "
            f"moved AS (UPDATE vaccination_registration AS r SET {', '.join(assignments)} FROM chunk "
            f"WHERE r.id = chunk.id), "
            "logged AS (INSERT INTO vaccination_registrationevent "
            "(registration_id, actor_id, at, from_status, to_status, reason) "
            "SELECT id, %s, %s, from_status, %s, %s FROM chunk) "
            "SELECT id, from_status, district FROM chunk ORDER BY id",
            [*select_params, *params, actor_id, at, to, reason])
        return cursor.fetchall()


def instance_loaded(model, **values):
    """An instance as if read from the database with these fields only (any other loads when first used)."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


# A registration event's columns, in the order of `registration_event_values`.
REGISTRATION_EVENT_COLUMNS = "registration_id, actor_id, at, from_status, to_status, reason"


def registration_event_values(*, registration_id: int | None, actor, at, from_status: str, to_status: str,
                              reason: str = "") -> list:
    return [registration_id, actor.pk if actor is not None else None, connection.ops.adapt_datetimefield_value(at),
            from_status, to_status, reason[:300]]


def registration_event_add(*, registration_id: int, actor, at, from_status: str, to_status: str,
                           reason: str = "") -> None:
    """One registration event, as a plain INSERT: every registration and every dose writes one."""
    with hot_cursor() as cursor:
        cursor.execute(f"INSERT INTO vaccination_registrationevent ({REGISTRATION_EVENT_COLUMNS}) "
                       "VALUES (%s, %s, %s, %s, %s, %s)",
                       registration_event_values(registration_id=registration_id, actor=actor, at=at,
                                                 from_status=from_status, to_status=to_status, reason=reason))


def registration_transition(*, actor, registration_id: int, to: str, reason: str = "", **updates) -> Registration:
    """One registration's status change, for services that already checked the actor's right to act on it."""
    changed = registrations_transition(actor=actor, rows=Registration.objects.filter(pk=registration_id), to=to,
                                       reason=reason, **updates)
    registration = Registration.objects.get(pk=registration_id)
    if not changed:
        raise ValidationError(_("A registration that is “%(status)s” cannot become “%(to)s”.") % {
            "status": registration.get_status_display(), "to": Status(to).label})
    return registration


def appointments_release(*, registration_ids: list[int], to: str = Appointment.Status.CANCELLED) -> int:
    """Close booked appointments and give their places back to planned sessions (locks in pk order)."""
    rows = list(Appointment.objects.select_for_update().filter(
        registration_id__in=registration_ids, status=Appointment.Status.BOOKED).order_by("pk")
        .values_list("pk", "session_id"))
    if not rows:
        return 0
    Appointment.objects.filter(pk__in=[pk for pk, _session in rows]).update(status=to)
    if to == Appointment.Status.CANCELLED:
        per_session = Counter(session_id for _pk, session_id in rows)
        for session_id in sorted(per_session):
            Session.objects.filter(pk=session_id).update(booked=F("booked") - per_session[session_id])
    return len(rows)


def own_site(actor) -> Facility:
    j = jurisdiction_of(actor)
    if not j.is_site or not actor.has_perm("vaccination.record_dose"):
        raise PermissionDenied(_("Only the staff of a vaccination site can do this."))
    return Facility.objects.get(pk=j.facility_id)
