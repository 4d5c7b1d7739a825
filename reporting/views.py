import csv

from django.db.models import Sum
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.console import console_view
from registry.drawn import drawn_console_page, shaped
from registry.models import AdministrativeUnit, Facility
from registry.replica import replica_reads
from vaccination.context_processors import console_alerts
from vaccination.imports.sheets import csv_bytes, safe_cell, xlsx_bytes
from vaccination.selectors import doses_given_between

from . import selectors
from .dashboard import SORTS, dashboard_shown
from .forms import PeriodForm


def _area(request):
    return selectors.area_for(request.user, province=request.GET.get("province"), district=request.GET.get("district"))


@console_view("registry.view_dashboard")
@replica_reads
def dashboard_view(request):
    area = _area(request)
    today = selectors.today_local()
    sort = request.GET.get("sort", "name")
    shown = dashboard_shown(area, today, sort if sort in SORTS else "name")
    action = selectors.needs_action(request.user, area) if area.level != "national" else None
    # The page around the kept figures, drawn once per shape (the menu, whether there is an action section, which
    # of its counts are zero) with the area's name, the figures and the counts put in.
    fills: dict = {}
    shape, drawing = shaped({"area": {"name": area.name}, "drawn": shown["drawn"], "action": action}, "dashboard",
                             fills)
    page = drawn_console_page(request, "reporting/dashboard.html", shape, drawing, fills,
                              serious_open=console_alerts(request).get("serious_open", 0))
    if page is not None:
        return HttpResponse(page)
    return render(request, "reporting/dashboard.html", {**shown, "area": area, "sort": sort, "action": action})


def _period(request):
    form = PeriodForm(request.GET)
    today = selectors.today_local()
    if form.is_valid() and form.cleaned_data["date_from"] <= form.cleaned_data["date_to"]:
        return form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return today, today


@console_view("registry.view_dashboard")
@replica_reads
def report_view(request, fmt: str):
    """The daily report of an area: per day, child area, vaccine and dose number."""
    area = _area(request)
    start, end = _period(request)
    field = {"province": "province_code", "district": "district_code", "site": "site_id"}[area.child]
    rows = (area.doses().filter(day__gte=start, day__lte=end)
            .values("day", field, "vaccine__name", "dose_number").order_by("day", field, "vaccine__name", "dose_number")
            .annotate(n=Sum("count")))
    if area.child == "province":
        names = dict(AdministrativeUnit.objects.filter(level="province").values_list("code", "name"))
    elif area.child == "district":
        names = dict(AdministrativeUnit.objects.filter(level="district").values_list("code", "name"))
    else:
        names = dict(Facility.objects.filter(kind="site").values_list("pk", "name"))
    header = [_("Date"), _("Area"), _("Vaccine"), _("Dose"), _("Doses given")]
    lines = [[row["day"].strftime("%d/%m/%Y"), names.get(row[field], row[field]), row["vaccine__name"],
              row["dose_number"], row["n"]] for row in rows]
    data = (xlsx_bytes if fmt == "xlsx" else csv_bytes)(header, lines)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8" if fmt == "csv" else
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"'
    return response


class _Echo:
    def write(self, value):
        return value


@console_view("registry.view_dashboard")
@replica_reads
def doses_csv_view(request):
    """Every dose of the area in the period, for its own analysis: no names, no ID numbers."""
    area = _area(request)
    start, end = _period(request)
    doses = doses_given_between(start=start, end=end)
    if area.district:
        doses = doses.filter(site__unit__district_code=area.district.code)
    elif area.province:
        doses = doses.filter(site__unit__province_code=area.province.code)
    rows = doses.order_by("given_at", "pk").values_list(
        "pk", "given_at", "site__name", "vaccine__name", "lot__lot_number", "dose_number",
        "person__date_of_birth__year", "person__sex").iterator(chunk_size=5000)
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff" + writer.writerow([_("Dose"), _("Given at"), _("Site"), _("Vaccine"), _("Lot"),
                                          _("Dose number"), _("Year of birth"), _("Sex")])
        for row in rows:
            # ISO 8601 in Viet Nam's time with its offset, to the second: 2026-12-01T00:30:00+07:00.
            given_at = timezone.localtime(row[1]).isoformat(timespec="seconds")
            yield writer.writerow([safe_cell(v) for v in (row[0], given_at, *row[2:])])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mui-tiem-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    return response
