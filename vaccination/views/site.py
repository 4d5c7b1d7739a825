"""The vaccination site's day: check-in, screening, injection, observation, end of session."""
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens.models import Person
from citizens.phones import phone_normalize
from citizens.selectors import health_code_resolve
from citizens.views.common import form_error
from registry.audit import audit_record
from registry.console import console_view, form_errors_as_messages
from registry.http import safe_next

from .. import screening
from ..course import person_course
from ..forms import CheckInSearchForm, InjectionForm, ObservationForm, ScreeningForm, SessionCloseForm, WalkInForm
from ..models import Appointment, Dose, Visit
from ..selectors import lots_usable, session_list, site_day, staff_facility
from ..services.doses import (
    doses_confirm, observation_minutes_left, session_close, session_totals, visit_check_in, visit_inject,
    visit_observe, visit_screen,
)

PERM = "vaccination.record_dose"


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@console_view(PERM)
def day_view(request):
    sessions, visits = site_day(user=request.user)
    visits = list(visits)
    counters = {step: sum(1 for v in visits if v.step == step) for step, _label in Visit.Step.choices}
    booked = Appointment.objects.filter(session__in=sessions).select_related("registration__person").order_by(
        "slot_start", "pk")
    visited = {v.appointment_id: v for v in visits if v.appointment_id}
    return render(request, "vaccination/site/day.html", {
        "sessions": sessions, "visits": visits, "counters": counters, "search": CheckInSearchForm(),
        "appointments": [(a, visited.get(a.pk)) for a in booked], "steps": Visit.Step.choices,
    })


def _find(request, query: str) -> list[Person]:
    """A scanned health code, a declaration code, an ID number or a phone number."""
    query = query.strip()
    if ":" in query:
        person, _declaration = health_code_resolve(staff=request.user, code=query)
        return [person] if person else []
    condition = Q(id_number=query.upper())
    try:
        condition |= Q(phone=phone_normalize(query)) | Q(account__phone=phone_normalize(query))
    except ValidationError:
        pass
    found = list(Person.objects.filter(condition).select_related("ward__parent__parent")[:10])
    for person in found:
        audit_record(actor=request.user, action="person.searched_at_site", target=person)
    return found


@console_view(PERM)
def check_in_view(request):
    form = CheckInSearchForm(request.GET or None)
    people = _find(request, form.cleaned_data["q"]) if form.is_valid() else []
    site = staff_facility(request.user)
    today = timezone.localdate()
    cards = []
    for person in people:
        appointment = Appointment.objects.filter(registration__person=person, status=Appointment.Status.BOOKED,
                                                 session__site=site, session__date=today).select_related(
            "session").first()
        cards.append({"person": person, "appointment": appointment, "history": person_course(person),
                      "declaration": person.declarations.first(),
                      "reactions": person.reactions.select_related("dose__vaccine")[:5]})
    return render(request, "vaccination/site/check_in.html", {
        "form": form, "cards": cards, "searched": form.is_bound, "walk_in": WalkInForm(),
    })


@require_POST
@console_view(PERM)
def check_in_post_view(request, person_id: int):
    try:
        visit = visit_check_in(actor=request.user, person_id=person_id)
    except ValidationError as error:
        _errors(request, error)
        return redirect("vaccination_console:site_check_in")
    return redirect("vaccination_console:site_visit", pk=visit.pk)


@require_POST
@console_view(PERM)
def walk_in_view(request):
    form = WalkInForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect("vaccination_console:site_check_in")
    data = form.cleaned_data
    with transaction.atomic():
        if data["id_number"] and Person.objects.filter(id_number=data["id_number"].upper()).exists():
            messages.error(request, _("This ID number already belongs to another person. Search for it instead."))
            return redirect("vaccination_console:site_check_in")
        phone = ""
        if data["phone"]:
            try:
                phone = phone_normalize(data["phone"])
            except ValidationError as error:
                _errors(request, error)
                return redirect("vaccination_console:site_check_in")
        site = staff_facility(request.user)
        person = Person.objects.create(full_name=data["full_name"], date_of_birth=data["date_of_birth"],
                                       sex=data["sex"], id_number=data["id_number"].upper() or None,
                                       id_kind="cccd" if len(data["id_number"]) == 12 else "", phone=phone,
                                       ward=site.unit)
        audit_record(actor=request.user, action="person.walk_in_created", target=person)
        visit = visit_check_in(actor=request.user, person_id=person.pk)
    return redirect("vaccination_console:site_visit", pk=visit.pk)


def _site_visit(request, pk):
    return get_object_or_404(Visit.objects.select_related("person", "appointment__session", "declaration"),
                             pk=pk, site=staff_facility(request.user))


def _visit_page(request, visit, form=None):
    """The visit at its step; `form` is the step's form as posted when it was refused, so nothing typed is lost."""
    lots = lots_usable().filter(balances__facility=visit.site, balances__quantity__gt=0).distinct()
    context = {
        "visit": visit, "history": person_course(visit.person), "items": screening.ITEMS,
        "version": screening.CHECKLIST_VERSION, "doses": visit.doses.select_related("lot", "vaccine"),
        "minutes_left": observation_minutes_left(visit),
    }
    if visit.step == Visit.Step.CHECKED_IN:
        context["form"] = form or ScreeningForm()
    elif visit.step == Visit.Step.SCREENED:
        initial = {"idempotency_key": uuid.uuid4().hex}
        if visit.appointment_id:
            initial["lot"] = visit.appointment.session.lot_id
        context["form"] = InjectionForm(lots=lots, initial=initial)
    elif visit.step == Visit.Step.OBSERVING:
        context["form"] = form or ObservationForm()
    return render(request, "vaccination/site/visit.html", context)


@console_view(PERM)
def visit_view(request, pk: int):
    return _visit_page(request, _site_visit(request, pk))


@require_POST
@console_view(PERM)
def screen_view(request, pk: int):
    visit = _site_visit(request, pk)
    form = ScreeningForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit_screen(actor=request.user, visit_id=visit.pk, answers=form.answers(), outcome=data["outcome"],
                         temperature=data["temperature"], pulse=data["pulse"], systolic=data["systolic"],
                         diastolic=data["diastolic"], postpone_until=data["postpone_until"],
                         refer_reason=data["refer_reason"])
        except ValidationError as error:
            form_error(form, error)
        else:
            return redirect("vaccination_console:site_visit", pk=visit.pk)
    # Refused: the page again with every tick and figure as typed, the refusal beside its field.
    return _visit_page(request, visit, form)


@require_POST
@console_view(PERM)
def inject_view(request, pk: int):
    visit = _site_visit(request, pk)
    form = InjectionForm(request.POST, lots=lots_usable())
    if form.is_valid():
        try:
            dose = visit_inject(actor=request.user, visit_id=visit.pk, lot_id=form.cleaned_data["lot"].pk,
                                idempotency_key=form.cleaned_data["idempotency_key"],
                                override_reason=form.cleaned_data["override_reason"])
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Dose %(number)s recorded. Observe for 30 minutes.") % {
                "number": dose.dose_number})
    else:
        form_errors_as_messages(request, form)
    return redirect("vaccination_console:site_visit", pk=visit.pk)


@require_POST
@console_view(PERM)
def observe_view(request, pk: int):
    visit = _site_visit(request, pk)
    form = ObservationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        reaction = None
        if data["had_reaction"]:
            reaction = {"symptoms": [], "severity": data["severity"] or "mild", "description": data["description"]}
        try:
            visit_observe(actor=request.user, visit_id=visit.pk, note=data["note"], reaction=reaction,
                          early_reason=data["early_reason"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Observation recorded."))
            return redirect("vaccination_console:site_observation")
    # Ended too early without a reason, or a field refused: this person's page, with what was typed.
    return _visit_page(request, visit, form)


@console_view(PERM)
def observation_view(request):
    _sessions, visits = site_day(user=request.user)
    observing = visits.filter(step=Visit.Step.OBSERVING).order_by("observe_until")
    now = timezone.now()
    rows = [(v, max(0, int((v.observe_until - now).total_seconds() // 60))) for v in observing]
    return render(request, "vaccination/site/observation.html", {"rows": rows, "form": ObservationForm()})


@console_view(PERM)
def session_close_view(request, pk: int):
    session = get_object_or_404(session_list(user=request.user), pk=pk)
    form = SessionCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totals = session_close(actor=request.user, session_id=session.pk, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Session closed: %(vaccinated)s vaccinated, %(no_show)s did not come, "
                                        "%(wasted)s doses wasted.") % totals)
            return redirect("vaccination_console:site_session_close", pk=session.pk)
    return render(request, "vaccination/site/session_close.html", {
        "session": session, "form": form, "totals": session_totals(session),
        "unconfirmed": list(Dose.objects.filter(visit__session=session, voided=False, confirmed_at__isnull=True)),
    })


@require_POST
@console_view(PERM)
def confirm_view(request):
    """The site confirms dose records (one, or all of a session); certificates are signed after that."""
    ids = [int(pk) for pk in request.POST.getlist("dose") if pk.isdigit()]
    count = doses_confirm(actor=request.user, dose_ids=ids)
    messages.success(request, _("%(count)s dose records confirmed; the certificates are being signed.") % {
        "count": count})
    return redirect(safe_next(request, reverse("vaccination_console:site_day")))
