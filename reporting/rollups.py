"""Keeping the rollups in step with the facts (receivers), and rebuilding them from the facts."""
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from registry.models import AdministrativeUnit, Facility, Vaccine
from vaccination.models import Dose, Reaction, Registration

from .models import DoseDaily, ReactionDaily, RegistrationCount


def _bump(model, *, key: dict, delta: int, defaults: dict) -> None:
    """count += delta on the row of `key`, creating it when missing (safe against a concurrent creation)."""
    if delta == 0:
        return
    if model.objects.filter(**key).update(count=F("count") + delta):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **defaults, count=delta)
    except IntegrityError:
        model.objects.filter(**key).update(count=F("count") + delta)


def _dose_key(*, day, site_id, vaccine_id, dose_number):
    site = Facility.objects.select_related("unit").get(pk=site_id)
    vaccine = Vaccine.objects.get(pk=vaccine_id)
    return ({"day": day, "site_id": site_id, "vaccine_id": vaccine_id, "dose_number": dose_number},
            {"province_code": site.unit.province_code, "district_code": site.unit.district_code,
             "completes_series": dose_number == vaccine.doses_in_series})


def on_dose_recorded(sender, dose, **kwargs):
    unit = dose.site.unit  # loaded with the dose by dose_record: no query here
    _bump(DoseDaily, key={"day": timezone.localtime(dose.given_at).date(), "site_id": dose.site_id,
                          "vaccine_id": dose.vaccine_id, "dose_number": dose.dose_number},
          delta=1, defaults={"province_code": unit.province_code, "district_code": unit.district_code,
                             "completes_series": dose.dose_number == dose.vaccine.doses_in_series})


def on_dose_changed(sender, dose, before, **kwargs):
    if not before["voided"]:
        key, defaults = _dose_key(day=before["day"], site_id=before["site_id"], vaccine_id=before["vaccine_id"],
                                  dose_number=before["dose_number"])
        _bump(DoseDaily, key=key, delta=-1, defaults=defaults)
    if not dose.voided:
        key, defaults = _dose_key(day=timezone.localtime(dose.given_at).date(), site_id=dose.site_id,
                                  vaccine_id=dose.vaccine_id, dose_number=dose.dose_number)
        _bump(DoseDaily, key=key, delta=1, defaults=defaults)


def on_registrations_moved(sender, moves, **kwargs):
    province = dict(AdministrativeUnit.objects.filter(pk__in={d for d, _f, _t in moves}).values_list(
        "pk", "province_code"))
    for (district_id, from_status, to_status), count in moves.items():
        defaults = {"province_code": province[district_id]}
        if from_status:
            _bump(RegistrationCount, key={"district_id": district_id, "status": from_status}, delta=-count,
                  defaults=defaults)
        _bump(RegistrationCount, key={"district_id": district_id, "status": to_status}, delta=count,
              defaults=defaults)


def on_reaction_reported(sender, reaction, **kwargs):
    site = Facility.objects.select_related("unit").get(pk=reaction.site_id)
    _bump(ReactionDaily, key={"day": timezone.localtime(reaction.created_at).date(), "district_id":
                              site.unit.parent_id, "severity": reaction.severity, "serious": reaction.serious},
          delta=1, defaults={"province_code": site.unit.province_code})


@transaction.atomic
def rollups_rebuild() -> dict:
    """Recompute every rollup from the facts, set-wise."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    DoseDaily.objects.all().delete()
    series = dict(Vaccine.objects.values_list("pk", "doses_in_series"))
    doses = (Dose.objects.filter(voided=False).annotate(day=TruncDate("given_at", tzinfo=tz))
             .values("day", "site_id", "vaccine_id", "dose_number", "site__unit__province_code",
                     "site__unit__district_code").annotate(n=Count("pk")).order_by())
    DoseDaily.objects.bulk_create([
        DoseDaily(day=row["day"], site_id=row["site_id"], vaccine_id=row["vaccine_id"],
                  dose_number=row["dose_number"], province_code=row["site__unit__province_code"],
                  district_code=row["site__unit__district_code"],
                  completes_series=row["dose_number"] == series[row["vaccine_id"]], count=row["n"])
        for row in doses.iterator()
    ], batch_size=5000)
    RegistrationCount.objects.all().delete()
    registrations = (Registration.objects.values("ward__parent_id", "ward__province_code", "status")
                     .annotate(n=Count("pk")).order_by())
    RegistrationCount.objects.bulk_create([
        RegistrationCount(district_id=row["ward__parent_id"], province_code=row["ward__province_code"],
                          status=row["status"], count=row["n"]) for row in registrations])
    ReactionDaily.objects.all().delete()
    reactions = (Reaction.objects.annotate(day=TruncDate("created_at", tzinfo=tz))
                 .values("day", "site__unit__parent_id", "site__unit__province_code", "severity", "serious")
                 .annotate(n=Count("pk")).order_by())
    ReactionDaily.objects.bulk_create([
        ReactionDaily(day=row["day"], district_id=row["site__unit__parent_id"],
                      province_code=row["site__unit__province_code"], severity=row["severity"],
                      serious=row["serious"], count=row["n"]) for row in reactions])
    return {"doses": DoseDaily.objects.count(), "registrations": RegistrationCount.objects.count(),
            "reactions": ReactionDaily.objects.count()}
