"""The open figures of an area, with small cells suppressed so that no one can be picked out.

How suppression works, and why it cannot be undone by subtraction
-----------------------------------------------------------------
Every figure is built from *base cells*: one per district and vaccine, holding people with a first dose, with a
completed series, boosters and all doses (read from the dose rollups through the reporting selectors). A base cell
in which any of these counts is between 1 and OPEN_DATA_MIN_CELL − 1 is dropped whole, and every published
figure — a district, a province, the nation, a vaccine, a day, any measure — is a sum over the kept base cells it
covers and nothing else. A figure with people in it but none in kept cells is published as "<10" (null in JSON).

So every number on any page, in CSV or JSON, at any level, is a sum over kept cells; any sum or difference of
published numbers is again a combination of kept cells only, and a dropped cell appears in none of them: the
province's total minus its districts is 0, the nation's total minus its vaccines is 0, first doses minus doses
never isolate a dropped count. The alternative, exact totals with secondary suppression, fails on linked tables:
a district suppressed only to protect its neighbour is published on its own page, and subtracting it gives the
small cell back. The price is that figures leave out the small cells, so they can be a little lower than the true
figures (the page says so); at national scale the difference is a fraction of a percent.

Doses per day are the kept cells' doses of that day; a day under the threshold is shown as "<10" too. A day's
figure is also the difference between two days' published totals, which anyone can archive, so it is not hidden
across levels as the cells are: what is protected is who belongs to a small group, not when its members came.

Priority groups come from another table (recomputed by beat, see models.py) with cells per district, vaccine and
group. The cells of one district and vaccine that are dropped are at least two with at least OPEN_DATA_MIN_CELL
people between them (secondary suppression inside the cell it refines), so the headline minus the priority
groups gives only sums that protect each small group.
"""
import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from registry.models import AdministrativeUnit, PriorityGroup, Vaccine
from reporting import selectors as reporting
from reporting.selectors import Area

from .models import PriorityGroupCount

Level = AdministrativeUnit.Level
MEASURES = ("first", "full", "booster")
COUNTS = (*MEASURES, "doses")
DAYS = 30


def _kept(cell: dict, measures=COUNTS) -> bool:
    """A base cell is published (as part of sums) only if none of its counts is small."""
    min_cell = settings.OPEN_DATA_MIN_CELL
    return all(not 0 < (cell[m] or 0) < min_cell for m in measures)


def published(cells: Iterable[dict], measure: str) -> int | None:
    """The published figure of a group of base cells: the sum of `measure` over the kept ones; None (shown as
    "<10") when the group holds somebody for it but only in dropped cells; 0 when it holds nobody."""
    kept, somebody = 0, False
    for cell in cells:
        n = cell[measure] or 0
        somebody = somebody or n > 0
        if cell["kept"]:
            kept += n
    return None if kept == 0 and somebody else kept


def _measures(cells: list[dict]) -> dict:
    return {m: published(cells, m) for m in MEASURES}


def _coverage(figures: dict, adults: int | None) -> dict:
    def pct(value):
        return round(100 * value / adults, 1) if adults and value is not None else None

    return {"adults": adults, "first_pct": pct(figures["first"]), "full_pct": pct(figures["full"])}


def _adults(population: int | None) -> int | None:
    return int(population * settings.ADULT_POPULATION_SHARE) if population else None


def _children(area: Area, cells: list[dict]) -> list[dict]:
    """One row per province (national page) or district (province page); a district page has none: vaccination
    sites would be a finer geography than the open figures publish."""
    if area.level == "district":
        return []
    if area.level == "national":
        units, field = AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("code"), "province_code"
    else:
        units = AdministrativeUnit.objects.filter(level=Level.DISTRICT, province_code=area.province.code).order_by(
            "code")
        field = "district_code"
    grouped = defaultdict(list)
    for cell in cells:
        grouped[cell[field]].append(cell)
    rows = []
    for unit in units:
        figures = _measures(grouped.get(unit.code, []))
        province = unit.code if area.level == "national" else area.province.code
        rows.append({"code": unit.code, "name": unit.name, "province": province,
                     "district": unit.code if area.level == "province" else None,
                     **figures, **_coverage(figures, _adults(unit.population))})
    return rows


def _vaccines(cells: list[dict]) -> list[dict]:
    grouped = defaultdict(list)
    for cell in cells:
        grouped[cell["vaccine_id"]].append(cell)
    return [{"code": vaccine.code, "name": vaccine.name, **_measures(grouped[vaccine.pk]),
             "doses": published(grouped[vaccine.pk], "doses")}
            for vaccine in Vaccine.objects.filter(pk__in=grouped.keys()).order_by("name")]


def _days(area: Area, today: datetime.date, cells: list[dict]) -> list[dict]:
    min_cell = settings.OPEN_DATA_MIN_CELL
    kept = {(cell["district_code"], cell["vaccine_id"]) for cell in cells if cell["kept"]}
    start = today - datetime.timedelta(days=DAYS - 1)
    shown, hidden = defaultdict(int), defaultdict(int)
    for cell in reporting.day_cells(area, start, today):
        (shown if (cell["district_code"], cell["vaccine_id"]) in kept else hidden)[cell["day"]] += cell["doses"]
    rows = []
    for day in (start + datetime.timedelta(days=i) for i in range(DAYS)):
        n = shown[day]
        rows.append({"date": day, "doses": None if 0 < n < min_cell or (n == 0 and hidden[day] > 0) else n})
    return rows


def _refined(cells: list[dict]) -> None:
    """Mark the priority cells of one district and vaccine kept or not: the small ones are dropped, and while the
    dropped ones are a single cell or hold fewer than OPEN_DATA_MIN_CELL people of a measure between them, the
    smallest kept cell is dropped with them (secondary suppression), so that the district and vaccine's figure
    minus its published groups never isolates one small group."""
    min_cell = settings.OPEN_DATA_MIN_CELL
    for cell in cells:
        cell["kept"] = _kept(cell, MEASURES)

    def protected(dropped):
        return not dropped or (len(dropped) > 1 and all(
            not 0 < sum(c[m] for c in dropped) < min_cell for m in MEASURES))

    while not protected([c for c in cells if not c["kept"]]):
        kept = sorted((c for c in cells if c["kept"]), key=lambda c: (c["first"] + c["full"] + c["booster"]))
        if not kept:
            break
        kept[0]["kept"] = False


def _priority_groups(area: Area) -> dict:
    counts = PriorityGroupCount.objects.all()
    if area.district:
        counts = counts.filter(district_code=area.district.code)
    elif area.province:
        counts = counts.filter(province_code=area.province.code)
    refined, computed_at = defaultdict(list), None
    for row in counts.values("district_code", "vaccine_id", "priority_number", "first", "full", "booster",
                             "computed_at"):
        refined[(row["district_code"], row["vaccine_id"])].append(row)
        computed_at = max(computed_at or row["computed_at"], row["computed_at"])
    grouped = defaultdict(list)
    for cells in refined.values():
        _refined(cells)
        for cell in cells:
            grouped[cell["priority_number"]].append(cell)
    rows = [{"number": group.number, "name": group.name, **_measures(grouped.get(group.number, []))}
            for group in PriorityGroup.objects.order_by("number")]
    if None in grouped:
        rows.append({"number": None, "name": None, **_measures(grouped[None])})
    return {"as_of": computed_at, "rows": rows}


def area_figures(area: Area) -> dict:
    """Everything the open-data page, CSV and JSON of one area publish (names in the active language)."""
    now = timezone.now()
    cells = reporting.dose_cells(area)
    for cell in cells:
        cell["kept"] = _kept(cell)
    totals = _measures(cells)
    unit = area.district or area.province
    if unit is None:
        populations = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("population",
                                                                                               flat=True))
        population = sum(populations) if populations and all(populations) else None
    else:
        population = unit.population
    return {
        "level": area.level,
        "province": {"code": area.province.code, "name": area.province.name} if area.province else None,
        "district": {"code": area.district.code, "name": area.district.name} if area.district else None,
        "name": area.name,
        "as_of": now,
        "min_cell": settings.OPEN_DATA_MIN_CELL,
        "totals": {**totals, "doses": published(cells, "doses"),
                   "population": population, **_coverage(totals, _adults(population))},
        "areas": _children(area, cells),
        "vaccines": _vaccines(cells),
        "days": _days(area, timezone.localdate(now), cells),
        "priority_groups": _priority_groups(area),
    }
