from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Facility, Organisation


class ImportBatch(models.Model):
    """One uploaded spreadsheet: checked row by row, previewed, then applied only when confirmed."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff list of an organisation")
        DOSES = "doses", _("Doses recorded offline at a site")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        READY = "ready", _("Checked: waiting for confirmation")
        REFUSED = "refused", _("File refused")
        APPLYING = "applying", _("Being recorded")
        DONE = "done", _("Recorded")
        FAILED = "failed", _("Could not be finished")

    FINAL = [Status.REFUSED, Status.DONE, Status.FAILED]

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="imports")
    site = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(_("file content"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    refusal = models.CharField(_("why the file was refused"), max_length=500, blank=True)
    # The uploader's language: the check runs later in a worker, and its messages must read like the page did.
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)  # [{"row": n, "column": "...", "message": "..."}]
    results = models.JSONField(default=list, blank=True)  # [{"row": n, "status": "...", "message": "..."}]
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Moved on by every step and progress write, so a batch whose worker died can be told from a slow one.
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"
