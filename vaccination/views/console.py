from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.console import console_view, form_errors_as_messages, paginate, paginate_uncounted, uncounted_slice
from registry.db import Fingerprint, values_read
from registry.drawn import LIMIT as DRAWN_LIMIT, drawn_console_page
from registry.models import AdministrativeUnit, Facility
from registry.selectors import facility_list, jurisdiction_of, organisation_list, unit_list

from ..context_processors import console_alerts
from ..counts import (
    registration_count_keys, registration_counts, registration_counts_sql, registration_totals, registration_totals_sql,
)
from ..course import vaccine_mixed
from ..forms import AllocateForm, BookForm, RegistrationFilterForm, RejectForm, SessionForm
from ..models import Appointment
from ..selectors import (
    lots_usable, registration_filter, registration_list, registration_queue_rows, session_list, waiting_list,
)
from ..services.registrations import registrations_allocate, registrations_approve, registrations_reject
from ..services.sessions import appointment_book, appointment_no_show, session_create, session_schedule_auto
from .console_rows import queue_rows

FILTER_FIELDS = ["status", "priority_group", "district", "age_band", "date_from", "date_to", "organisation", "q"]


def _districts(user):
    """The districts of the user's area (the filter and the allocation form share the list)."""
    return unit_list(user=user).filter(level=AdministrativeUnit.Level.DISTRICT).order_by("name")


def _filtered(request, data):
    user = request.user
    form = RegistrationFilterForm(data, districts=_districts(user), organisations=organisation_list(user=user))
    rows = registration_list(user=user)
    filters = {}
    if form.is_valid():
        filters = {name: form.cleaned_data.get(name) for name in FILTER_FIELDS}
        filters["query"] = filters.pop("q") or ""
    return form, rows, filters


def _queue(request) -> dict:
    """What the queue shows for the request's filter and page, as querysets not yet read: the filter form, the
    matching rows to count by state, the page's rows, and the form's choice lists."""
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = "submitted"
    form, rows, filters = _filtered(request, data)
    return {"data": data, "form": form, "status": filters.get("status") or "",
            "totals": registration_totals_sql(request.user, filters),
            "counted": registration_filter(rows, **{**filters, "status": ""}),
            "listed": registration_queue_rows(registration_filter(rows, **filters)),
            "lists": [form.fields[name].queryset for name in ("district", "organisation", "priority_group")]}


def _queue_reads(request) -> Fingerprint:
    """Every read the queue page makes for this request, as statements: its counts, its rows (which select what
    orders them) and its choice lists."""
    queue = _queue(request)
    counts = queue["totals"] or registration_counts_sql(queue["counted"],
                                                       registration_count_keys(total=not queue["status"]))
    return Fingerprint([counts, uncounted_slice(request, queue["listed"]).query.sql_with_params(),
                        *(choices.select_related(None).query.sql_with_params() for choices in queue["lists"])])


def _queue_context(request) -> dict:
    queue = _queue(request)
    form, status = queue["form"], queue["status"]
    counts = (registration_totals(queue["totals"], total=not status) if queue["totals"]
              else registration_counts(queue["counted"], total=not status))
    page = paginate_uncounted(request, queue["listed"], values_read)
    districts = queue["lists"][0].all()  # read once, kept by both forms' fields
    len(districts)
    form.fields["district"].queryset = districts
    query = queue["data"].copy()
    query.pop("page", None)
    return {
        "form": form, "page": page, "rows": queue_rows(page),
        "state_counts": [(value, label, counts[value]) for value, label in form.fields["status"].choices[1:]],
        "matching": counts[status], "query_string": query.urlencode(), "reject_form": RejectForm(),
        "allocate_form": AllocateForm(districts=districts, prefix="allocate"),
        "carried": [(name, value) for name, value in request.GET.items() if name != "page"],
        "status_chosen": bool(request.GET.get("status")),
    }


_reads: dict[tuple, Fingerprint] = {}  # per officer, jurisdiction, query and day: the page's reads, compiled once


@console_view("vaccination.view_registration")
def registration_list_view(request):
    # The page is drawn once per fingerprint of every row it reads (counts, rows, choice lists), which one prepared
    # statement reads; compiling the filter's querysets, which cost more than reading them, is done once per query.
    user = request.user
    shape = (user.pk, jurisdiction_of(user), request.GET.urlencode(), timezone.localdate())
    reads = _reads.get(shape)
    if reads is None:
        if len(_reads) >= DRAWN_LIMIT:
            _reads.clear()
        reads = _reads[shape] = _queue_reads(request)
    # Read before the page's own reads: a page drawn from rows newer than its stamp is at worst drawn again.
    stamp = reads.read()

    def drawing() -> dict:
        # What the filter form accepts depends on its choice lists, which are in the fingerprint: when they change,
        # the page is drawn again here and its reads compiled again, so that the next fingerprint reads what the
        # page now shows (a filter refused earlier may hold now).
        _reads[shape] = _queue_reads(request)
        return _queue_context(request)

    drawn = drawn_console_page(request, "vaccination/console/registration_list.html", (*shape, stamp), drawing, {},
                               serious_open=console_alerts(request).get("serious_open", 0))
    if drawn is not None:
        return HttpResponse(drawn)
    return render(request, "vaccination/console/registration_list.html", _queue_context(request))


@require_POST
@console_view("vaccination.view_registration")
def registration_action_view(request):
    """Bulk approve, reject or allocate: the ticked rows, or every row matching the filter shown."""
    action = request.POST.get("action")
    form, rows, filters = _filtered(request, request.POST)
    if request.POST.get("all_matching") == "1":
        # A filter the form refuses would otherwise filter nothing: the action would reach the whole area.
        if not form.is_valid():
            form_errors_as_messages(request, form)
            messages.error(request, _("Nothing was changed: correct the filter, then apply the action again."))
            return redirect(_back(request))
        target = {"rows": registration_filter(rows, **filters)}
    else:
        ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        if not ids:
            messages.error(request, _("Tick at least one registration, or choose all that match the filter."))
            return redirect(_back(request))
        target = {"ids": ids}
    try:
        if action == "approve":
            count = registrations_approve(officer=request.user, **target)
            messages.success(request, _("%(count)s registrations approved.") % {"count": count})
        elif action == "reject":
            reject = RejectForm(request.POST)
            count = registrations_reject(officer=request.user, reason=reject.data.get("reason", ""), **target)
            messages.success(request, _("%(count)s registrations rejected.") % {"count": count})
        elif action == "allocate":
            allocate = AllocateForm(request.POST, districts=_districts(request.user), prefix="allocate")
            district = allocate.cleaned_data["district"] if allocate.is_valid() else None
            count = registrations_allocate(officer=request.user, district=district, **target)
            messages.success(request, _("%(count)s registrations allocated.") % {"count": count})
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_back(request))


def _back(request) -> str:
    """The queue as it was shown: only its own filter fields are carried back, re-encoded."""
    shown = QueryDict(request.POST.get("query_string", ""))
    query = QueryDict(mutable=True)
    for name in [*FILTER_FIELDS, "page"]:
        if name in shown:
            query.setlist(name, shown.getlist(name))
    return reverse("vaccination_console:registration_list") + "?" + query.urlencode()


@console_view("vaccination.view_registration")
def registration_detail_view(request, pk: int):
    registration = get_object_or_404(
        registration_list(user=request.user).prefetch_related(
            "events__actor", "declared_doses__vaccine", "appointments__session__site"), pk=pk)
    return render(request, "vaccination/console/registration_detail.html", {"registration": registration})


def _session_form(request, data=None):
    sites = facility_list(user=request.user, kind=Facility.Kind.SITE)
    lots = lots_usable().filter(balances__facility__in=sites, balances__quantity__gt=0).distinct()
    return SessionForm(data, sites=sites, lots=lots)


@console_view("vaccination.view_session")
def session_list_view(request):
    sessions = session_list(user=request.user).order_by("-date", "start_time", "pk")
    can_plan = request.user.has_perm("vaccination.schedule_registration")
    return render(request, "vaccination/console/session_list.html", {
        "page": paginate(request, sessions), "form": _session_form(request) if can_plan else None,
    })


@require_POST
@console_view("vaccination.schedule_registration")
def session_create_view(request):
    form = _session_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = session_create(actor=request.user, site_id=data["site"].pk, date=data["date"],
                                     start_time=data["start_time"], end_time=data["end_time"],
                                     slot_minutes=data["slot_minutes"], people_per_slot=data["people_per_slot"],
                                     lot_id=data["lot"].pk)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The session is planned with %(count)s places.") % {
                "count": session.capacity})
            return redirect("vaccination_console:session_detail", pk=session.pk)
    else:
        form_errors_as_messages(request, form)
    return redirect("vaccination_console:session_list")


@console_view("vaccination.view_session")
def session_detail_view(request, pk: int):
    session = get_object_or_404(session_list(user=request.user).prefetch_related(
        Prefetch("appointments", queryset=Appointment.objects.select_related("registration__person").order_by(
            "slot_start", "pk"))), pk=pk)
    waiting = None
    if request.user.has_perm("vaccination.schedule_registration"):
        # Each waiting person with whether booking them here mixes vaccines (then the district gives a reason).
        waiting = [{"registration": registration,
                    "mixes": vaccine_mixed(registration.required_vaccine_id, session.vaccine_id)}
                   for registration in waiting_list(user=request.user, on=session.date).filter(
                       allocated_district__code=session.site.unit.district_code,
                       allocated_district__level="district")[:20]]
    return render(request, "vaccination/console/session_detail.html", {
        "session": session, "waiting": waiting, "book_form": BookForm(),
    })


@require_POST
@console_view("vaccination.schedule_registration")
def session_schedule_view(request, pk: int):
    try:
        count = session_schedule_auto(actor=request.user, session_id=pk,
                                      allow_mix=request.POST.get("allow_mix") == "1")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)s people scheduled; each gets an SMS with the time.") % {"count": count})
    return redirect("vaccination_console:session_detail", pk=pk)


@require_POST
@console_view("vaccination.schedule_registration")
def session_book_view(request, pk: int):
    form = BookForm(request.POST)
    if form.is_valid():
        try:
            appointment_book(actor=request.user, registration_id=form.cleaned_data["registration"], session_id=pk,
                             mixed_reason=form.cleaned_data["mixed_reason"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The appointment is made."))
    return redirect("vaccination_console:session_detail", pk=pk)


@require_POST
@console_view("vaccination.change_appointment")
def appointment_no_show_view(request, pk: int):
    appointment = get_object_or_404(Appointment.objects.filter(session__in=session_list(user=request.user)), pk=pk)
    appointment_no_show(actor=request.user, appointment_id=pk)
    messages.success(request, _("Marked as not come; the person goes back to the district's list."))
    return redirect("vaccination_console:session_detail", pk=appointment.session_id)


@console_view("vaccination.schedule_registration")
def waiting_list_view(request):
    return render(request, "vaccination/console/waiting_list.html", {
        "page": paginate(request, waiting_list(user=request.user)),
    })

