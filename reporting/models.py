"""Rollups: small tables of counts kept current in the same transaction as the facts they count.

`python manage.py rebuild_rollups` recomputes them from the facts; a test checks that the two agree.
Stock needs no table of its own here: `vaccination.StockBalance` already is the per facility and lot rollup
of the stock ledger, kept under row locks.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import AdministrativeUnit, Facility, Vaccine


class DoseDaily(models.Model):
    day = models.DateField(_("day"))
    site = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    province_code = models.PositiveIntegerField(db_index=True)
    district_code = models.PositiveIntegerField(db_index=True)
    vaccine = models.ForeignKey(Vaccine, on_delete=models.CASCADE, related_name="+")
    dose_number = models.PositiveSmallIntegerField()
    completes_series = models.BooleanField(default=False)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "site", "vaccine", "dose_number"],
                                               name="dose_daily_key")]
        indexes = [models.Index(fields=["day", "province_code"], name="dose_daily_day_province")]


class RegistrationCount(models.Model):
    district = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    province_code = models.PositiveIntegerField(db_index=True)
    status = models.CharField(max_length=12)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "status"], name="registration_count_key")]


class ReactionDaily(models.Model):
    day = models.DateField()
    district = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    province_code = models.PositiveIntegerField(db_index=True)
    severity = models.CharField(max_length=10)
    serious = models.BooleanField(default=False)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "district", "severity", "serious"],
                                               name="reaction_daily_key")]
