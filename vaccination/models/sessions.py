import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from registry.models import Facility, Vaccine

from .registrations import Registration
from .stock import Lot


class Session(models.Model):
    """A vaccination session at a site: a day, a time window cut into slots, one vaccine lot."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    # from → allowed next states; session_close refuses anything else.
    TRANSITIONS = {
        Status.PLANNED: {Status.CLOSED, Status.CANCELLED},
        Status.CLOSED: set(),
        Status.CANCELLED: set(),
    }

    site = models.ForeignKey(Facility, verbose_name=_("vaccination site"), on_delete=models.PROTECT,
                             related_name="sessions")
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"))
    people_per_slot = models.PositiveSmallIntegerField(_("people per slot"))
    vaccine = models.ForeignKey(Vaccine, verbose_name=_("vaccine"), on_delete=models.PROTECT)
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT)
    capacity = models.PositiveIntegerField(_("places"))
    booked = models.PositiveIntegerField(_("booked"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vaccination session")
        verbose_name_plural = _("vaccination sessions")
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="session_never_overbooked"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.date:%d/%m/%Y} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def slot_count(self) -> int:
        start = datetime.datetime.combine(self.date, self.start_time)
        end = datetime.datetime.combine(self.date, self.end_time)
        return int((end - start).total_seconds() // (self.slot_minutes * 60))

    @property
    def free(self) -> int:
        return self.capacity - self.booked

    def slot_start(self, index: int) -> datetime.time:
        """The start of the slot for the `index`-th person booked (0-based)."""
        start = datetime.datetime.combine(self.date, self.start_time)
        return (start + datetime.timedelta(minutes=self.slot_minutes * (index // self.people_per_slot))).time()


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("Did not come")
        ATTENDED = "attended", _("Attended")

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="appointments")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="appointments")
    dose_number = models.PositiveSmallIntegerField(_("dose number"))
    slot_start = models.TimeField(_("slot"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    mixed_vaccine_reason = models.CharField(_("reason for a different vaccine"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["session__date", "slot_start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration"], condition=Q(status="booked"),
                                    name="one_booked_appointment_per_registration"),
        ]

    def __str__(self) -> str:
        return f"{self.registration.person} @ {self.session}"
