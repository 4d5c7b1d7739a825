from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Facility, Vaccine


class Lot(models.Model):
    vaccine = models.ForeignKey(Vaccine, verbose_name=_("vaccine"), on_delete=models.PROTECT)
    lot_number = models.CharField(_("lot number"), max_length=40)
    expiry_date = models.DateField(_("expiry date"))
    quantity = models.PositiveIntegerField(_("doses received"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vaccine lot")
        verbose_name_plural = _("vaccine lots")
        ordering = ["expiry_date", "lot_number"]
        constraints = [models.UniqueConstraint(fields=["vaccine", "lot_number"], name="lot_number_unique")]

    def __str__(self) -> str:
        return f"{self.vaccine} · {self.lot_number} ({self.expiry_date:%d/%m/%Y})"

    @property
    def is_expired(self) -> bool:
        return self.expiry_date < timezone.localdate()


class StockBalance(models.Model):
    """Doses of one lot held at one facility; changed only under a row lock, never below zero."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="balances")
    quantity = models.IntegerField(_("doses in stock"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facility", "lot"], name="balance_facility_lot_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="balance_never_negative"),
        ]


class StockMovement(models.Model):
    """The append-only ledger: every change of a balance, with who and why."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        SENT = "sent", _("Sent")
        TRANSFER_IN = "transfer_in", _("Received by transfer")
        ADMINISTERED = "administered", _("Administered")
        WASTED = "wasted", _("Wasted")
        ADJUSTED = "adjusted", _("Adjusted")

    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("movement"), max_length=14, choices=Kind.choices)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="movements")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements")
    quantity = models.IntegerField(_("doses"))
    balance_after = models.IntegerField(_("balance after"))
    counterpart = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["facility", "lot"], name="movement_facility_lot_idx")]
        permissions = [("transfer_stock", "Can send vaccine to the facilities below")]
