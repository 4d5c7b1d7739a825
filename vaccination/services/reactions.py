"""Reactions after vaccination, the response center, and corrections to doses and personal details."""
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citizens.models import Person
from citizens.selectors import people_for
from citizens.services.messaging import notify
from citizens.services.people import person_identity_change
from registry.audit import audit_record
from registry.models import Facility
from registry.selectors import facility_list
from registry.transitions import transition_check

from ..alerts import serious_open_forget
from ..models import Dose, DoseClaim, HelpRequest, Reaction, ReactionNote, StockMovement
from ..selectors import help_request_list, reaction_list
from ..signals import dose_changed, dose_corrected, reaction_reported
from .stock import balances_lock, stock_move

SERIOUS_SYMPTOMS = {Reaction.Symptom.BREATHING, Reaction.Symptom.CHEST_PAIN, Reaction.Symptom.FAINTING}


def reaction_record(*, actor, dose: Dose, onset_at: datetime.datetime, symptoms: list[str], severity: str,
                    description: str = "") -> Reaction:
    if severity not in Reaction.Severity.values:
        raise ValidationError({"severity": _("Choose how severe it is.")})
    if onset_at < dose.given_at - datetime.timedelta(minutes=1):
        raise ValidationError({"onset_at": _("A reaction cannot start before the dose was given.")})
    if onset_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"onset_at": _("The start of the reaction cannot be in the future.")})
    serious = severity == Reaction.Severity.SEVERE or bool(SERIOUS_SYMPTOMS & set(symptoms))
    reaction = Reaction.objects.create(dose=dose, person_id=dose.person_id, site_id=dose.site_id, reported_by=actor,
                                       onset_at=onset_at, symptoms=sorted(set(symptoms)), severity=severity,
                                       description=description, serious=serious)
    audit_record(actor=actor, action="reaction.report", target=reaction, changes={"serious": serious})
    if serious:
        serious_open_forget(reaction.site_id)
    reaction_reported.send(sender=Reaction, reaction=reaction)
    return reaction


@transaction.atomic
def reaction_report(*, actor, dose_id: int, onset_at: datetime.datetime, symptoms: list[str], severity: str,
                    description: str = "") -> Reaction:
    """A citizen reports a reaction after one of their people's doses."""
    dose = Dose.objects.filter(pk=dose_id, person__in=people_for(actor), voided=False).first()
    if dose is None:
        raise Http404
    return reaction_record(actor=actor, dose=dose, onset_at=onset_at, symptoms=symptoms, severity=severity,
                           description=description)


@transaction.atomic
def reaction_follow_up(*, actor, reaction_id: int, status: str, note: str = "") -> Reaction:
    if not actor.has_perm("vaccination.change_reaction"):
        raise PermissionDenied(_("You may not follow up reactions."))
    reaction = reaction_list(user=actor).select_for_update(of=("self",)).filter(pk=reaction_id).first()
    if reaction is None:
        raise Http404
    if status not in Reaction.Status.values or status == Reaction.Status.NEW:
        raise ValidationError({"status": _("Choose the new status.")})
    transition_check(reaction, status)  # Reaction.TRANSITIONS: nothing moves a closed reaction
    reaction.status = status
    reaction.save(update_fields=["status"])
    ReactionNote.objects.create(reaction=reaction, actor=actor, at=timezone.now(), status=status, note=note)
    audit_record(actor=actor, action="reaction.follow_up", target=reaction, changes={"status": status})
    serious_open_forget(reaction.site_id)
    return reaction


def _responsible_facility(person: Person, site: Facility | None) -> Facility:
    if site is not None:
        return site
    if person.ward_id:
        centre = Facility.objects.filter(kind=Facility.Kind.DISTRICT_CENTRE, unit_id=person.ward.parent_id).first()
        if centre:
            return centre
        department = Facility.objects.filter(kind=Facility.Kind.PROVINCE_DEPARTMENT,
                                             unit__code=person.ward.province_code, unit__level="province").first()
        if department:
            return department
    last = person.doses.order_by("-given_at").first()
    if last:
        return last.site
    raise ValidationError({"site": _("Choose the vaccination site this is about.")})


@transaction.atomic
def help_request_submit(*, actor, person_id: int, kind: str, message: str, site: Facility | None = None,
                        dose_date: datetime.date | None = None, dose_vaccine=None) -> HelpRequest:
    person = people_for(actor).filter(pk=person_id).first()
    if person is None:
        raise Http404
    if not message.strip():
        raise ValidationError({"message": _("Tell us what happened.")})
    if kind == HelpRequest.Kind.MISSING_DOSE:
        if site is None or dose_date is None:
            raise ValidationError({"site": _("For a missing dose, say where and when you were vaccinated.")})
        if dose_date > timezone.localdate():
            raise ValidationError({"dose_date": _("The date of the dose cannot be in the future.")})
    request = HelpRequest.objects.create(
        person=person, asked_by=actor, kind=kind, message=message, facility=_responsible_facility(person, site),
        dose_date=dose_date, dose_vaccine=dose_vaccine)
    audit_record(actor=actor, action="help.submit", target=request, changes={"kind": kind})
    return request


def _tell(person: Person, title: str, body: str, link: str = "") -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notify(person=person, title=title, body=body, link=link)


@transaction.atomic
def help_request_answer(*, actor, request_id: int, answer: str, close: bool = True) -> HelpRequest:
    """The facility in charge answers a help request (closing it unless told otherwise) and the person is told;
    HelpRequest.TRANSITIONS refuses a request already closed."""
    if not actor.has_perm("vaccination.change_helprequest"):
        raise PermissionDenied(_("You may not answer help requests."))
    request = help_request_list(user=actor).select_for_update(of=("self",)).filter(pk=request_id).first()
    if request is None:
        raise Http404
    to = HelpRequest.Status.CLOSED if close else HelpRequest.Status.ANSWERED
    current = transition_check(request, to)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer the person will read.")})
    request.answer, request.answered_by, request.answered_at = answer, actor, timezone.now()
    request.status = to
    request.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    _tell(request.person, _("Answer from the response center"), answer)
    audit_record(actor=actor, action="help.answer", target=request, changes={"from": current, "to": to})
    return request


DOSE_FIELDS = ["lot_id", "vaccine_id", "given_at", "dose_number", "site_id"]


@transaction.atomic
def dose_correct(*, actor, dose_id: int, reason: str, lot: object | None = None,
                 given_at: datetime.datetime | None = None, void: bool = False) -> Dose:
    """Correct a dose record (lot, time) or void it, auditing the values before and after and telling the person."""
    if not actor.has_perm("vaccination.correct_dose"):
        raise PermissionDenied(_("You may not correct dose records."))
    sites = facility_list(user=actor, kind=Facility.Kind.SITE)
    dose = Dose.objects.select_for_update().filter(pk=dose_id, site__in=sites).first()
    if dose is None:
        raise Http404
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is corrected.")})
    before = {field: str(getattr(dose, field)) for field in DOSE_FIELDS + ["voided"]}
    facts_before = {"day": timezone.localtime(dose.given_at).date(), "site_id": dose.site_id,
                    "vaccine_id": dose.vaccine_id, "dose_number": dose.dose_number, "voided": dose.voided}
    if lot is not None and lot.pk != dose.lot_id:
        balances = balances_lock(sorted([(dose.site_id, dose.lot_id), (dose.site_id, lot.pk)]))
        stock_move(balance=balances[(dose.site_id, dose.lot_id)], kind=StockMovement.Kind.ADJUSTED, quantity=1,
                   actor=actor, reason=reason)
        stock_move(balance=balances[(dose.site_id, lot.pk)], kind=StockMovement.Kind.ADMINISTERED, quantity=-1,
                   actor=actor, reason=reason)
        dose.lot, dose.vaccine = lot, lot.vaccine
    if given_at is not None:
        dose.given_at = given_at
    if void:
        dose.voided = True
        balance = balances_lock([(dose.site_id, dose.lot_id)])[(dose.site_id, dose.lot_id)]
        stock_move(balance=balance, kind=StockMovement.Kind.ADJUSTED, quantity=1, actor=actor, reason=reason)
    dose.save()
    # The rules over every month follow the dose: a voided dose frees its number for the dose given instead.
    DoseClaim.objects.filter(pk=dose.pk).update(person_id=dose.person_id, dose_number=dose.dose_number,
                                                voided=dose.voided, given_at=dose.given_at, vaccine_id=dose.vaccine_id)
    dose_changed.send(sender=Dose, dose=dose, before=facts_before)
    after = {field: str(getattr(dose, field)) for field in DOSE_FIELDS + ["voided"]}
    audit_record(actor=actor, action="dose.correct", target=dose,
                 changes={"before": before, "after": after, "reason": reason})
    _tell(dose.person, _("Your vaccination record was corrected"),
          _("Dose %(number)s was corrected: %(reason)s") % {"number": dose.dose_number, "reason": reason})
    transaction.on_commit(lambda: dose_corrected.send(sender=Dose, dose_id=dose.pk))
    return dose


PERSON_FIELDS = ["full_name", "date_of_birth", "sex", "id_kind", "id_number"]


@transaction.atomic
def person_correct(*, actor, person_id: int, reason: str, **changes) -> Person:
    """Staff correct a person's details (the person was vaccinated at one of their sites), audited before/after."""
    if not actor.has_perm("vaccination.correct_dose"):
        raise PermissionDenied(_("You may not correct personal details."))
    sites = facility_list(user=actor, kind=Facility.Kind.SITE)
    vaccinated_here = Exists(Dose.objects.filter(person=OuterRef("pk"), site__in=sites))
    person = Person.objects.select_for_update().filter(vaccinated_here, pk=person_id).first()
    if person is None:
        raise Http404
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the details are corrected.")})
    # The one identity service audits before/after and tells the person (notification and SMS).
    person_identity_change(actor=actor, person=person, reason=reason, action="person.correct",
                           changes={field: value for field, value in changes.items() if field in PERSON_FIELDS})
    return person
