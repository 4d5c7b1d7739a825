"""Dashboard figures, read from the rollups only (and stock balances), for one area."""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q, Sum
from django.http import Http404
from django.utils import timezone

from registry.models import AdministrativeUnit, Facility
from registry.selectors import jurisdiction_of
from vaccination.models import Reaction, Registration, StockBalance
from vaccination.selectors import expiry_warning_date, reaction_list

from .models import DoseDaily, ReactionDaily, RegistrationCount

Level = AdministrativeUnit.Level


@dataclass
class Area:
    """National, a province or a district; `child` is the level figures are broken down by."""
    level: str
    province: AdministrativeUnit | None = None
    district: AdministrativeUnit | None = None

    @property
    def name(self) -> str:
        return str((self.district or self.province or "Việt Nam"))

    @property
    def child(self) -> str:
        return {"national": "province", "province": "district", "district": "site"}[self.level]

    def doses(self):
        if self.district:
            return DoseDaily.objects.filter(district_code=self.district.code)
        if self.province:
            return DoseDaily.objects.filter(province_code=self.province.code)
        return DoseDaily.objects.all()

    def registrations(self):
        if self.district:
            return RegistrationCount.objects.filter(district=self.district)
        if self.province:
            return RegistrationCount.objects.filter(province_code=self.province.code)
        return RegistrationCount.objects.all()

    def reactions(self):
        if self.district:
            return ReactionDaily.objects.filter(district=self.district)
        if self.province:
            return ReactionDaily.objects.filter(province_code=self.province.code)
        return ReactionDaily.objects.all()

    def balances(self):
        qs = StockBalance.objects.filter(quantity__gt=0)
        if self.district:
            return qs.filter(facility__unit__district_code=self.district.code)
        if self.province:
            return qs.filter(facility__unit__province_code=self.province.code)
        return qs


def area_for(user, *, province: str | None = None, district: str | None = None) -> Area:
    """The area a staff member asks for; outside their jurisdiction it does not exist (404)."""
    j = jurisdiction_of(user)
    if not j.is_staff or j.is_site:
        raise Http404
    area = Area("national")
    if j.is_province or j.is_district:
        area = Area("province", province=AdministrativeUnit.objects.get(level=Level.PROVINCE, code=j.province_code))
    if j.is_district:
        area = Area("district", province=area.province,
                    district=AdministrativeUnit.objects.get(level=Level.DISTRICT, code=j.district_code))
    if province and province.isdigit() and area.level == "national":
        unit = AdministrativeUnit.objects.filter(level=Level.PROVINCE, code=int(province)).first()
        if unit is None:
            raise Http404
        area = Area("province", province=unit)
    if district and district.isdigit() and area.level in ("national", "province"):
        unit = AdministrativeUnit.objects.filter(level=Level.DISTRICT, code=int(district)).first()
        if unit is None or (area.province and unit.province_code != area.province.code):
            raise Http404
        area = Area("district", province=area.province or AdministrativeUnit.objects.get(
            level=Level.PROVINCE, code=unit.province_code), district=unit)
    return area


def totals(area: Area, today: datetime.date) -> dict:
    figures = area.doses().aggregate(
        today=Sum("count", filter=Q(day=today)), week=Sum("count", filter=Q(day__gt=today - datetime.timedelta(days=7))),
        total=Sum("count"))
    return {**{name: value or 0 for name, value in figures.items()}, "target": settings.CAMPAIGN_TARGET_DOSES}


def per_day(area: Area, today: datetime.date, days: int = 30) -> list[tuple[datetime.date, int]]:
    start = today - datetime.timedelta(days=days - 1)
    counts = dict(area.doses().filter(day__gte=start).values_list("day").annotate(n=Sum("count")))
    return [(start + datetime.timedelta(days=i), counts.get(start + datetime.timedelta(days=i), 0))
            for i in range(days)]


def breakdown(area: Area) -> list[dict]:
    """Per child area: first doses (people with at least one), completed series, boosters, and coverage."""
    field = {"province": "province_code", "district": "district_code", "site": "site_id"}[area.child]
    rows = area.doses().values(field).annotate(
        first=Sum("count", filter=Q(dose_number=1)),
        full=Sum("count", filter=Q(completes_series=True)),
        booster=Sum("count", filter=Q(dose_number__gt=F("vaccine__doses_in_series"))),
        total=Sum("count"))
    figures = {row[field]: row for row in rows}
    if area.child == "province":
        units = AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        keys = {u.code: u for u in units}
    elif area.child == "district":
        keys = {u.code: u for u in AdministrativeUnit.objects.filter(level=Level.DISTRICT,
                                                                     province_code=area.province.code)}
    else:
        keys = {f.pk: f for f in Facility.objects.filter(kind=Facility.Kind.SITE,
                                                        unit__district_code=area.district.code)}
    result = []
    for key, unit in keys.items():
        row = figures.get(key, {})
        adults = int(unit.population * settings.ADULT_POPULATION_SHARE) if getattr(unit, "population", None) else None
        first, full = row.get("first") or 0, row.get("full") or 0
        result.append({
            "key": key, "name": str(unit), "first": first, "full": full, "booster": row.get("booster") or 0,
            "total": row.get("total") or 0, "adults": adults,
            "first_pct": round(100 * first / adults, 1) if adults else None,
            "full_pct": round(100 * full / adults, 1) if adults else None,
        })
    return result


def waiting(area: Area) -> list[dict]:
    """Registrations at each stage, per child area (sites: per district)."""
    field = "province_code" if area.child == "province" else "district_id"
    rows = area.registrations().values(field, "status").annotate(n=Sum("count"))
    table: dict = {}
    for row in rows:
        table.setdefault(row[field], {})[row["status"]] = row["n"]
    if area.child == "province":
        names = dict(AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("code", "name"))
    else:
        names = dict(AdministrativeUnit.objects.filter(pk__in=table.keys()).values_list("pk", "name"))
    stages = [Registration.Status.SUBMITTED, Registration.Status.APPROVED, Registration.Status.ALLOCATED,
              Registration.Status.SCHEDULED, Registration.Status.NO_SHOW]
    codes = ({} if area.child == "province" else
             dict(AdministrativeUnit.objects.filter(pk__in=table.keys()).values_list("pk", "code")))
    return [{"key": codes.get(key, key), "name": names.get(key, key),
             "stages": [counts.get(stage, 0) for stage in stages]}
            for key, counts in sorted(table.items(), key=lambda item: str(names.get(item[0], "")))]


def stock(area: Area, today: datetime.date) -> list[dict]:
    """Doses in stock per vaccine and the days they last at the past week's pace."""
    held, names = {}, {}
    for vaccine_id, name, n in area.balances().values_list("lot__vaccine_id", "lot__vaccine__name").annotate(
            n=Sum("quantity")):
        held[vaccine_id], names[vaccine_id] = n, name
    pace = dict(area.doses().filter(day__gt=today - datetime.timedelta(days=7)).values_list("vaccine_id")
                .annotate(n=Sum("count")))
    return [{"vaccine": names[v], "doses": n, "days": round(n / (pace[v] / 7)) if pace.get(v) else None}
            for v, n in sorted(held.items(), key=lambda item: names[item[0]])]


def reactions(area: Area) -> dict:
    rows, serious = {}, 0
    for severity, n, n_serious in area.reactions().values_list("severity").annotate(
            n=Sum("count"), serious=Sum("count", filter=Q(serious=True))):
        rows[severity], serious = n, serious + (n_serious or 0)
    return {"by_severity": [(severity, label, rows.get(severity, 0))
                            for severity, label in Reaction.Severity.choices], "serious": serious}


def needs_action(user, area: Area) -> dict:
    counts = dict(area.registrations().values_list("status").annotate(n=Sum("count")))
    lots = area.balances().filter(lot__expiry_date__lte=expiry_warning_date()).count()
    return {
        "waiting_approval": counts.get(Registration.Status.SUBMITTED, 0),
        "not_scheduled": counts.get(Registration.Status.ALLOCATED, 0) + counts.get(Registration.Status.NO_SHOW, 0),
        "serious_open": reaction_list(user=user).filter(serious=True, status=Reaction.Status.NEW).count(),
        "lots_expiring": lots,
    }


def today_local() -> datetime.date:
    return timezone.localdate()


def area_public(*, province: int | None = None, district: int | None = None) -> Area:
    """An area of the public open-data pages: anyone may see any area; an unknown code, or a district outside the
    province named, does not exist (404)."""
    if province is None:
        return Area("national")
    if not 0 < province < 100_000 or not 0 < (district or 1) < 100_000:  # GSO codes; a huge one is not a query
        raise Http404
    unit = AdministrativeUnit.objects.filter(level=Level.PROVINCE, code=province).first()
    if unit is None:
        raise Http404
    if district is None:
        return Area("province", province=unit)
    child = AdministrativeUnit.objects.filter(level=Level.DISTRICT, code=district, province_code=unit.code).first()
    if child is None:
        raise Http404
    return Area("district", province=unit, district=child)


def dose_cells(area: Area) -> list[dict]:
    """The area's doses per district and vaccine, exact (folded totals plus unfolded changes): first doses (people
    with at least one), completed primary series, boosters and all doses. The finest cells the open figures use."""
    return list(area.doses().values("district_code", "province_code", "vaccine_id").annotate(
        first=Sum("count", filter=Q(dose_number=1)),
        full=Sum("count", filter=Q(completes_series=True)),
        booster=Sum("count", filter=Q(dose_number__gt=F("vaccine__doses_in_series"))),
        doses=Sum("count")).order_by())


def day_cells(area: Area, start: datetime.date, end: datetime.date) -> list[dict]:
    """Doses per district, vaccine and day from `start` to `end`, exact."""
    return list(area.doses().filter(day__gte=start, day__lte=end).values("district_code", "vaccine_id", "day")
                .annotate(doses=Sum("count")).order_by())
