"""Registrations: submitted by citizens, approved or rejected and allocated by the province.

Every status change goes through `_transition`, which checks the allowed-transitions table, locks the
rows in primary-key order, changes them set-wise and writes one event row per registration.
"""
import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import Person
from citizens.selectors import people_for, people_for_sql
from registry.audit import audit_record
from registry.db import hot_cursor
from registry.models import AdministrativeUnit, PriorityGroup, Vaccine
from registry.selectors import jurisdiction_of

from ..models import DeclaredDose, Registration
from ..selectors import registration_list
from ..signals import registrations_moved
from .common import _appointments_release, _event_add, _loaded, _transition, registration_transition

Status = Registration.Status


def _plan_next_dose(declared: list[dict]) -> dict:
    """From the doses a person already had: which dose comes next, from when, and with which vaccine."""
    if not declared:
        return {"next_dose_number": 1, "due_from": None, "required_vaccine": None}
    last = max(declared, key=lambda dose: dose["given_on"])
    vaccine: Vaccine = last["vaccine"]
    number = len(declared) + 1
    if number <= vaccine.doses_in_series:
        interval, required = vaccine.min_interval_days, vaccine
    else:
        interval, required = settings.BOOSTER_MIN_INTERVAL_DAYS, None
    return {"next_dose_number": number, "due_from": last["given_on"] + datetime.timedelta(days=interval),
            "required_vaccine": required}


_PERSON_TO_REGISTER = """
    SELECT p.full_name, EXISTS (SELECT 1 FROM vaccination_registration r WHERE r.person_id = p.id
                                AND r.status IN ({open}))
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
    with hot_cursor() as cursor:
        cursor.execute(_PERSON_TO_REGISTER.format(theirs=theirs, lock=_lock()), [person_id, *params])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    person, has_open = _loaded(Person, id=person_id, full_name=row[0]), row[1]
    if not consent:
        raise ValidationError({"consent": _("Tick the consent box to register.")})
    if ward.level != AdministrativeUnit.Level.WARD:
        raise ValidationError({"ward": _("Choose the ward or commune.")})
    in_progress = ValidationError(_("%(name)s already has a registration in progress.") % {"name": person.full_name})
    if has_open:
        raise in_progress
    declared = sorted(declared_doses, key=lambda dose: dose["given_on"])
    now = timezone.now()
    registration = Registration(
        person=person, priority_group=priority_group, ward=ward, wished_date=wished_date, consent_at=now,
        created_by=actor, organisation=organisation, **_plan_next_dose(declared),
    )
    try:
        registration.save(force_insert=True)
    except IntegrityError:
        raise in_progress from None  # the transaction is rolled back with it
    if declared:
        DeclaredDose.objects.bulk_create([
            DeclaredDose(registration=registration, dose_number=index, vaccine=dose["vaccine"],
                         given_on=dose["given_on"], place=dose.get("place", ""))
            for index, dose in enumerate(declared, start=1)
        ])
    _event_add(registration_id=registration.pk, actor=actor, at=now, from_status="", to_status=Status.SUBMITTED)
    registrations_moved.send(sender=Registration, moves={(ward.parent_id, "", Status.SUBMITTED): 1})
    audit_record(actor=actor, action="registration.submit", target=registration)
    return registration


@transaction.atomic
def registration_cancel(*, actor, registration_id: int) -> Registration:
    """The citizen withdraws; a booked appointment is cancelled with it and its place freed."""
    registration = Registration.objects.filter(pk=registration_id, person__in=people_for(actor)).first()
    if registration is None:
        raise Http404
    _appointments_release(registration_ids=[registration.pk])
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
    changed = _transition(actor=officer, rows=scoped.filter(status=Status.SUBMITTED), to=Status.APPROVED,
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
    changed = _transition(actor=officer, rows=scoped.filter(status__in=[Status.SUBMITTED, Status.APPROVED]),
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
        changed = _transition(actor=officer, rows=scoped, to=Status.ALLOCATED, allocated_district=district)
    else:
        changed = []
        districts = scoped.order_by().values_list("ward__parent_id", flat=True).distinct()
        for district_id in list(districts):
            changed += _transition(actor=officer, rows=scoped.filter(ward__parent_id=district_id),
                                   to=Status.ALLOCATED, allocated_district_id=district_id)
    if changed:
        audit_record(actor=officer, action="registrations.allocate",
                     changes={"count": len(changed), "district": str(district) if district else "own"})
    return len(changed)

