from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from citizens.models import Person
from registry.models import Facility
from vaccination.models import HelpRequest


class Service(models.TextChoices):
    """What a consultation slot is for: a fixed list, the departments a commune station or district hospital has."""
    GENERAL = "general", _("General medicine")
    PAEDIATRICS = "paediatrics", _("Paediatrics")
    OBSTETRICS = "obstetrics", _("Obstetrics and gynaecology")
    DENTAL = "dental", _("Dentistry")
    EYES = "eyes", _("Eyes")
    ENT = "ent", _("Ear, nose and throat")
    DERMATOLOGY = "dermatology", _("Skin")
    TRADITIONAL = "traditional", _("Traditional medicine")


class Slot(models.Model):
    """A consultation slot a facility publishes: a service, a time, how many people it takes and how many booked."""

    facility = models.ForeignKey(Facility, verbose_name=_("health facility"), on_delete=models.PROTECT,
                                 related_name="clinic_slots")
    service = models.CharField(_("service"), max_length=16, choices=Service.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("people per slot"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation slot")
        verbose_name_plural = _("consultation slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            # The last word on capacity: whatever the code does, the database refuses an overbooked slot.
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="clinic_slot_never_overbooked"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="clinic_slot_takes_someone"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="clinic_slot_ends_after_start"),
            models.UniqueConstraint(fields=["facility", "service", "starts_at"], name="clinic_slot_once"),
        ]
        indexes = [models.Index(fields=["service", "starts_at"], name="clinic_slot_service_idx")]

    def __str__(self) -> str:
        return f"{self.facility} · {self.get_service_display()} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class Booking(models.Model):
    """A person's place in a slot ("đặt khám"), made by the account holder for themselves or a family member."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    # from → allowed next states; one service per move (clinics.services), each audited. Booked → booked is a move
    # to another slot.
    TRANSITIONS = {
        Status.BOOKED: {Status.BOOKED, Status.CANCELLED, Status.ATTENDED, Status.NO_SHOW},
        Status.CANCELLED: set(),
        Status.ATTENDED: set(),
        Status.NO_SHOW: set(),
    }

    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="clinic_bookings")
    # The slot's start, copied (and moved with the slot) so "one booking per person per time" is one constraint.
    starts_at = models.DateTimeField(_("starts at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("medical appointment")
        verbose_name_plural = _("medical appointments")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "starts_at"], condition=Q(status="booked"),
                                    name="clinic_one_booking_per_person_per_time"),
        ]
        indexes = [
            models.Index(fields=["slot", "status"], name="clinic_booking_slot_idx"),
            models.Index(fields=["booked_by", "created_at"], name="clinic_booking_by_day_idx"),
            models.Index(fields=["status", "starts_at"], name="clinic_booking_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.slot}"


class Consultation(models.Model):
    """Advice given to a person by a facility's staff (after a visit) or by the hotline (on the phone)."""

    class Channel(models.TextChoices):
        FACILITY = "facility", _("At the health facility")
        HOTLINE = "hotline", _("By the hotline")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="consultations")
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    facility = models.ForeignKey(Facility, verbose_name=_("health facility"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    help_request = models.ForeignKey(HelpRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    advice = models.TextField(_("advice"))
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "created_at"], name="clinic_consultation_person_idx")]

    def __str__(self) -> str:
        return f"{self.person} · {self.reason}"
