"""Organisations (their people, uploads, exports) and the site's import of offline doses."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens.views.common import citizen_required, client_ip, form_error
from registry.console import console_view, paginate
from registry.services import organisation_register

from ..forms.organisations import LinkCodeForm, LinkRequestForm, OrganisationForm, UploadForm
from ..imports import doses as dose_rows
from ..imports import staff as staff_rows
from ..imports.links import (link_request_answer, link_request_answer_by_code, link_request_by_code,
                             link_request_send, link_requests_for)
from ..imports.services import (batches_of, import_confirm, import_preview, import_upload, organisations_of,
                                report_rows)
from ..imports.sheets import csv_bytes, xlsx_bytes
from ..models import ImportBatch, Registration

TEMPLATES = {"staff": staff_rows, "doses": dose_rows}


def _download(data: bytes, name: str, fmt: str) -> HttpResponse:
    content_type = ("text/csv; charset=utf-8" if fmt == "csv"
                    else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def template_view(request, kind: str, fmt: str):
    if kind not in TEMPLATES or fmt not in ("xlsx", "csv"):
        raise Http404
    module = TEMPLATES[kind]
    data = (xlsx_bytes if fmt == "xlsx" else csv_bytes)(module.headers(), [module.EXAMPLE])
    return _download(data, f"mau-{kind}", fmt)


@citizen_required
def organisation_list_view(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = organisation_register(
                actor=request.user, kind=data["kind"], name=data["name"],
                registration_number=data["registration_number"], unit=data["ward"], address=data["address"],
                contact_name=data["contact_name"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s is registered; the health department of the province will "
                                        "confirm it.") % {"name": organisation.name})
            return redirect("vaccination:organisation_detail", pk=organisation.pk)
    return render(request, "vaccination/organisations/list.html", {
        "organisations": organisations_of(request.user), "form": form})


STATE_GROUPS = {
    "registered": [Registration.Status.SUBMITTED],
    "approved": [Registration.Status.APPROVED, Registration.Status.ALLOCATED, Registration.Status.NO_SHOW],
    "scheduled": [Registration.Status.SCHEDULED],
    "vaccinated": [Registration.Status.VACCINATED],
}


def _organisation_people(organisation, state: str):
    rows = Registration.objects.filter(organisation=organisation).select_related("person", "priority_group")
    if state in STATE_GROUPS:
        rows = rows.filter(status__in=STATE_GROUPS[state])
    return rows.order_by("person__full_name", "pk")


@citizen_required
def organisation_detail_view(request, pk: int):
    organisation = get_object_or_404(organisations_of(request.user), pk=pk)
    state = request.GET.get("state", "")
    return render(request, "vaccination/organisations/detail.html", {
        "organisation": organisation, "page": paginate(request, _organisation_people(organisation, state)),
        "state": state, "states": [("", _("All"))] + [(key, Registration.Status(values[0]).label)
                                                      for key, values in STATE_GROUPS.items()],
        "upload": UploadForm(), "imports": organisation.imports.all()[:20], "ask": LinkRequestForm(),
    })


@require_POST
@citizen_required
def organisation_link_request_view(request, pk: int):
    organisation = get_object_or_404(organisations_of(request.user), pk=pk)
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("vaccination:organisation_detail", pk=pk)
    try:
        link_request_send(actor=request.user, organisation=organisation, id_number=form.cleaned_data["id_number"],
                          priority_group=form.cleaned_data["priority_group"])
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        # The same words whatever the number: the organisation learns nothing until the person agrees.
        messages.success(request, _("If this ID number belongs to someone we can reach, they get an SMS asking "
                                    "whether they agree. They appear in your list once they agree."))
    return redirect("vaccination:organisation_detail", pk=pk)


def link_code_view(request):
    """The public page where a person types the code from the SMS, sees who asks, and answers."""
    form = LinkCodeForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        code, decision = form.cleaned_data["code"], request.POST.get("decision")
        try:
            if decision in ("accept", "decline"):
                link = link_request_answer_by_code(code=code, accept=decision == "accept", ip=client_ip(request))
                messages.success(request, _("You are now on the list of %(organisation)s.") % {
                    "organisation": link.organisation.name} if decision == "accept" else _("The request is declined."))
                return redirect("vaccination:link_code")
            link = link_request_by_code(code=code, ip=client_ip(request))
        except ValidationError as error:
            form_error(form, error)
    return render(request, "vaccination/organisations/link_code.html", {"form": form, "link": link})


@citizen_required
def link_request_list_view(request):
    if request.method == "POST":
        request_id = request.POST.get("request", "")
        if not request_id.isdecimal():
            raise Http404
        try:
            link = link_request_answer(actor=request.user, request_id=int(request_id),
                                       accept=request.POST.get("decision") == "accept")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s is now on the list of %(organisation)s.") % {
                "name": link.person.full_name, "organisation": link.organisation.name}
                if link.status == "accepted" else _("The request is declined."))
        return redirect("vaccination:link_request_list")
    return render(request, "vaccination/organisations/link_requests.html", {
        "requests": link_requests_for(request.user)})


@citizen_required
def organisation_export_view(request, pk: int, fmt: str):
    organisation = get_object_or_404(organisations_of(request.user), pk=pk)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    rows = [[r.person.full_name, r.person.date_of_birth.strftime("%d/%m/%Y") if r.person.date_of_birth else "",
             r.person.id_number_masked, r.priority_group.number, r.get_status_display()]
            for r in _organisation_people(organisation, request.GET.get("state", ""))]
    header = [_("Full name"), _("Date of birth"), _("ID number"), _("Priority group"), _("Status")]
    return _download((xlsx_bytes if fmt == "xlsx" else csv_bytes)(header, rows), f"nhan-su-{organisation.pk}", fmt)


def _upload(request, *, kind: str, organisation_id: int | None = None):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return None
    upload = form.cleaned_data["file"]
    try:
        return import_upload(actor=request.user, kind=kind, file_name=upload.name, content=upload.read(),
                             organisation_id=organisation_id)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return None


@require_POST
@citizen_required
def organisation_upload_view(request, pk: int):
    batch = _upload(request, kind=ImportBatch.Kind.STAFF, organisation_id=pk)
    return redirect("vaccination:import_detail", pk=batch.pk) if batch else redirect(
        "vaccination:organisation_detail", pk=pk)


def _batch_page(request, batch, *, base: str, confirm_url: str, report_url: str):
    errors_by_row = {}
    for error in batch.errors[:500]:
        errors_by_row.setdefault(error["row"], []).append(error)
    return render(request, "vaccination/imports/detail.html", {
        "batch": batch, "base": base, "confirm_url": confirm_url, "report_url": report_url,
        "errors": sorted(errors_by_row.items())[:200], "valid_count": len(batch.valid_rows),
        "invalid_count": len(errors_by_row) if batch.errors else 0,
        "preview": import_preview(batch) if batch.status == ImportBatch.Status.READY else None,
        "done": len(batch.results), "working": batch.status in (ImportBatch.Status.CHECKING,
                                                               ImportBatch.Status.APPLYING),
        "recorded": sum(1 for r in batch.results if r["status"] in ("recorded", "created", "updated", "unchanged")),
    })


@citizen_required
def import_detail_view(request, pk: int):
    batch = get_object_or_404(batches_of(request.user), pk=pk)
    return _batch_page(request, batch, base="base.html", confirm_url=f"/vaccination/imports/{pk}/confirm/",
                       report_url=f"/vaccination/imports/{pk}/report.csv")


@require_POST
@citizen_required
def import_confirm_view(request, pk: int):
    import_confirm(actor=request.user, batch_id=pk)
    return redirect("vaccination:import_detail", pk=pk)


def _report(request, pk):
    batch = get_object_or_404(batches_of(request.user), pk=pk)
    header = [_("Row"), _("Result"), _("Column"), _("Reason")]
    return _download(csv_bytes(header, report_rows(batch)), f"ket-qua-{batch.pk}", "csv")


@citizen_required
def import_report_view(request, pk: int):
    return _report(request, pk)


@console_view("vaccination.record_dose")
def site_import_list_view(request):
    if request.method == "POST":
        batch = _upload(request, kind=ImportBatch.Kind.DOSES)
        if batch:
            return redirect("vaccination_console:site_import_detail", pk=batch.pk)
    return render(request, "vaccination/imports/site_list.html", {
        "upload": UploadForm(), "imports": batches_of(request.user)[:50]})


@console_view("vaccination.record_dose")
def site_import_detail_view(request, pk: int):
    batch = get_object_or_404(batches_of(request.user), pk=pk)
    return _batch_page(request, batch, base="registry/console_base.html",
                       confirm_url=f"/console/vaccination/site/imports/{pk}/confirm/",
                       report_url=f"/console/vaccination/site/imports/{pk}/report.csv")


@require_POST
@console_view("vaccination.record_dose")
def site_import_confirm_view(request, pk: int):
    import_confirm(actor=request.user, batch_id=pk)
    return redirect("vaccination_console:site_import_detail", pk=pk)


@console_view("vaccination.record_dose")
def site_import_report_view(request, pk: int):
    return _report(request, pk)
