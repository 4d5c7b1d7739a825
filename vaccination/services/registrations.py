"""Registrations: submitted by citizens, approved or rejected and allocated by the province.

Every status change goes through `registrations_transition`, which checks the allowed-transitions table, locks the
rows in primary-key order, changes them set-wise and writes one event row per registration.
"""
import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import Person
from citizens.selectors import people_for, people_for_sql
from registry.audit import audit_insert_from, audit_record
from registry.db import hot_cursor, insert_sql, pipelined
from registry.models import AdministrativeUnit, PriorityGroup
from registry.selectors import jurisdiction_of
from registry.text import date_text

from ..course import CourseDose, NextDose, next_dose, person_course
from ..models import DeclaredDose, Registration
from ..selectors import registration_list
from ..signals import registrations_moved
from .common import (REGISTRATION_EVENT_COLUMNS, appointments_release, instance_loaded, registration_event_add,
                     registration_event_values, registration_transition, registrations_transition)

Status = Registration.Status


def _plan_course(person, declared: list[dict], *, has_history: bool) -> tuple[list[dict], NextDose]:
    """The doses declared on this form, numbered after the person's course so far (recorded doses and doses
    declared before), and the dose the registration is for: a registration carries the course on, never restarts
    it. A declared dose must come after the last dose known: an earlier one is already on the course."""
    known = person_course(person) if has_history else []
    if known and declared and declared[0]["given_on"] <= known[-1].day:
        last = known[-1]
        raise ValidationError({"declared_doses": _(
            "The dose of %(vaccine)s on %(date)s is not after dose %(number)s (%(last)s), already on record: declare "
            "only the doses given after it.") % {"vaccine": declared[0]["vaccine"], "date": date_text(
                declared[0]["given_on"]), "number": last.number, "last": date_text(last.day)}})
    first = max((dose.number for dose in known), default=0) + 1
    numbered = [{**dose, "dose_number": first + index} for index, dose in enumerate(declared)]
    return numbered, next_dose(known + [CourseDose(d["given_on"], d["dose_number"], d["vaccine"]) for d in numbered])


# With the lock: whether a registration is in progress, the one carrying the course on after a dose (vaccinated,
# waiting for the next to fall due), and whether the person had any dose, recorded or declared before.
_PERSON_TO_REGISTER = """
    SELECT p.full_name, EXISTS (SELECT 1 FROM vaccination_registration r WHERE r.person_id = p.id
                                AND r.status IN ({open})),
           (SELECT r.id FROM vaccination_registration r WHERE r.person_id = p.id AND r.status = 'vaccinated'
            ORDER BY r.created_at DESC LIMIT 1),
           EXISTS (SELECT 1 FROM vaccination_doseclaim d WHERE d.person_id = p.id AND NOT d.voided)
           OR EXISTS (SELECT 1 FROM vaccination_declareddose dd JOIN vaccination_registration dr
                      ON dr.id = dd.registration_id WHERE dr.person_id = p.id)
    FROM citizens_person p WHERE p.id = %s AND {{theirs}}{{lock}}""".format(
    open=", ".join(f"'{status}'" for status in Registration.OPEN))


def _lock() -> str:
    return " FOR UPDATE OF p" if connection.features.has_select_for_update_of else ""


@transaction.atomic
def registration_submit(*, actor, person_id: int, priority_group: PriorityGroup, ward: AdministrativeUnit,
                        wished_date: datetime.date | None, consent: bool, declared_doses: Iterable[dict] = (),
                        organisation=None) -> Registration:
    """A citizen registers one of their people. One open registration per person."""
    # The person's lock and whether a registration is already in progress, in one statement; one made
    # meanwhile (a second tab waiting on the lock) is refused by the one-open-registration constraint.
    theirs, params = people_for_sql(actor)
    with hot_cursor() as cursor, pipelined(cursor):  # BEGIN and the read in one round trip
        cursor.execute(_PERSON_TO_REGISTER.format(theirs=theirs, lock=_lock()), [person_id, *params])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    person, has_open, carrier_id, has_history = instance_loaded(Person, id=person_id, full_name=row[0]), *row[1:]
    if not consent:
        raise ValidationError({"consent": _("Tick the consent box to register.")})
    if ward.level != AdministrativeUnit.Level.WARD:
        raise ValidationError({"ward": _("Choose the ward or commune.")})
    in_progress = ValidationError(_("%(name)s already has a registration in progress.") % {"name": person.full_name})
    if has_open:
        raise in_progress
    if carrier_id is not None:
        # A second registration would restart the course, and the carrier's return to the district's list
        # would then break the one-open-registration rule.
        raise ValidationError(_course_waits(person, Registration.objects.get(pk=carrier_id)))
    declared, plan = _plan_course(person, sorted(declared_doses, key=lambda dose: dose["given_on"]),
                                  has_history=bool(has_history))
    now = timezone.now()
    registration = Registration(
        person=person, priority_group=priority_group, ward=ward, wished_date=wished_date, consent_at=now,
        created_by=actor, organisation=organisation, next_dose_number=plan.number, due_from=plan.due_from,
        required_vaccine=plan.required_vaccine,
    )
    try:
        _submitted_write(registration, actor=actor, now=now)
    except IntegrityError:
        raise in_progress from None  # the transaction is rolled back with it
    if declared:
        DeclaredDose.objects.bulk_create([
            DeclaredDose(registration=registration, dose_number=dose["dose_number"], vaccine=dose["vaccine"],
                         given_on=dose["given_on"], place=dose.get("place", ""))
            for dose in declared
        ])
    return registration


def _submitted_write(registration: Registration, *, actor, now) -> None:
    """Write the new `registration`, its first event, the district's count change (reporting's receiver) and its
    audit row. On PostgreSQL that is one round trip: the count's statement, then the registration with its event
    and audit row in one statement; a registration opened meanwhile for the person fails the whole transaction."""
    moves = {(registration.ward.parent_id, "", Status.SUBMITTED): 1}
    if connection.vendor != "postgresql":  # SQLite writes nothing inside WITH: one statement per row
        registration.save(force_insert=True)
        registration_event_add(registration_id=registration.pk, actor=actor, at=now, from_status="",
                               to_status=Status.SUBMITTED)
        registrations_moved.send(sender=Registration, moves=moves)
        audit_record(actor=actor, action="registration.submit", target=registration)
        return
    insert, params = insert_sql(registration)
    audit, audit_params = audit_insert_from("registration", actor=actor, action="registration.submit",
                                            target=registration)
    event = registration_event_values(registration_id=None, actor=actor, at=now, from_status="",
                                      to_status=Status.SUBMITTED)[1:]
    with hot_cursor() as cursor, pipelined(cursor):
        registrations_moved.send(sender=Registration, moves=moves)
        cursor.execute(
            f"WITH registration AS ({insert} RETURNING id), "
            f"event AS (INSERT INTO vaccination_registrationevent ({REGISTRATION_EVENT_COLUMNS}) "
            "SELECT id, %s, %s, %s, %s, %s FROM registration), "
            f"audit AS ({audit}) SELECT id FROM registration", [*params, *event, *audit_params])
        registration.pk = cursor.fetchone()[0]
    registration._state.adding, registration._state.db = False, DEFAULT_DB_ALIAS


def _course_waits(person, carrier: Registration) -> str:
    values = {"name": person.full_name, "number": carrier.next_dose_number, "date": date_text(carrier.due_from)}
    if carrier.due_from is None:
        return _("%(name)s is already on a course: the district will send the appointment for dose %(number)s. "
                 "There is no need to register again.") % values
    return _("%(name)s is already on a course: dose %(number)s is due from %(date)s, and the district will send "
             "the appointment. There is no need to register again.") % values


@transaction.atomic
def registration_cancel(*, actor, registration_id: int) -> Registration:
    """The citizen withdraws; a booked appointment is cancelled with it and its place freed."""
    registration = Registration.objects.filter(pk=registration_id, person__in=people_for(actor)).first()
    if registration is None:
        raise Http404
    appointments_release(registration_ids=[registration.pk])
    return registration_transition(actor=actor, registration_id=registration.pk, to=Status.CANCELLED,
                                   reason=_("Cancelled by the citizen"))


def _province_rows(officer, ids, permission: str) -> QuerySet[Registration]:
    if not (jurisdiction_of(officer).is_staff and officer.has_perm(permission)):
        raise PermissionDenied(_("You may not do this."))
    rows = registration_list(user=officer)
    return rows if ids is None else rows.filter(pk__in=ids)


def _notify_after_commit(ids: list[int], kind: str) -> None:
    from ..tasks import registrations_notify

    chunk = settings.BULK_CHUNK_SIZE
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        transaction.on_commit(lambda part=part: registrations_notify.delay(part, kind))


@transaction.atomic
def registrations_approve(*, officer, ids: Iterable[int] | None = None, rows: QuerySet | None = None) -> int:
    """Approve submitted registrations in the officer's province (the given ids, or every row of a filter)."""
    scoped = _province_rows(officer, ids, "vaccination.approve_registration")
    if rows is not None:
        scoped = scoped.filter(pk__in=rows.values("pk"))
    changed = registrations_transition(actor=officer, rows=scoped.filter(status=Status.SUBMITTED), to=Status.APPROVED,
                                       decided_by=officer, decided_at=timezone.now())
    if changed:
        audit_record(actor=officer, action="registrations.approve", changes={"count": len(changed)})
        _notify_after_commit(changed, "approved")
    return len(changed)


@transaction.atomic
def registrations_reject(*, officer, reason: str, ids: Iterable[int] | None = None, rows: QuerySet | None = None) -> int:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection; the people will read it.")})
    scoped = _province_rows(officer, ids, "vaccination.approve_registration")
    if rows is not None:
        scoped = scoped.filter(pk__in=rows.values("pk"))
    changed = registrations_transition(actor=officer,
                                       rows=scoped.filter(status__in=[Status.SUBMITTED, Status.APPROVED]),
                                       to=Status.REJECTED, reason=reason, decided_by=officer, decided_at=timezone.now())
    if changed:
        audit_record(actor=officer, action="registrations.reject", changes={"count": len(changed), "reason": reason})
        _notify_after_commit(changed, "rejected")
    return len(changed)


@transaction.atomic
def registrations_allocate(*, officer, district: AdministrativeUnit | None = None, ids: Iterable[int] | None = None,
                           rows: QuerySet | None = None) -> int:
    """Allocate approved registrations to a district: the one the officer picks, or each person's own."""
    scoped = _province_rows(officer, ids, "vaccination.allocate_registration")
    if rows is not None:
        scoped = scoped.filter(pk__in=rows.values("pk"))
    scoped = scoped.filter(status=Status.APPROVED)
    j = jurisdiction_of(officer)
    if district is not None:
        if district.level != AdministrativeUnit.Level.DISTRICT or (
                not j.is_national and district.province_code != j.province_code):
            raise ValidationError({"district": _("Choose a district of your province.")})
        changed = registrations_transition(actor=officer, rows=scoped, to=Status.ALLOCATED, allocated_district=district)
    else:
        changed = []
        districts = scoped.order_by().values_list("ward__parent_id", flat=True).distinct()
        for district_id in list(districts):
            changed += registrations_transition(actor=officer, rows=scoped.filter(ward__parent_id=district_id),
                                                to=Status.ALLOCATED, allocated_district_id=district_id)
    if changed:
        audit_record(actor=officer, action="registrations.allocate",
                     changes={"count": len(changed), "district": str(district) if district else "own"})
    return len(changed)

