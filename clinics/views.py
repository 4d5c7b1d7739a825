"""The citizen's pages: find and book a consultation slot, move or cancel it, the one list of appointments and the
consultation history. Each binds a form, calls one selector or service and renders."""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from citizens.selectors import people_for
from citizens.views.common import citizen_required, form_error
from vaccination.forms import CancelConfirmForm

from .forms import BookingForm, MoveForm, SlotSearchForm
from .selectors import appointments_for, booking_for_citizen, consultation_history, move_choices, slot_open, slot_search
from .services import booking_cancel, booking_create, booking_move


@citizen_required
def slot_search_view(request):
    own = people_for(request.user).filter(account=request.user).first()
    form = SlotSearchForm(request.GET if "service" in request.GET else None, home_ward=own.ward if own else None)
    page = None
    if form.is_valid():
        data = form.cleaned_data
        slots = slot_search(service=data["service"], district_id=data["district"].pk, day=data["day"])
        page = Paginator(slots, settings.CITIZEN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "clinics/slot_search.html", {"form": form, "page": page, "query_string": query.urlencode()})


@citizen_required
def book_view(request, slot_id: int):
    slot = slot_open(slot_id)
    if slot is None:
        raise Http404
    form = BookingForm(request.POST or None, people=people_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_create(actor=request.user, person_id=form.cleaned_data["person"].pk, slot_id=slot.pk)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Booked for %(name)s.") % {"name": booking.person.full_name})
            return redirect("clinics:appointment_list")
    return render(request, "clinics/booking_form.html", {"form": form, "slot": slot})


@citizen_required
def booking_move_view(request, pk: int):
    booking = booking_for_citizen(user=request.user, booking_id=pk)
    if booking is None:
        raise Http404
    form = MoveForm(request.POST or None, slots=move_choices(booking))
    if request.method == "POST" and form.is_valid():
        try:
            booking_move(actor=request.user, booking_id=booking.pk, slot_id=form.cleaned_data["slot"].pk)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The appointment is moved."))
            return redirect("clinics:appointment_list")
    return render(request, "clinics/booking_move.html", {"form": form, "booking": booking})


@require_http_methods(["GET", "POST"])
@citizen_required
def booking_cancel_view(request, pk: int):
    """Two steps that work without JavaScript: a page saying what will happen, then its button."""
    booking = booking_for_citizen(user=request.user, booking_id=pk)
    if booking is None:
        raise Http404
    form = CancelConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            booking_cancel(actor=request.user, booking_id=booking.pk)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The medical appointment is cancelled."))
        return redirect("clinics:appointment_list")
    return render(request, "clinics/booking_cancel.html", {"booking": booking, "form": CancelConfirmForm()})


@citizen_required
def appointment_list_view(request):
    return render(request, "clinics/appointment_list.html", {"appointments": appointments_for(user=request.user)})


@citizen_required
def history_view(request):
    return render(request, "clinics/history.html", {"entries": consultation_history(user=request.user)})
