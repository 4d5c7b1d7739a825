"""The facility's and the hotline's console pages: publish slots, mark the day's bookings, record consultations."""
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens.views.common import form_error
from registry.console import console_view, paginate
from vaccination.models import HelpRequest
from vaccination.selectors import help_request_list

from .forms import ConsultationForm, PublishForm
from .selectors import consultation_list, facility_day, people_for_consultation, staff_clinic
from .services import booking_mark_attended, booking_mark_no_show, consultation_record, slots_publish


def _day(raw: str | None) -> datetime.date:
    """The day asked for (today if none), kept where a day before and after it exist."""
    try:
        day = datetime.date.fromisoformat(raw or "")
    except ValueError:
        return timezone.localdate()
    return min(max(day, datetime.date(1900, 1, 2)), datetime.date(9999, 12, 30))


def _day_url(day: datetime.date) -> str:
    return f"{reverse('clinics_console:day')}?day={day.isoformat()}"


@console_view("clinics.view_booking")
def day_view(request):
    day = _day(request.GET.get("day"))
    return render(request, "clinics/console/day.html", {
        "day": day, "bookings": facility_day(user=request.user, day=day), "facility": staff_clinic(request.user),
        "previous": day - datetime.timedelta(days=1), "next": day + datetime.timedelta(days=1)})


@console_view("clinics.add_slot")
def publish_view(request):
    facility = staff_clinic(request.user)
    if facility is None:
        raise Http404
    form = PublishForm(request.POST or None, initial={"day": timezone.localdate() + datetime.timedelta(days=1)})
    if request.method == "POST" and form.is_valid():
        try:
            count = slots_publish(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(count)s slots published.") % {"count": count})
            return redirect(_day_url(form.cleaned_data["day"]))
    return render(request, "clinics/console/publish.html", {"form": form, "facility": facility})


def _mark(request, pk: int, service, done: str):
    try:
        booking = service(actor=request.user, booking_id=pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("clinics_console:day")
    messages.success(request, done % {"name": booking.person.full_name})
    return redirect(_day_url(timezone.localtime(booking.starts_at).date()))


@require_POST
@console_view("clinics.change_booking")
def booking_attended_view(request, pk: int):
    return _mark(request, pk, booking_mark_attended, _("%(name)s came to the appointment."))


@require_POST
@console_view("clinics.change_booking")
def booking_no_show_view(request, pk: int):
    return _mark(request, pk, booking_mark_no_show, _("%(name)s did not come to the appointment."))


def _int(raw) -> int | None:
    return int(raw) if raw and str(raw).isdigit() and len(str(raw)) < 12 else None


@console_view("clinics.add_consultation")
def consultation_new_view(request, person_id: int):
    person = people_for_consultation(user=request.user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    booking_id, help_id = _int(source.get("booking")), _int(source.get("help"))
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation_record(actor=request.user, person_id=person.pk, booking_id=booking_id,
                                help_request_id=help_id, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The consultation is recorded; %(name)s sees it in their history.") % {
                "name": person.full_name})
            return redirect("clinics_console:consultation_list")
    return render(request, "clinics/console/consultation_form.html", {
        "form": form, "person": person, "booking_id": booking_id, "help_id": help_id})


@console_view("clinics.add_consultation")
def consultation_list_view(request):
    return render(request, "clinics/console/consultation_list.html", {
        "page": paginate(request, consultation_list(user=request.user).order_by("-created_at", "-pk")),
        "help_requests": help_request_list(user=request.user).exclude(status=HelpRequest.Status.CLOSED).order_by(
            "-created_at", "-pk")[:20]})
