"""The low-level steps every registration and appointment service shares."""
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Appointment, Registration, RegistrationEvent, Session
from ..signals import registrations_moved

Status = Registration.Status


def _allowed_from(to: str) -> list[str]:
    return [source for source, targets in Registration.TRANSITIONS.items() if to in targets]


def _transition(*, actor, rows: QuerySet[Registration], to: str, reason: str = "", **updates) -> list[int]:
    """Move every row that may go to `to`; returns the ids changed. Runs inside the caller's transaction."""
    now = timezone.now()
    changed: list[int] = []
    candidates = rows.filter(status__in=_allowed_from(to)).order_by("pk")
    last = 0
    while True:
        chunk = list(
            candidates.filter(pk__gt=last).select_for_update(of=("self",))
            .values_list("pk", "status", "ward__parent_id")[: settings.BULK_CHUNK_SIZE]
        )
        if not chunk:
            break
        ids = [pk for pk, _status, _district in chunk]
        Registration.objects.filter(pk__in=ids).update(status=to, status_reason=reason[:300], **updates)
        RegistrationEvent.objects.bulk_create([
            RegistrationEvent(registration_id=pk, actor=actor, at=now, from_status=status, to_status=to,
                              reason=reason[:300])
            for pk, status, _district in chunk
        ])
        registrations_moved.send(sender=Registration, moves=Counter(
            (district, status, to) for _pk, status, district in chunk if status != to))
        changed.extend(ids)
        last = ids[-1]
        if len(chunk) < settings.BULK_CHUNK_SIZE:
            break
    return changed


def _event_add(*, registration_id: int, actor, at, from_status: str, to_status: str, reason: str = "") -> None:
    """One registration event, as a plain INSERT: every registration and every dose writes one."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO vaccination_registrationevent (registration_id, actor_id, at, from_status, "
                       "to_status, reason) VALUES (%s, %s, %s, %s, %s, %s)",
                       [registration_id, actor.pk if actor is not None else None,
                        connection.ops.adapt_datetimefield_value(at), from_status, to_status, reason[:300]])


def registration_transition(*, actor, registration_id: int, to: str, reason: str = "", **updates) -> Registration:
    """One registration's status change, for services that already checked the actor's right to act on it."""
    changed = _transition(actor=actor, rows=Registration.objects.filter(pk=registration_id), to=to,
                          reason=reason, **updates)
    registration = Registration.objects.get(pk=registration_id)
    if not changed:
        raise ValidationError(_("A registration that is “%(status)s” cannot become “%(to)s”.") % {
            "status": registration.get_status_display(), "to": Status(to).label})
    return registration


def _appointments_release(*, registration_ids: list[int], to: str = Appointment.Status.CANCELLED) -> int:
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
