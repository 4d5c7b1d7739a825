"""Vaccination for the phone app: a person's course, registrations, appointments, doses, reactions and help
requests, through the selectors and services of "My vaccinations"."""
import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status

from citizens.selectors import people_for
from vaccination.forms import DeclaredDoseFormSet, HelpRequestForm, ReactionForm, RegistrationForm
from vaccination.models import Dose
from vaccination.selectors import (
    appointment_to_cancel, person_vaccination_book, registration_to_cancel,
)
from vaccination.services.reactions import help_request_submit, reaction_report
from vaccination.services.registrations import registration_cancel, registration_submit
from vaccination.services.sessions import appointment_cancel

from .accounts import form_cleaned
from .idempotency import idempotent

router = Router(tags=["vaccination"])


class CourseDoseOut(Schema):
    number: int
    day: datetime.date
    vaccine: str
    dose_id: int | None
    site: str | None
    declared: bool


class AppointmentOut(Schema):
    id: int
    dose_number: int
    date: datetime.date
    slot_start: datetime.time
    site: str
    address: str
    status: str


class RegistrationOut(Schema):
    id: int
    status: str
    priority_group: str
    wished_date: datetime.date | None
    created_at: datetime.datetime
    appointments: list[AppointmentOut]


class ReactionOut(Schema):
    id: int
    dose_id: int
    onset_at: datetime.datetime
    symptoms: list[str]
    severity: str
    status: str
    created_at: datetime.datetime


class HelpRequestOut(Schema):
    id: int
    kind: str
    message: str
    status: str
    answer: str
    answered_at: datetime.datetime | None
    created_at: datetime.datetime


class VaccinationBookOut(Schema):
    person_id: int
    level: str
    doses_counted: int
    course: list[CourseDoseOut]
    next_dose_number: int
    next_dose_due_from: datetime.date | None
    registrations: list[RegistrationOut]
    reactions: list[ReactionOut]
    help_requests: list[HelpRequestOut]


class DeclaredDoseIn(Schema):
    vaccine_id: int
    given_on: datetime.date
    place: str = ""


class RegistrationIn(Schema):
    priority_group_id: int
    district_id: int
    ward_id: int
    wished_date: datetime.date | None = None
    consent: bool
    declared_doses: list[DeclaredDoseIn] = []


class ReactionIn(Schema):
    onset_at: datetime.datetime
    symptoms: list[str]
    severity: str
    description: str = ""


class HelpRequestIn(Schema):
    kind: str
    message: str
    site_id: int | None = None
    dose_date: datetime.date | None = None
    dose_vaccine_id: int | None = None


def _appointment(a) -> AppointmentOut:
    site = a.session.site
    return AppointmentOut(id=a.pk, dose_number=a.dose_number, date=a.session.date, slot_start=a.slot_start,
                          site=site.name, address=getattr(site, "address", "") or "", status=a.status)


def _registration(r) -> RegistrationOut:
    return RegistrationOut(id=r.pk, status=r.status, priority_group=str(r.priority_group), wished_date=r.wished_date,
                           created_at=r.created_at, appointments=[_appointment(a) for a in r.appointments.all()])


def _book_out(book) -> VaccinationBookOut:
    history = book["history"]
    return VaccinationBookOut(
        person_id=book["person"].pk, level=str(book["level"]), doses_counted=book["level"].count,
        course=[CourseDoseOut(number=d.number, day=d.day, vaccine=d.vaccine.name, dose_id=d.dose.pk if d.dose else None,
                              site=d.dose.site.name if d.dose else None, declared=d.dose is None) for d in history],
        next_dose_number=book["next_dose"].number, next_dose_due_from=book["next_dose"].due_from,
        registrations=[_registration(r) for r in book["registrations"]],
        reactions=[ReactionOut(id=x.pk, dose_id=x.dose_id, onset_at=x.onset_at, symptoms=x.symptoms,
                               severity=x.severity, status=x.status, created_at=x.created_at)
                   for x in book["reactions"]],
        help_requests=[HelpRequestOut(id=h.pk, kind=h.kind, message=h.message, status=h.status, answer=h.answer,
                                      answered_at=h.answered_at, created_at=h.created_at)
                       for h in book["help_requests"]])


@router.get("/people/{person_id}/vaccination", response=VaccinationBookOut,
            summary="My vaccinations: the course, its level, registrations, appointments, reactions, help requests")
def vaccination_book(request, person_id: int):
    book = person_vaccination_book(user=request.user, person_id=person_id)
    if book is None:
        raise Http404
    return _book_out(book)


@router.post("/people/{person_id}/registrations", response={201: RegistrationOut},
             summary="Register a person for vaccination")
@idempotent
def registration_new(request, person_id: int, payload: RegistrationIn):
    person = get_object_or_404(people_for(request.user), pk=person_id)
    form = RegistrationForm({"priority_group": payload.priority_group_id, "district": payload.district_id,
                             "ward": payload.ward_id, "wished_date": payload.wished_date or "",
                             "consent": payload.consent}, home_ward=person.ward)
    doses = DeclaredDoseFormSet({
        "dose-TOTAL_FORMS": len(payload.declared_doses), "dose-INITIAL_FORMS": 0,
        **{f"dose-{i}-{k}": v for i, d in enumerate(payload.declared_doses)
           for k, v in (("vaccine", d.vaccine_id), ("given_on", d.given_on), ("place", d.place))}}, prefix="dose")
    errors = {}
    if not form.is_valid():
        errors.update({field: list(messages) for field, messages in form.errors.items()})
    if not doses.is_valid():
        for i, dose_errors in enumerate(doses.errors):
            errors.update({f"declared_doses.{i}.{field}": list(m) for field, m in dose_errors.items()})
        if doses.non_form_errors():
            errors["declared_doses"] = list(doses.non_form_errors())
    if errors:
        raise ValidationError(errors)
    data = form.cleaned_data
    made = registration_submit(actor=request.user, person_id=person.pk, priority_group=data["priority_group"],
                               ward=data["ward"], wished_date=data["wished_date"], consent=data["consent"],
                               declared_doses=[d for d in doses.cleaned_data if d.get("vaccine")])
    return Status(201, _registration(made))


@router.post("/registrations/{registration_id}/cancel", response=RegistrationOut,
             summary="Withdraw a registration still in progress")
def registration_withdraw(request, registration_id: int):
    if registration_to_cancel(user=request.user, registration_id=registration_id) is None:
        raise Http404
    return _registration(registration_cancel(actor=request.user, registration_id=registration_id))


@router.post("/appointments/{appointment_id}/cancel", response=RegistrationOut,
             summary="Cancel a booked appointment (the district offers a new one)")
def appointment_withdraw(request, appointment_id: int):
    if appointment_to_cancel(user=request.user, appointment_id=appointment_id) is None:
        raise Http404
    return _registration(appointment_cancel(actor=request.user, appointment_id=appointment_id))


@router.post("/doses/{dose_id}/reactions", response={201: ReactionOut}, summary="Report a reaction after a dose")
@idempotent
def reaction_new(request, dose_id: int, payload: ReactionIn):
    dose = get_object_or_404(Dose.objects.filter(person__in=people_for(request.user), voided=False), pk=dose_id)
    data = form_cleaned(ReactionForm, {"onset_at": payload.onset_at.strftime("%Y-%m-%d %H:%M"),
                                 "symptoms": payload.symptoms, "severity": payload.severity,
                                 "description": payload.description})
    made = reaction_report(actor=request.user, dose_id=dose.pk, **data)
    return Status(201, ReactionOut(id=made.pk, dose_id=made.dose_id, onset_at=made.onset_at,
                                   symptoms=made.symptoms, severity=made.severity, status=made.status,
                                   created_at=made.created_at))


@router.post("/people/{person_id}/help-requests", response={201: HelpRequestOut},
             summary="Ask the response centre for help or a correction")
@idempotent
def help_request_new(request, person_id: int, payload: HelpRequestIn):
    person = get_object_or_404(people_for(request.user), pk=person_id)
    data = form_cleaned(HelpRequestForm, {"kind": payload.kind, "message": payload.message,
                                          "site": payload.site_id or "", "dose_date": payload.dose_date or "",
                                          "dose_vaccine": payload.dose_vaccine_id or ""})
    made = help_request_submit(actor=request.user, person_id=person.pk, **data)
    return Status(201, HelpRequestOut(id=made.pk, kind=made.kind, message=made.message, status=made.status,
                                      answer=made.answer, answered_at=made.answered_at,
                                      created_at=made.created_at))
