from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from citizens.selectors import people_for
from citizens.views.common import citizen_required, form_error
from registry.drawn import drawn_citizen_page

from ..book_stamp import person_book_stamp
from ..course import person_course
from ..forms import CancelConfirmForm, DeclaredDoseFormSet, RegistrationForm
from ..selectors import appointment_to_cancel, person_vaccination_book, registration_to_cancel
from ..services.registrations import registration_cancel, registration_submit
from ..services.sessions import appointment_cancel

@citizen_required
def register_view(request, person_id: int):
    person = get_object_or_404(people_for(request.user), pk=person_id)
    form = RegistrationForm(request.POST or None, home_ward=person.ward)
    doses = DeclaredDoseFormSet(request.POST or None, prefix="dose")
    if request.method == "POST" and form.is_valid() and doses.is_valid():
        declared = [d for d in doses.cleaned_data if d.get("vaccine")]
        data = form.cleaned_data
        try:
            registration_submit(actor=request.user, person_id=person.pk, priority_group=data["priority_group"],
                                ward=data["ward"], wished_date=data["wished_date"], consent=data["consent"],
                                declared_doses=declared)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The registration of %(name)s is sent to the health department.") % {
                "name": person.full_name})
            return redirect("vaccination:person_vaccinations", person_id=person.pk)
    course = person_course(person)
    return render(request, "vaccination/registration_form.html", {
        "person": person, "form": form, "doses": doses, "course": course,
        "numbered_from": max((dose.number for dose in course), default=0)})


@citizen_required
def person_vaccinations_view(request, person_id: int):
    # Drawn once per fingerprint of the rows it shows (vaccination/book_stamp.py): read again only when one changed.
    stamped = person_book_stamp(user=request.user, person_id=person_id)
    if stamped is None:
        raise Http404
    stamp, unread = stamped
    sections = tuple(settings.VACCINATION_PAGE_SECTIONS)

    def context() -> dict:
        book = person_vaccination_book(user=request.user, person_id=person_id)
        if book is None:
            raise Http404
        return {**book, "sections": sections}

    page = drawn_citizen_page(request, "vaccination/person_vaccinations.html", (stamp, sections), context,
                              unread=unread)
    if page is not None:
        return HttpResponse(page)
    return render(request, "vaccination/person_vaccinations.html", context())


def _cancel(request, *, kind: str, person, context: dict, cancel, done: str):
    """Cancelling takes two steps that work without JavaScript: a page saying what will happen, then its button
    (a POST carrying the confirmation). A POST without it only shows the page."""
    form = CancelConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            cancel()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect("vaccination:person_vaccinations", person_id=person.pk)
    return render(request, "vaccination/cancel_confirm.html", {
        "kind": kind, "person": person, "form": CancelConfirmForm(), **context})


@require_http_methods(["GET", "POST"])
@citizen_required
def registration_cancel_view(request, pk: int):
    registration = registration_to_cancel(user=request.user, registration_id=pk)
    if registration is None:
        raise Http404
    return _cancel(request, kind="registration", person=registration.person, context={"registration": registration},
                   cancel=lambda: registration_cancel(actor=request.user, registration_id=registration.pk),
                   done=_("The registration is cancelled."))


@require_http_methods(["GET", "POST"])
@citizen_required
def appointment_cancel_view(request, pk: int):
    appointment = appointment_to_cancel(user=request.user, appointment_id=pk)
    if appointment is None:
        raise Http404
    return _cancel(request, kind="appointment", person=appointment.registration.person,
                   context={"appointment": appointment},
                   cancel=lambda: appointment_cancel(actor=request.user, appointment_id=appointment.pk),
                   done=_("The appointment is cancelled; the district will offer a new one."))

