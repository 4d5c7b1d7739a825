"""Pages: a citizen's places visited and check-in, their venues and posters; an officer's venues and exposures."""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from citizens.selectors import people_for
from citizens.views.common import citizen_required, form_error
from registry.console import console_view, paginate

from .forms import CheckInForm, CodeForm, ExposureForm, VenueForm
from .qr import checkin_url, qr_svg
from .selectors import (
    exposure_contacts_for, venue_by_code, venue_exposures, venue_list, venue_visit_days, venues_of, visits_for,
)
from .services import EXPOSE_PERMISSION, exposure_declare, venue_register, visit_record


@citizen_required
def visit_list_view(request):
    page = Paginator(visits_for(request.user), settings.CITIZEN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "places/visit_list.html", {
        "page": page, "contacts": exposure_contacts_for(request.user)[:20], "code_form": CodeForm(),
        "retention_days": settings.PLACES_VISIT_RETENTION_DAYS})


@citizen_required
def checkin_code_view(request):
    """A code typed by hand leads to the same check-in page as the poster's QR."""
    form = CodeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        venue = venue_by_code(form.cleaned_data["code"])
        if venue is not None:
            return redirect("places:checkin", code=venue.code)
        form.add_error("code", _("No place has this code. Check the code on the poster."))
    return render(request, "places/checkin_code.html", {"form": form})


@citizen_required
def checkin_view(request, code: str):
    venue = venue_by_code(code)
    if venue is None:
        raise Http404
    people = people_for(request.user)
    own = people.filter(account=request.user).values_list("pk", flat=True).first()
    form = CheckInForm(request.POST or None, people=people, initial={"people": [own] if own else []})
    if request.method == "POST" and form.is_valid():
        try:
            visits = visit_record(actor=request.user, code=venue.code,
                                  person_ids=[p.pk for p in form.cleaned_data["people"]])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, ngettext("Your visit to %(venue)s is recorded for %(count)s person.",
                                               "Your visit to %(venue)s is recorded for %(count)s people.",
                                               len(visits)) % {"venue": venue.name, "count": len(visits)})
            return redirect("places:visit_list")
    return render(request, "places/checkin.html", {"venue": venue, "form": form})


@citizen_required
def venue_list_view(request):
    return render(request, "places/venue_list.html", {"venues": venues_of(request.user)})


@citizen_required
def venue_new_view(request):
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            venue = venue_register(actor=request.user, kind=data["kind"], name=data["name"], ward=data["ward"],
                                   street=data["street"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(venue)s is registered. Print its poster and put it up at the entrance.")
                             % {"venue": venue.name})
            return redirect("places:venue_poster", pk=venue.pk)
    return render(request, "places/venue_form.html", {"form": form})


@citizen_required
def venue_poster_view(request, pk: int):
    venue = get_object_or_404(venues_of(request.user), pk=pk)
    return render(request, "places/venue_poster.html", {"venue": venue, "qr": qr_svg(checkin_url(request, venue))})


@console_view("places.view_venue")
def console_venue_list_view(request):
    query = request.GET.get("q", "")
    return render(request, "places/console/venue_list.html", {
        "page": paginate(request, venue_list(user=request.user, query=query)), "query": query})


@console_view("places.view_venue")
def console_venue_detail_view(request, pk: int):
    venue = get_object_or_404(venue_list(user=request.user), pk=pk)
    may_declare = request.user.has_perm(EXPOSE_PERMISSION)
    form = ExposureForm(request.POST or None) if may_declare else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                exposure_declare(officer=request.user, venue_id=venue.pk, **form.cleaned_data)
            except ValidationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The exposure is declared. Everyone who checked in during the window "
                                            "is being told by notification and SMS."))
                return redirect("places_console:venue_detail", pk=venue.pk)
    return render(request, "places/console/venue_detail.html", {
        "venue": venue, "days": venue_visit_days(venue=venue), "exposures": venue_exposures(venue=venue),
        "form": form, "retention_days": settings.PLACES_VISIT_RETENTION_DAYS})
