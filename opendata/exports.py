"""The open figures as JSON and CSV. Field names are English and stable (documented at /open-data/api/);
a suppressed figure is null in JSON and "<10" in CSV, 0 means nobody."""
import csv
import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

SUPPRESSED_TEXT = "<{min_cell}"
FIELDS = {"first": "people_first_dose", "full": "people_fully_vaccinated", "booster": "boosters"}
COVERAGE = {"adults": "adult_population", "first_pct": "coverage_first_dose_pct",
            "full_pct": "coverage_fully_vaccinated_pct"}


def area_path(name: str, *, province: int | None = None, district: int | None = None) -> str:
    kwargs = {key: value for key, value in (("province", province), ("district", district)) if value is not None}
    return reverse(f"opendata:{name}", kwargs=kwargs)


def suppression_note(min_cell: int) -> str:
    return _("Counts from 1 to %(below)s are not published (shown as <%(min)s, null in JSON) and are left out of "
             "every total, so that nobody can be identified; totals can therefore be slightly lower than the "
             "true figures.") % {"below": min_cell - 1, "min": min_cell}


def _people(row: dict) -> dict:
    return {FIELDS[key]: row[key] for key in FIELDS}


def _coverage(row: dict) -> dict:
    return {COVERAGE[key]: row[key] for key in COVERAGE}


def _iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def as_json(figures: dict, build_uri) -> dict:
    """The JSON document of one area; `build_uri` turns a path into an absolute address."""
    province = figures["province"]["code"] if figures["province"] else None
    district = figures["district"]["code"] if figures["district"] else None
    children = []
    for row in figures["areas"]:
        path = area_path("area_json", province=row["province"], district=row["district"])
        children.append({"code": row["code"], "name": row["name"], **_people(row), **_coverage(row),
                         "url": build_uri(path)})
    totals = figures["totals"]
    return {
        "area": {"level": figures["level"], "name": figures["name"], "province": figures["province"],
                 "district": figures["district"]},
        "as_of": _iso(figures["as_of"]),
        "date": timezone.localtime(figures["as_of"]).date().isoformat(),
        "licence": {"name": settings.OPEN_DATA_LICENCE, "url": settings.OPEN_DATA_LICENCE_URL},
        "source": build_uri(area_path("area", province=province, district=district)),
        "suppression": {"min_cell": figures["min_cell"], "suppressed_value": None,
                        "note": suppression_note(figures["min_cell"])},
        "totals": {**_people(totals), "doses": totals["doses"], "population": totals["population"],
                   **_coverage(totals)},
        "areas": children,
        "vaccines": [{"code": row["code"], "name": row["name"], **_people(row), "doses": row["doses"]}
                     for row in figures["vaccines"]],
        "priority_groups": {
            "as_of": _iso(figures["priority_groups"]["as_of"]),
            "rows": [{"number": row["number"], "name": row["name"], **_people(row)}
                     for row in figures["priority_groups"]["rows"]]},
        "doses_per_day": [{"date": row["date"].isoformat(), "doses": row["doses"]} for row in figures["days"]],
    }


CSV_COLUMNS = ["table", "code", "name", "date", "people_first_dose", "people_fully_vaccinated", "boosters", "doses",
               "adult_population", "coverage_first_dose_pct", "coverage_fully_vaccinated_pct"]


def as_csv(figures: dict) -> str:
    """One long table: the area's totals, its provinces or districts, vaccines, priority groups and days, each row
    marked in the first column. Two leading lines starting with # give the date and the licence."""
    hidden = SUPPRESSED_TEXT.format(min_cell=figures["min_cell"])

    def cell(value):
        return hidden if value is None else value

    def people(row):
        return [cell(row["first"]), cell(row["full"]), cell(row["booster"])]

    def coverage(row):
        return [row["adults"] or "", "" if row["first_pct"] is None else row["first_pct"],
                "" if row["full_pct"] is None else row["full_pct"]]

    out = io.StringIO()
    out.write(f"# {_('Figures as of %(time)s') % {'time': _iso(figures['as_of'])}}\n")
    out.write(f"# {_('Licence')}: {settings.OPEN_DATA_LICENCE} {settings.OPEN_DATA_LICENCE_URL}. "
              f"{suppression_note(figures['min_cell'])}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    totals = figures["totals"]
    code = (figures["district"] or figures["province"] or {}).get("code", "")
    writer.writerow(["total", code, figures["name"], "", *people(totals), cell(totals["doses"]), *coverage(totals)])
    for row in figures["areas"]:
        writer.writerow(["area", row["code"], row["name"], "", *people(row), "", *coverage(row)])
    for row in figures["vaccines"]:
        writer.writerow(["vaccine", row["code"], row["name"], "", *people(row), cell(row["doses"]), "", "", ""])
    for row in figures["priority_groups"]["rows"]:
        writer.writerow(["priority_group", row["number"] or "", row["name"] or "", "", *people(row), "", "", "", ""])
    for row in figures["days"]:
        writer.writerow(["day", "", "", row["date"].isoformat(), "", "", "", cell(row["doses"]), "", "", ""])
    return out.getvalue()
