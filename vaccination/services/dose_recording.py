"""Recording a dose, the canonical fact, in as few statements as one transaction can take.

Sites record doses all day and every station of a site draws on the same stock row, so the transaction:
- locks the person (two stations sending the same request, or two doses of one person, queue there);
- reads everything the rules need in one query: the request key, the lot and its vaccine, the site and its
  area, the registration the dose moves on, and every dose the person had, recorded or declared;
- checks every rule in Python on those facts;
- writes the rows in as few statements as PostgreSQL can take them (dose_writes.py), and takes the site's
  stock row with the last statement before COMMIT (`UPDATE … WHERE quantity >= 1 RETURNING`), so the stations
  of a site queue on it for the commit only.
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
from registry.db import hot_cursor, pipelined
from registry.models import Vaccine
from registry.selectors import covers
from registry.text import date_text

from ..course import CourseDose, course_merge, next_dose
from ..models import Dose, Lot, Registration, Visit
from ..signals import dose_recorded, doses_confirmed
from .common import instance_loaded, own_site
from .dose_facts import DoseFacts, VaccineFacts, facts_read
from .dose_writes import RegistrationMove, dose_insert, take_from_stock

Status = Registration.Status


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


@transaction.atomic
def dose_record(*, actor, person_id: int, site_id: int, lot_id: int, idempotency_key: str,
                given_at: datetime.datetime | None = None, dose_number: int | None = None, visit_id: int | None = None,
                override_reason: str = "", source: str = Dose.Source.LIVE, confirm: bool = False) -> tuple[Dose, bool]:
    """Record a dose once. Sending the same request again (same key) returns the first record and changes nothing."""
    if not actor.has_perm("vaccination.record_dose") and not actor.has_perm("vaccination.correct_dose"):
        raise PermissionDenied(_("You may not record doses."))
    with hot_cursor() as cursor:
        with pipelined(cursor):  # BEGIN, the lock and the read in one round trip
            if connection.features.has_select_for_update:
                cursor.execute("SELECT 1 FROM citizens_person WHERE id = %s FOR UPDATE", [person_id])
            # A statement after the lock's, so that it sees a dose recorded meanwhile by another station.
            facts = facts_read(cursor, person_id=person_id, site_id=site_id, lot_id=lot_id, key=idempotency_key)
        if facts.person_name is None:
            raise Http404
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

        dose = instance_loaded(
            Dose, id=None, person_id=person_id, registration_id=registration_id, visit_id=visit_id, site_id=site_id,
            vaccine_id=vaccine.pk, lot_id=lot_id, dose_number=number, given_at=given_at, given_by_id=actor.pk,
            override_reason=override_reason.strip()[:300], idempotency_key=idempotency_key, source=source,
            voided=False, created_at=now, confirmed_at=now if confirm else None,
            confirmed_by_id=actor.pk if confirm else None)
        dose.person = instance_loaded(Person, id=person_id, full_name=facts.person_name)
        dose.lot = instance_loaded(Lot, id=lot_id, vaccine_id=vaccine.pk, lot_number=lot_number,
                                   expiry_date=expiry_date)
        dose.vaccine = instance_loaded(Vaccine, id=vaccine.pk, name=vaccine.name,
                                       doses_in_series=vaccine.doses_in_series,
                                       min_interval_days=vaccine.min_interval_days)
        move = (RegistrationMove(actor=actor, registration=facts.registration, plan=plan, now=now)
                if facts.registration is not None else None)
        try:
            inserted, moves = dose_insert(cursor, dose, actor=actor, move=move, audit_changes={
                "number": number, "lot": lot_number, "source": source, "override": dose.override_reason})
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
        if visit_id:
            cursor.execute("UPDATE vaccination_visit SET step = %s, observe_until = %s WHERE id = %s",
                           [Visit.Step.OBSERVING, connection.ops.adapt_datetimefield_value(
                               given_at + datetime.timedelta(minutes=settings.OBSERVATION_MINUTES)), visit_id])
        with pipelined(cursor):  # the rollups (reporting's receiver) and the stock in one round trip
            dose_recorded.send(sender=Dose, dose=dose, moves=moves)
            take_from_stock(cursor, actor=actor, site_id=site_id, lot_id=lot_id, at=given_at,
                            reason=f"{facts.person_name} #{number}", now=now)
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
