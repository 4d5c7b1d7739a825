from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import SideChannelDevice

from .people import Person


class SmsMessage(models.Model):
    """The SMS outbox: every message is a row first, then a task delivers it, so none is lost."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Sign-up code")
        PASSWORD_RESET = "password_reset", _("Password reset code")
        PHONE_CHANGE = "phone_change", _("Phone change code")
        APPOINTMENT = "appointment", _("Appointment")
        REMINDER = "reminder", _("Reminder")
        NOTICE = "notice", _("Notice")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    phone = models.CharField(_("recipient"), max_length=16, db_index=True)
    text = models.CharField(_("text"), max_length=480)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    requested_ip = models.GenericIPAddressField(_("requested from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="sms_due_idx"),
            models.Index(fields=["requested_ip", "created_at"], name="sms_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.phone} ({self.get_status_display()})"


class SmsDevice(SideChannelDevice):
    """A django-otp side-channel device: a 6-digit code sent by SMS for one purpose to one number."""

    phone = models.CharField(_("mobile number"), max_length=16)
    purpose = models.CharField(_("purpose"), max_length=20, choices=SmsMessage.Purpose.choices)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes typed"), default=0)

    class Meta:
        verbose_name = _("SMS code device")
        verbose_name_plural = _("SMS code devices")
        # One device per account and purpose: parallel code requests must share it, and reading it with .get()
        # must never find two.
        constraints = [models.UniqueConstraint(fields=["user", "purpose"], name="smsdevice_one_per_user_purpose")]


class Notification(models.Model):
    """Something the platform tells a person; the account that holds or cares for them reads it."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # No database constraint: SMS messages are partitioned by month on PostgreSQL, and a foreign key into a
    # partitioned table must name its whole primary key (id, created_at). Django still sets it to NULL on delete.
    sms = models.ForeignKey(SmsMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            db_constraint=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title
