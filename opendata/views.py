"""Public pages: no sign-in, cached figures, read from the replica when there is one."""
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from registry.replica import replica_reads
from reporting import tilemap

from .exports import as_csv, as_json, suppression_note
from .selectors import open_figures
from .templatetags.opendata_tags import figure

_public = cache_control(public=True, max_age=settings.OPEN_DATA_CACHE_SECONDS)


def _chart(days: list[dict], min_cell: int) -> dict:
    """The 30-day chart for the dashboard's chart partial: bars and the table of their numbers, each row escaped
    by format_html; a suppressed day is a bar of height 0 labelled <10."""
    peak = max((row["doses"] or 0 for row in days), default=0) or 1
    rows = [(row["date"], figure(row["doses"], min_cell), round(100 * (row["doses"] or 0) / peak)) for row in days]
    return {
        "chart_bars": format_html_join("", '<rect x="{}" y="{}" width="8" height="{}"><title>{}: {}</title></rect>', (
            (index * 10, 100 - height, height, date_format(day, "MONTH_DAY_FORMAT"), text)
            for index, (day, text, height) in enumerate(rows))),
        "chart_rows": format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", (
            (date_format(day, "SHORT_DATE_FORMAT"), text) for day, text, _height in rows)),
    }


def _province_map(figures: dict) -> dict:
    """The dashboard's tile map of the provinces, linked to the open figures; a grey tile also stands for a
    province whose figure is suppressed, and the legend says so."""
    if figures["level"] != "national":
        return {}
    rows = [{"key": row["code"], "name": row["name"], "first_pct": row["first_pct"], "full_pct": row["full_pct"]}
            for row in figures["areas"]]
    legend = tilemap.legend()[:-1] + [("step-none", _("No figure: population not known, or too few people to "
                                                      "publish"))]
    return {"map_tiles": tilemap.province_map(rows, link=reverse("opendata:area") + "{}/"),
            "map_legend": format_html_join("", '<li><span class="swatch {}"></span> {}</li>', legend)}


@require_safe
@replica_reads
def area_view(request, province: int | None = None, district: int | None = None):
    figures = open_figures(province=province, district=district)
    return render(request, "opendata/area.html", {
        "figures": figures, "note": suppression_note(figures["min_cell"]), "min_cell": figures["min_cell"],
        "licence": settings.OPEN_DATA_LICENCE, "licence_url": settings.OPEN_DATA_LICENCE_URL,
        **_chart(figures["days"], figures["min_cell"]), **_province_map(figures),
    })


@require_safe
@_public
@replica_reads
def area_json_view(request, province: int | None = None, district: int | None = None):
    figures = open_figures(province=province, district=district)
    response = JsonResponse(as_json(figures, request.build_absolute_uri), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # open data: any web page may read it
    return response


@require_safe
@_public
@replica_reads
def area_csv_view(request, province: int | None = None, district: int | None = None):
    figures = open_figures(province=province, district=district)
    response = HttpResponse("\ufeff" + as_csv(figures), content_type="text/csv; charset=utf-8")
    name = "-".join(str(code) for code in ("vn", province, district) if code is not None)
    response["Content-Disposition"] = f'attachment; filename="so-lieu-tiem-chung-{name}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def api_view(request):
    return render(request, "opendata/api.html", {
        "note": suppression_note(settings.OPEN_DATA_MIN_CELL), "min_cell": settings.OPEN_DATA_MIN_CELL,
        "licence": settings.OPEN_DATA_LICENCE, "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "cache_seconds": settings.OPEN_DATA_CACHE_SECONDS,
    })
