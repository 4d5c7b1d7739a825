"""Rollups: small tables of counts kept current in the same transaction as the facts they count.

Thousands of sites and citizens write at once, so no write updates a shared counter row (one per district
or site and day would serialise every writer behind its lock): each transaction INSERTs its own change as
an unfolded row (`folded=False`), and `rollups_fold` (a Celery beat task) sums the changes of each key into
its one folded total. Every figure is read as SUM(count) over both kinds of row, so it is exact at any time,
folded or not. `python manage.py rebuild_rollups` recomputes the totals from the facts; a test checks that
the two agree.
Stock needs no table of its own here: `vaccination.StockBalance` already is the per facility and lot rollup
of the stock ledger, kept under row locks.
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import AdministrativeUnit, Facility, Vaccine


# The foreign keys below are not checked by the database: every writer's change would otherwise take a share
# lock on the same district, site or vaccine row (and PostgreSQL turns many such lockers into a MultiXact), and
# a rollup is derived data that `rollups_rebuild` recomputes from the facts, which do keep their checks.


class DoseDaily(models.Model):
    day = models.DateField(_("day"))
    site = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    province_code = models.PositiveIntegerField(db_index=True)
    district_code = models.PositiveIntegerField(db_index=True)
    vaccine = models.ForeignKey(Vaccine, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    dose_number = models.PositiveSmallIntegerField()
    completes_series = models.BooleanField(default=False)
    count = models.IntegerField(default=0)
    folded = models.BooleanField(default=False)

    KEY = ("day", "site_id", "vaccine_id", "dose_number")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "site", "vaccine", "dose_number"],
                                               condition=Q(folded=True), name="dose_daily_total")]
        indexes = [models.Index(fields=["day", "province_code"], name="dose_daily_day_province"),
                   models.Index(fields=["id"], condition=Q(folded=False), name="dose_daily_unfolded")]


class RegistrationCount(models.Model):
    district = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+",
                                 db_constraint=False)
    province_code = models.PositiveIntegerField(db_index=True)
    status = models.CharField(max_length=12)
    count = models.IntegerField(default=0)
    folded = models.BooleanField(default=False)

    KEY = ("district_id", "status")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "status"], condition=Q(folded=True),
                                               name="registration_count_total")]
        indexes = [models.Index(fields=["id"], condition=Q(folded=False), name="registration_count_unfolded")]


class ReactionDaily(models.Model):
    day = models.DateField()
    district = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+",
                                 db_constraint=False)
    province_code = models.PositiveIntegerField(db_index=True)
    severity = models.CharField(max_length=10)
    serious = models.BooleanField(default=False)
    count = models.IntegerField(default=0)
    folded = models.BooleanField(default=False)

    KEY = ("day", "district_id", "severity", "serious")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "district", "severity", "serious"],
                                               condition=Q(folded=True), name="reaction_daily_total")]
        indexes = [models.Index(fields=["id"], condition=Q(folded=False), name="reaction_daily_unfolded")]
