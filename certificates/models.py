from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citizens.models import Person
from vaccination.models import Dose


class Certificate(models.Model):
    """One signed EU DCC-compatible certificate. Every certificate a person ever had is kept with its status."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUPERSEDED = "superseded", _("Replaced by a newer certificate")
        REVOKED = "revoked", _("Revoked")

    # from → allowed next states; certificate_issue (superseding) and the revocations refuse anything else.
    TRANSITIONS = {
        Status.VALID: {Status.SUPERSEDED, Status.REVOKED},
        Status.SUPERSEDED: {Status.REVOKED},
        Status.REVOKED: set(),
    }

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="certificates")
    # No database foreign key: PostgreSQL cannot reference the dose table, partitioned by month, without its
    # partition key. certificates_issue reads the dose it names in the same transaction, and Django still refuses
    # to delete a dose that a certificate names (PROTECT).
    dose = models.ForeignKey(Dose, verbose_name=_("latest dose"), on_delete=models.PROTECT, db_constraint=False,
                             related_name="certificates")
    uvci = models.CharField(_("unique certificate identifier"), max_length=80, unique=True)
    payload = models.JSONField(_("payload"))
    qr_text = models.TextField(_("QR content"))
    kid = models.CharField(_("key identifier"), max_length=24)
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("vaccination certificate")
        verbose_name_plural = _("vaccination certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="valid"), name="one_valid_certificate"),
        ]
        permissions = [("revoke_certificate", "Can revoke certificates, also for a recalled lot")]

    def __str__(self) -> str:
        return self.uvci


# The public certificate log's tables live beside the code that keeps them (certificates/transparency/).
from .transparency.models import LogHead, LogLeaf, LogNode, PendingLeaf, SignedTreeHead  # noqa: E402,F401
