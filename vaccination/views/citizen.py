from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from citizens.selectors import people_for
from citizens.views.common import citizen_required, form_error

from ..forms import DeclaredDoseFormSet, RegistrationForm
from ..models import Registration
from ..selectors import person_registrations
from ..services.registrations import registration_cancel, registration_submit
from ..services.doses import _history
from ..services.sessions import appointment_cancel

def dose_status_label(doses: int) -> str:
    """The level people know: "Chưa tiêm vắc xin", "Đã tiêm 1 mũi vắc xin", …"""
    if doses <= 0:
        return _("Not vaccinated")
    return ngettext("Vaccinated with %(count)s dose", "Vaccinated with %(count)s doses", doses) % {"count": doses}


@citizen_required
def register_view(request, person_id: int):
    person = get_object_or_404(people_for(request.user), pk=person_id)
    form = RegistrationForm(request.POST or None, home_ward=person.ward)
    doses = DeclaredDoseFormSet(request.POST or None, prefix="dose")
    if request.method == "POST" and form.is_valid() and doses.is_valid():
        declared = [d for d in doses.cleaned_data if d.get("vaccine")]
        data = form.cleaned_data
        if data["ward"].parent_id != data["district"].pk:
            form.add_error("ward", _("This ward is not in the district chosen."))
        else:
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
    return render(request, "vaccination/registration_form.html", {"person": person, "form": form, "doses": doses})


@citizen_required
def person_vaccinations_view(request, person_id: int):
    person, registrations = person_registrations(user=request.user, person_id=person_id)
    if person is None:
        raise Http404
    registrations = list(registrations)
    current = next((r for r in registrations if r.status in Registration.OPEN), None)
    history = _history(person)
    doses = {d.dose_number: d for d in person.doses.filter(voided=False).select_related("vaccine", "site")}
    return render(request, "vaccination/person_vaccinations.html", {
        "person": person, "registrations": registrations, "current": current,
        "history": [(date, number, vaccine, doses.get(number)) for date, number, vaccine in history],
        "status_label": dose_status_label(len(history)),
        "reactions": person.reactions.select_related("dose__vaccine"),
        "help_requests": person.help_requests.all(),
        "sections": settings.VACCINATION_PAGE_SECTIONS,
        "appointment": next((a for a in current.appointments.all() if a.status == "booked"), None) if current else None,
    })


@require_POST
@citizen_required
def registration_cancel_view(request, pk: int):
    registration = registration_cancel(actor=request.user, registration_id=pk)
    messages.success(request, _("The registration is cancelled."))
    return redirect("vaccination:person_vaccinations", person_id=registration.person_id)


@require_POST
@citizen_required
def appointment_cancel_view(request, pk: int):
    registration = appointment_cancel(actor=request.user, appointment_id=pk)
    messages.success(request, _("The appointment is cancelled; the district will offer a new one."))
    return redirect("vaccination:person_vaccinations", person_id=registration.person_id)
