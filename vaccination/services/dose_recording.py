"""Recording a dose, the canonical fact, in as few statements as one transaction can take.

Sites record doses all day and every station of a site draws on the same stock row, so the transaction:
- locks the person (two stations sending the same request, or two doses of one person, queue there);
- reads everything the rules need in one query: the request key, the lot and its vaccine, the site and its
  area, the registration the dose moves on, and every dose the person had, recorded or declared;
- checks every rule in Python on those facts;
- writes one statement per row, and takes the site's stock row with the last statement before COMMIT
  (`UPDATE … WHERE quantity >= 1 RETURNING`), so the stations of a site queue on it for the commit only.
"""
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import Person
from registry.audit import audit_record
from registry.db import hot_cursor
from registry.models import Vaccine
from registry.selectors import covers
from registry.text import date_text

from ..course import CourseDose, NextDose, course_merge, next_dose
from ..models import Appointment, Dose, Lot, Registration, StockMovement, Visit
from ..signals import dose_recorded, doses_confirmed
from .common import (
    REGISTRATION_EVENT_COLUMNS, instance_loaded, own_site, registration_event_add, registration_event_values,
    registrations_transition,
)
from .dose_facts import DoseFacts, VaccineFacts, facts_read

Status = Registration.Status

_DOSE_COLUMNS = """person_id, registration_id, visit_id, site_id, vaccine_id, lot_id, dose_number, given_at,
    given_by_id, override_reason, idempotency_key, source, voided, created_at, confirmed_at, confirmed_by_id"""
_DOSE_VALUES = ", ".join(["%s"] * 16)
# The dose table is partitioned by month (PostgreSQL), so its rules over all months are the claim's unique keys
# (DoseClaim). On PostgreSQL the claim comes first in the same statement, with the dose's id drawn from the dose
# table's sequence (the name registry/partitions.py keeps): a key claimed meanwhile writes no dose row at all.
_INSERT_DOSE = f"""
    WITH claim AS (
        INSERT INTO vaccination_doseclaim (dose_id, person_id, dose_number, idempotency_key, given_at, vaccine_id,
            voided)
        VALUES (nextval('vaccination_dose_id_seq'), %s, %s, %s, %s, %s, false)
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING dose_id)
    INSERT INTO vaccination_dose (id, {_DOSE_COLUMNS}) SELECT dose_id, {_DOSE_VALUES} FROM claim RETURNING id"""
# SQLite (no writes inside WITH): the dose, then its claim; a refused claim rolls the dose back with the transaction.
_INSERT_DOSE_ALONE = f"INSERT INTO vaccination_dose ({_DOSE_COLUMNS}) VALUES ({_DOSE_VALUES}) RETURNING id"
_INSERT_CLAIM = """
    INSERT INTO vaccination_doseclaim (dose_id, person_id, dose_number, idempotency_key, given_at, vaccine_id, voided)
    VALUES (%s, %s, %s, %s, %s, %s, false) ON CONFLICT (idempotency_key) DO NOTHING RETURNING dose_id"""
_TAKE_FROM_STOCK = """
    UPDATE vaccination_stockbalance SET quantity = quantity - 1, updated_at = %s
    WHERE facility_id = %s AND lot_id = %s AND quantity >= 1 RETURNING quantity"""
_LEDGER_LINE = """
    INSERT INTO vaccination_stockmovement (at, kind, facility_id, lot_id, quantity, balance_after, actor_id, reason)
    VALUES (%s, %s, %s, %s, -1, %s, %s, %s)"""




def _dose_number(facts: DoseFacts, *, given_on: datetime.date, dose_number: int | None, vaccine: VaccineFacts,
                 override_reason: str) -> int:
    """The dose number (the next one unless given), refused when already recorded, or too early or another
    vaccine within a series without a reason."""
    history = facts.history
    number = dose_number or next_dose(history).number
    if any(dose.number == number for dose in facts.recorded):
        raise ValidationError({"dose_number": _("Dose %(number)s of this person is already recorded.") % {
            "number": number}})
    earlier = [dose for dose in history if dose.number < number]
    if earlier and not override_reason.strip():
        due = next_dose(earlier)  # when, and with which vaccine, the course allows the dose after the earlier ones
        if given_on < due.due_from:
            raise ValidationError({"override_reason": _(
                "Too early: the previous dose was on %(date)s; this dose is due from %(due)s. "
                "Give a reason to go ahead.") % {"date": date_text(earlier[-1].day), "due": date_text(due.due_from)}})
        if due.required_vaccine is not None and due.required_vaccine.pk != vaccine.pk:
            raise ValidationError({"override_reason": _(
                "This person's series is with %(vaccine)s. Give a reason to use another vaccine.") % {
                "vaccine": due.required_vaccine}})
    return number


def _registration_moves_on(cursor, *, actor, registration: tuple, plan: NextDose,
                           now: datetime.datetime) -> dict | None:
    """The registration's booked appointment is attended and it waits for the next dose of the course, with an
    event when its status changes. On PostgreSQL the three writes are one statement, one round trip. Returns the
    status move for the rollups, which `dose_recorded` carries (None when there is none to count here)."""
    registration_id, status, district_id = registration
    updates = {"next_dose_number": plan.number, "due_from": plan.due_from,
               "required_vaccine_id": plan.required_vaccine.pk if plan.required_vaccine is not None else None}
    moves = status != Status.VACCINATED
    attended_sql = "UPDATE vaccination_appointment SET status = %s WHERE registration_id = %s AND status = %s"
    attended = [Appointment.Status.ATTENDED, registration_id, Appointment.Status.BOOKED]
    moved_sql = ("UPDATE vaccination_registration SET status = %s, next_dose_number = %s, due_from = %s, "
                 f"required_vaccine_id = %s{', status_reason = %s' if moves else ''} WHERE id = %s AND status = %s")
    moved = [Status.VACCINATED, updates["next_dose_number"], connection.ops.adapt_datefield_value(updates["due_from"]),
             updates["required_vaccine_id"], *([""] if moves else []), registration_id, status]
    event = registration_event_values(registration_id=registration_id, actor=actor, at=now, from_status=status,
                                      to_status=Status.VACCINATED)
    if connection.vendor == "postgresql":
        event_sql = (f", event AS (INSERT INTO vaccination_registrationevent ({REGISTRATION_EVENT_COLUMNS}) "
                     "SELECT id, %s, %s, %s, %s, %s FROM moved)") if moves else ""
        cursor.execute(f"WITH attended AS ({attended_sql}), moved AS ({moved_sql} RETURNING id){event_sql} "
                       "SELECT count(*) FROM moved", [*attended, *moved, *(event[1:] if moves else [])])
        changed = cursor.fetchone()[0]
    else:
        cursor.execute(attended_sql, attended)
        cursor.execute(moved_sql, moved)
        changed = cursor.rowcount
        if changed and moves:
            registration_event_add(registration_id=registration_id, actor=actor, at=now, from_status=status,
                                   to_status=Status.VACCINATED)
    if not changed:
        # A district booked or released it since it was read: the general path, which locks it first (and
        # counts its own move).
        registrations_transition(actor=actor, rows=Registration.objects.filter(pk=registration_id),
                                 to=Status.VACCINATED, **updates)
        return None
    return {(district_id, status, Status.VACCINATED): 1} if moves else None


def _take_from_stock(cursor, *, actor, site_id: int, lot_id: int, at: datetime.datetime, reason: str,
                     now: datetime.datetime) -> None:
    """One dose out of the site's stock of the lot, with its ledger line; refused when none is left.
    The stock row stays locked from here to COMMIT, so this comes last."""
    adapt = connection.ops.adapt_datetimefield_value
    line = [adapt(at), StockMovement.Kind.ADMINISTERED, site_id, lot_id, actor.pk, reason[:300]]
    if connection.vendor == "postgresql":
        cursor.execute(f"WITH taken AS ({_TAKE_FROM_STOCK}) " + _LEDGER_LINE.replace(
            "VALUES (%s, %s, %s, %s, -1, %s, %s, %s)", "SELECT %s, %s, %s, %s, -1, quantity, %s, %s FROM taken"
        ) + " RETURNING balance_after", [adapt(now), site_id, lot_id, *line[:4], *line[4:]])
        taken = cursor.fetchone()
    else:
        cursor.execute(_TAKE_FROM_STOCK, [adapt(now), site_id, lot_id])
        taken = cursor.fetchone()
        if taken is not None:
            cursor.execute(_LEDGER_LINE, [*line[:4], taken[0], *line[4:]])
    if taken is None:
        cursor.execute("SELECT quantity FROM vaccination_stockbalance WHERE facility_id = %s AND lot_id = %s",
                       [site_id, lot_id])
        held = cursor.fetchone()
        raise ValidationError({"quantity": _("Only %(available)s doses of this lot are in stock.") % {
            "available": held[0] if held else 0}})


def _dose_insert(cursor, values: list, *, claim: list) -> int | None:
    """Write the dose and its claim (person, dose number, request key, time, vaccine); the dose's id, or None when the key was
    claimed meanwhile (the caller then raises, and the transaction keeps nothing)."""
    if connection.vendor == "postgresql":
        cursor.execute(_INSERT_DOSE, [*claim, *values])
        inserted = cursor.fetchone()
        return inserted[0] if inserted else None
    cursor.execute(_INSERT_DOSE_ALONE, values)
    dose_id = cursor.fetchone()[0]
    cursor.execute(_INSERT_CLAIM, [dose_id, *claim])
    return dose_id if cursor.fetchone() else None


@transaction.atomic
def dose_record(*, actor, person_id: int, site_id: int, lot_id: int, idempotency_key: str,
                given_at: datetime.datetime | None = None, dose_number: int | None = None, visit_id: int | None = None,
                override_reason: str = "", source: str = Dose.Source.LIVE, confirm: bool = False) -> tuple[Dose, bool]:
    """Record a dose once. Sending the same request again (same key) returns the first record and changes nothing."""
    if not actor.has_perm("vaccination.record_dose") and not actor.has_perm("vaccination.correct_dose"):
        raise PermissionDenied(_("You may not record doses."))
    with hot_cursor() as cursor:
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        cursor.execute(f"SELECT full_name FROM citizens_person WHERE id = %s{lock}", [person_id])
        person = cursor.fetchone()
        if person is None:
            raise Http404
        # After the lock, so that a dose recorded meanwhile by another station for this person is seen.
        facts = facts_read(cursor, person_id=person_id, site_id=site_id, lot_id=lot_id, key=idempotency_key)
        if facts.site is None or not covers(actor, province_code=facts.site[1], district_code=facts.site[2],
                                            facility_id=site_id):
            raise ValidationError({"site": _("Choose a vaccination site you work for.")})
        if facts.key_dose_id is not None:
            # Only the same request sent again gets its first record back; a stale or copied form reusing the key
            # for someone or something else is refused, never passed off as this dose.
            if facts.key_person_id != person_id:
                raise ValidationError({"idempotency_key": _("This request key was already used for another person.")})
            existing = Dose.objects.get(pk=facts.key_dose_id)
            if dose_number and existing.dose_number != dose_number:
                raise ValidationError({"idempotency_key": _(
                    "This request key was already used for dose %(number)s of this person.") % {
                    "number": existing.dose_number}})
            return existing, False
        now = timezone.now()
        given_at = given_at or now
        if given_at > now + datetime.timedelta(minutes=5):
            raise ValidationError({"given_at": _("A dose cannot be recorded in the future.")})
        if facts.lot is None:
            raise ValidationError({"lot": _("Choose a lot this site holds.")})
        _lot_id, lot_number, expiry_date, vaccine = facts.lot
        given_on = timezone.localtime(given_at).date()
        if expiry_date < given_on:
            raise ValidationError({"lot": _("Lot %(lot)s had expired on that day.") % {"lot": lot_number}})
        number = _dose_number(facts, given_on=given_on, dose_number=dose_number, vaccine=vaccine,
                              override_reason=override_reason)

        # What the registration carrying the course waits for after this dose.
        plan = next_dose(course_merge(recorded=[*facts.recorded, CourseDose(given_on, number, vaccine)],
                                      declared=facts.declared))
        if facts.registration is not None:
            registration_id = facts.registration[0]
        else:
            # Vaccinated with no registration (a walk-in, a dose added later): one is opened on the course, so the
            # district sees the person again when the next dose falls due.
            from .walk_ins import registration_after_dose

            registration_id = registration_after_dose(actor=actor, person_id=person_id, site_id=site_id, plan=plan,
                                                      at=now)

        adapt = connection.ops.adapt_datetimefield_value
        fields = {"person_id": person_id, "registration_id": registration_id, "visit_id": visit_id,
                  "site_id": site_id, "vaccine_id": vaccine.pk, "lot_id": lot_id, "dose_number": number,
                  "given_at": given_at, "given_by_id": actor.pk, "override_reason": override_reason.strip()[:300],
                  "idempotency_key": idempotency_key, "source": source, "voided": False, "created_at": now,
                  "confirmed_at": now if confirm else None, "confirmed_by_id": actor.pk if confirm else None}
        try:
            inserted = _dose_insert(cursor, [adapt(v) if isinstance(v, datetime.datetime) else v
                                             for v in fields.values()],
                                    claim=[person_id, number, idempotency_key, adapt(given_at), vaccine.pk])
        except IntegrityError as error:
            if "dose_number" in str(error):  # the claim's one valid dose per (person, number), over every month
                raise ValidationError({"dose_number": _("Dose %(number)s of this person is already recorded.") % {
                    "number": number}}) from None
            # The person is locked, so only another person's dose, recorded meanwhile, can hold this key.
            raise ValidationError(_("This request key was already used for another person.")) from None
        if inserted is None:
            # The key was taken meanwhile by a request for another person (the person lock queues the same
            # person's): the check above could not see it, the unique key did.
            raise ValidationError({"idempotency_key": _("This request key was already used for another person.")})
        dose = instance_loaded(Dose, id=inserted, **fields)
        dose.person = instance_loaded(Person, id=person_id, full_name=person[0])
        dose.lot = instance_loaded(Lot, id=lot_id, vaccine_id=vaccine.pk, lot_number=lot_number,
                                   expiry_date=expiry_date)
        dose.vaccine = instance_loaded(Vaccine, id=vaccine.pk, name=vaccine.name,
                                       doses_in_series=vaccine.doses_in_series,
                                       min_interval_days=vaccine.min_interval_days)
        moves = None
        if facts.registration is not None:
            moves = _registration_moves_on(cursor, actor=actor, registration=facts.registration, plan=plan, now=now)
        if visit_id:
            cursor.execute("UPDATE vaccination_visit SET step = %s, observe_until = %s WHERE id = %s",
                           [Visit.Step.OBSERVING,
                            adapt(given_at + datetime.timedelta(minutes=settings.OBSERVATION_MINUTES)), visit_id])
        audit_record(actor=actor, action="dose.record", target=dose,
                     changes={"number": number, "lot": lot_number, "source": source,
                              "override": dose.override_reason})
        dose_recorded.send(sender=Dose, dose=dose, moves=moves)
        _take_from_stock(cursor, actor=actor, site_id=site_id, lot_id=lot_id, at=given_at,
                         reason=f"{person[0]} #{number}", now=now)
    if confirm:
        transaction.on_commit(lambda: doses_confirmed.send(sender=Dose, dose_ids=[dose.pk]))
    return dose, True


@transaction.atomic
def doses_confirm(*, actor, dose_ids: list[int]) -> int:
    """The site confirms its dose records; certificates are signed for them after commit."""
    site = own_site(actor)
    ids = list(Dose.objects.select_for_update().filter(pk__in=dose_ids, site=site, voided=False,
                                                       confirmed_at__isnull=True).values_list("pk", flat=True))
    Dose.objects.filter(pk__in=ids).update(confirmed_at=timezone.now(), confirmed_by=actor)
    if ids:
        audit_record(actor=actor, action="doses.confirm", changes={"count": len(ids)})
        transaction.on_commit(lambda: doses_confirmed.send(sender=Dose, dose_ids=ids))
    return len(ids)
