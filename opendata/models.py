"""People vaccinated per district, vaccine and priority group, for the open figures.

The dose rollups (reporting.DoseDaily) carry no priority group, and adding one would put another row into every
dose's transaction on the hot path. This small table (districts × vaccines × 17 groups) is instead recomputed
from the dose facts by beat every OPEN_DATA_PRIORITY_REFRESH_SECONDS, off the hot path, and the open figures say
when.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PriorityGroupCount(models.Model):
    province_code = models.PositiveIntegerField(db_index=True)
    district_code = models.PositiveIntegerField(db_index=True)
    vaccine_id = models.PositiveIntegerField()
    # None: doses recorded without a registration (walk-ins, offline imports).
    priority_number = models.PositiveSmallIntegerField(null=True)
    first = models.PositiveIntegerField(_("people with at least one dose"), default=0)
    full = models.PositiveIntegerField(_("people with a completed primary series"), default=0)
    booster = models.PositiveIntegerField(_("booster doses"), default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("people vaccinated per priority group")
        verbose_name_plural = _("people vaccinated per priority group")
