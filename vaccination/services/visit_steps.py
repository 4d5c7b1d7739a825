"""The site's 4 steps for a person: check-in, screening, the injection (the live path into `dose_record`, in
dose_recording.py) and the end of observation."""
import datetime
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from citizens.models import HealthDeclaration
from registry.audit import audit_record
from registry.transitions import transition_check

from .. import screening
from ..models import Appointment, Dose, DoseClaim, Session, Visit
from ..selectors import people_for_check_in
from .common import own_site
from .dose_recording import dose_record

Step = Visit.Step


def _visit(actor, visit_id: int) -> Visit:
    site = own_site(actor)
    visit = Visit.objects.select_for_update().filter(pk=visit_id, site=site).first()
    if visit is None:
        raise Http404
    return visit


@transaction.atomic
def visit_check_in(*, actor, person_id: int, walk_in_ok: bool = True) -> Visit:
    """Step 1: the person is at the site. Their booked appointment here today is linked; otherwise a walk-in."""
    site = own_site(actor)
    person = people_for_check_in(user=actor).select_for_update(of=("self",)).filter(pk=person_id).first()
    if person is None:
        raise Http404
    today = timezone.localdate()
    open_visit = Visit.objects.filter(person=person, site=site, checked_in_at__date=today).exclude(
        step__in=[Step.DONE, Step.DEFERRED, Step.REFERRED]).first()
    if open_visit:
        return open_visit
    appointment = Appointment.objects.filter(
        registration__person=person, status=Appointment.Status.BOOKED, session__site=site,
        session__date=today).select_related("session").first()
    if appointment is None and not walk_in_ok:
        raise ValidationError(_("This person has no appointment here today."))
    session = appointment.session if appointment else Session.objects.filter(
        site=site, date=today, status=Session.Status.PLANNED).order_by("start_time").first()
    visit = Visit.objects.create(
        person=person, site=site, session=session, appointment=appointment, walk_in=appointment is None,
        checked_in_at=timezone.now(), checked_in_by=actor,
        declaration=HealthDeclaration.objects.filter(person=person).order_by("-created_at").first(),
    )
    audit_record(actor=actor, action="visit.check_in", target=visit, changes={"walk_in": visit.walk_in})
    return visit


@transaction.atomic
def visit_screen(*, actor, visit_id: int, answers: dict, outcome: str, temperature=None, pulse=None,
                 systolic=None, diastolic=None, postpone_until: datetime.date | None = None,
                 refer_reason: str = "") -> Visit:
    """Step 2: the Ministry's checklist, vital signs and the outcome: eligible, postpone (with a date) or refer."""
    visit = _visit(actor, visit_id)
    if visit.step != Step.CHECKED_IN:
        raise ValidationError(_("This person has already been screened."))
    yes = {code for code, value in answers.items() if value and code in screening.ITEM_GROUPS}
    if outcome == Step.SCREENED and any(screening.ITEM_GROUPS[c] == screening.CONTRAINDICATED for c in yes):
        raise ValidationError({"outcome": _("A contraindication was ticked: this person cannot be vaccinated here.")})
    if outcome == Step.DEFERRED and (postpone_until is None or postpone_until <= timezone.localdate()):
        raise ValidationError({"postpone_until": _("Give the date from which the person may come back.")})
    if outcome == Step.REFERRED and not refer_reason.strip():
        raise ValidationError({"refer_reason": _("Give the reason for the referral.")})
    if outcome not in (Step.SCREENED, Step.DEFERRED, Step.REFERRED):
        raise ValidationError({"outcome": _("Choose the outcome of the screening.")})
    transition_check(visit, outcome, field="step")
    visit.checklist_version = screening.CHECKLIST_VERSION
    visit.answers = {code: code in yes for code in screening.ITEM_GROUPS}
    visit.temperature, visit.pulse, visit.systolic, visit.diastolic = temperature, pulse, systolic, diastolic
    visit.postpone_until = postpone_until if outcome == Step.DEFERRED else None
    visit.refer_reason = refer_reason if outcome == Step.REFERRED else ""
    visit.step, visit.screened_at, visit.screened_by = outcome, timezone.now(), actor
    visit.save()
    audit_record(actor=actor, action="visit.screen", target=visit, changes={"outcome": outcome})
    return visit


@transaction.atomic
def visit_inject(*, actor, visit_id: int, lot_id: int, idempotency_key: str, override_reason: str = "") -> Dose:
    """Step 3 for a screened person: the live path into `dose_record`."""
    visit = _visit(actor, visit_id)
    # The key's index is the claim's; its time names the one monthly partition the dose is read from.
    claim = DoseClaim.objects.filter(idempotency_key=idempotency_key).values("dose_id", "given_at").first()
    already = Dose.objects.filter(pk=claim["dose_id"], given_at=claim["given_at"]).first() if claim else None
    if already is not None and already.visit_id == visit.pk:
        return already
    if visit.step != Step.SCREENED:
        raise ValidationError(_("Only a person screened as eligible can be vaccinated."))
    dose, _created = dose_record(actor=actor, person_id=visit.person_id, site_id=visit.site_id, lot_id=lot_id,
                                 idempotency_key=idempotency_key, visit_id=visit.pk, override_reason=override_reason)
    return dose


def observation_minutes_left(visit: Visit, now: datetime.datetime | None = None) -> int:
    """Whole minutes, rounded up, until the OBSERVATION_MINUTES after the dose are over (0 when they are)."""
    if visit.observe_until is None:
        return 0
    return max(0, math.ceil((visit.observe_until - (now or timezone.now())).total_seconds() / 60))


@transaction.atomic
def visit_observe(*, actor, visit_id: int, note: str = "", reaction: dict | None = None,
                  early_reason: str = "") -> Visit:
    """Step 4: the end of observation, with any immediate reaction. Ending it before the configured minutes are
    over takes a reason, kept in the audit row with the minutes that were left."""
    from .reactions import reaction_record

    visit = _visit(actor, visit_id)
    if visit.step != Step.OBSERVING:
        raise ValidationError(_("This person is not under observation."))
    transition_check(visit, Step.DONE, field="step")
    left, early_reason = observation_minutes_left(visit), early_reason.strip()[:300]
    if left and not early_reason:
        raise ValidationError({"early_reason": ngettext(
            "The observation is not over: %(count)s minute is left, until %(time)s. To end it now, give the reason.",
            "The observation is not over: %(count)s minutes are left, until %(time)s. To end it now, give the reason.",
            left) % {"count": left, "time": formats.time_format(timezone.localtime(visit.observe_until), "H:i")}})
    visit.step, visit.observation_note, visit.observed_by = Step.DONE, note[:500], actor
    visit.save(update_fields=["step", "observation_note", "observed_by"])
    if reaction:
        dose = visit.doses.order_by("-pk").first()
        reaction_record(actor=actor, dose=dose, onset_at=timezone.now(), **reaction)
    audit_record(actor=actor, action="visit.observe", target=visit,
                 changes={"ended_early": {"minutes_left": left, "reason": early_reason}} if left else None)
    return visit
