from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceToken(models.Model):
    """A phone app signed in to a citizen's account. Only the SHA-256 of the token is kept: the token itself is
    shown once, to the app that signed in, so a copy of the database signs nobody in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                             related_name="device_tokens")
    name = models.CharField(_("device name"), max_length=80)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("signed out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signed-in device")
        verbose_name_plural = _("signed-in devices")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class IdempotentResponse(models.Model):
    """The answer given to a creating API request with an Idempotency-Key, replayed when the same account sends
    the same key again (a phone that lost its connection retries), for API_IDEMPOTENCY_SECONDS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotent_response_one_per_key")]
