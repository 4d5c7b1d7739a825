"""The vaccination site's day: check-in, screening, injection, observation, end of session."""
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens.views.common import form_error
from registry.console import console_view, form_errors_as_messages
from registry.http import safe_next

from .. import screening
from ..course import person_course
from ..forms import CheckInSearchForm, InjectionForm, ObservationForm, ScreeningForm, SessionCloseForm, WalkInForm
from ..models import Appointment, Dose, Visit
from ..selectors import lots_usable, session_list, site_day, staff_facility
from ..services.dose_recording import doses_confirm
from ..services.sessions import session_close, session_totals
from ..services.visit_steps import observation_minutes_left, visit_check_in, visit_inject, visit_observe, visit_screen
from ..services.walk_ins import site_search, walk_in_check_in

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
        "sessions": sessions, "walk_ins": [v for v in visits if v.walk_in], "search": CheckInSearchForm(),
        "appointments": [(a, visited.get(a.pk)) for a in booked],
        "step_counts": [(label, counters[step]) for step, label in Visit.Step.choices],
    })


def _check_in_page(request, form, *, cards=(), walk_in=None):
    return render(request, "vaccination/site/check_in.html", {
        "form": form, "cards": cards, "searched": form.is_bound, "walk_in": walk_in or WalkInForm(),
    })


@console_view(PERM)
def check_in_view(request):
    form = CheckInSearchForm(request.GET or None)
    cards = site_search(actor=request.user, query=form.cleaned_data["q"]) if form.is_valid() else []
    return _check_in_page(request, form, cards=cards)


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
    if form.is_valid():
        try:
            visit = walk_in_check_in(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            return redirect("vaccination_console:site_visit", pk=visit.pk)
    # Refused: the check-in page with the walk-in as typed, each refusal beside its field.
    return _check_in_page(request, CheckInSearchForm(), walk_in=form)


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
