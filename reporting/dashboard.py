"""What the dashboard shows of an area, computed at most every DASHBOARD_CACHE_SECONDS and kept in Django's cache.

The figures are kept drawn too (the partials dashboard_tiles.html and dashboard_figures.html, which depend on
nothing but the figures and the area): a page then only draws what is the reader's own around them.
The figures already read from the replica and tolerate its lag; a few more seconds cost nobody anything, while
the national page at a million doses (63 provinces, 30 days, every province's stages, the map) cost far more to
compute and draw than any other console page. The page says when its figures were computed. The cache is a
convenience, never a dependency: when it is down the figures are computed afresh and the page still answers.
Nothing here decides who may see an area: the view asks `selectors.area_for` first, and the key is the area.
"""
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registry.kept import kept_get, kept_set
from vaccination.models import Registration

from . import selectors, tables, tilemap
from .forms import PeriodForm

CACHE_VERSION = 2
# Sort keys of the breakdown table (?sort=…) and the row field each sorts by.
SORTS = {"name": "name", "first": "first_pct", "full": "full_pct", "total": "total"}
STAGES = ("submitted", "approved", "allocated", "scheduled", "no_show")
# Days of supply past which the stock table says "more than a year" instead of a figure.
SUPPLY_DAYS_SHOWN = 365


def _supply(days: int | None) -> str:
    if days is None:
        return _("Not used in the last 7 days")
    return _("More than a year") if days > SUPPLY_DAYS_SHOWN else str(days)


def _compute(area: selectors.Area, today: datetime.date, sort: str) -> dict:
    days = selectors.per_day(area, today)
    peak = max((n for _day, n in days), default=0) or 1
    days = [(day, n, round(100 * n / peak)) for day, n in days]
    rows = selectors.breakdown(area)
    key = SORTS[sort]
    rows.sort(key=lambda r: (r[key] is None, r[key] if key == "name" else -(r[key] or 0)))
    totals = selectors.totals(area, today)
    waiting = selectors.waiting(area)
    shown = {
        "as_of": timezone.now(), "totals": totals, "target_pct": round(100 * totals["total"] / totals["target"], 3),
        "chart_bars": tables.chart_bars(days), "chart_rows": tables.chart_rows(days),
        "map_tiles": tilemap.province_map(rows) if area.child == "province" else "",
        "map_legend": tilemap.legend_items(), "breakdown_rows": tables.breakdown_rows(area, rows),
        "waiting": bool(waiting), "waiting_rows": tables.waiting_rows(area, waiting),
        "stock": [{**row, "supply": _supply(row["days"])} for row in selectors.stock(area, today)],
        "reactions": selectors.reactions(area),
        "stage_labels": [str(Registration.Status(s).label) for s in STAGES],
    }
    here = {name: unit.code for name, unit in (("province", area.province), ("district", area.district)) if unit}
    drawn = {**shown, "area": area, "sort_link": f"?{urlencode(here)}{'&' if here else ''}sort=",
             "period": PeriodForm(initial={"date_from": today - datetime.timedelta(days=6), "date_to": today})}
    shown["drawn"] = {"tiles": render_to_string("reporting/partials/dashboard_tiles.html", drawn),
                      "figures": render_to_string("reporting/partials/dashboard_figures.html", drawn)}
    return shown


def _key(area: selectors.Area, today: datetime.date, sort: str) -> str:
    codes = ":".join(str(unit.code) if unit else "-" for unit in (area.province, area.district))
    return f"reporting:dashboard:{CACHE_VERSION}:{area.level}:{codes}:{today.isoformat()}:{sort}:{get_language()}"


# The same figures kept in this process too, until DASHBOARD_CACHE_SECONDS after they were computed: a busy page
# then skips even the cache's round trip and unpickling. Bounded; emptied when full.
LOCAL_LIMIT = 256
_local: dict[str, dict] = {}


def dashboard_local_clear() -> None:
    _local.clear()


def _fresh(shown, seconds: int) -> bool:
    return isinstance(shown, dict) and (timezone.now() - shown["as_of"]).total_seconds() < seconds


def dashboard_shown(area: selectors.Area, today: datetime.date, sort: str) -> dict:
    """The dashboard's figures and drawn tables for `area` in the reader's language, `sort` one of SORTS."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return _compute(area, today, sort)
    key = _key(area, today, sort)
    shown = _local.get(key)
    if _fresh(shown, seconds):
        return shown
    shown = kept_get(key)  # a cache that fails is a miss: the figures are computed
    if not _fresh(shown, seconds):
        shown = _compute(area, today, sort)
        kept_set(key, shown, seconds)
    if len(_local) >= LOCAL_LIMIT:
        _local.clear()
    _local[key] = shown
    return shown
