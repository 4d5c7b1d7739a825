from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citizens.models import Person
from registry.models import Organisation, PriorityGroup


class OrganisationPerson(models.Model):
    """A person on an organisation's list, and how they came to be on it.

    Only people the organisation's own upload added (and whom no account holds since) may have their details
    changed by its later uploads; a person who joined by consent keeps their details to themselves.
    """

    class Origin(models.TextChoices):
        ADDED = "added", _("Added by the organisation's upload")
        CONSENTED = "consented", _("Joined with the person's consent")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people_on_list")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="organisation_lists")
    origin = models.CharField(_("how the person came to be on the list"), max_length=10, choices=Origin.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "person"], name="on_organisation_list_once")]


class LinkRequest(models.Model):
    """An organisation asks someone already on the platform to join its list; only that person can agree,
    with the code sent to the phone on their record or from their own account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the person")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="link_requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="link_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    priority_group = models.ForeignKey(PriorityGroup, on_delete=models.PROTECT, related_name="+")
    code_digest = models.CharField(max_length=64, unique=True)  # an HMAC of the code; the code itself is only in the SMS
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "person"], condition=Q(status="pending"),
                                               name="one_pending_link_request")]

    def __str__(self) -> str:
        return f"{self.organisation} → #{self.person_id}"
