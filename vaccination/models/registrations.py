from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citizens.models import Person
from registry.models import AdministrativeUnit, Organisation, PriorityGroup, Vaccine

from .fields import CopiedField


class Registration(models.Model):
    """A person's wish to be vaccinated, followed through approval, allocation and scheduling.

    One registration carries a person through a whole course: after a dose it returns to the
    district's list by itself once the next dose falls due (`next_dose_number`, `due_from`).
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        ALLOCATED = "allocated", _("Allocated to a district")
        SCHEDULED = "scheduled", _("Appointment made")
        VACCINATED = "vaccinated", _("Vaccinated")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("Did not come")

    # from → allowed next states; services refuse anything else.
    TRANSITIONS = {
        # A walk-in may be vaccinated at a site before the province has handled the registration.
        Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.CANCELLED, Status.VACCINATED},
        Status.APPROVED: {Status.ALLOCATED, Status.REJECTED, Status.CANCELLED, Status.VACCINATED},
        Status.ALLOCATED: {Status.SCHEDULED, Status.ALLOCATED, Status.CANCELLED, Status.VACCINATED},
        Status.SCHEDULED: {Status.VACCINATED, Status.ALLOCATED, Status.NO_SHOW, Status.CANCELLED},
        Status.NO_SHOW: {Status.SCHEDULED, Status.ALLOCATED, Status.CANCELLED, Status.VACCINATED},
        # After a dose, the registration waits; when the next dose falls due it goes back to the district.
        Status.VACCINATED: {Status.ALLOCATED},
        Status.REJECTED: set(),
        Status.CANCELLED: set(),
    }
    OPEN = [Status.SUBMITTED, Status.APPROVED, Status.ALLOCATED, Status.SCHEDULED, Status.NO_SHOW]

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations")
    priority_group = models.ForeignKey(PriorityGroup, verbose_name=_("priority group"), on_delete=models.PROTECT)
    wished_date = models.DateField(_("wished date"), null=True, blank=True)
    ward = models.ForeignKey(AdministrativeUnit, verbose_name=_("where to be vaccinated (ward)"),
                             on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="registrations")
    consent_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    # The four keys below have no index of their own: every registration and every dose writes this row, and
    # each index is one more write. The district's is the first column of registration_district_idx; nothing
    # looks registrations up by the vaccine they wait for or by who decided or entered them, and the rows they
    # point at (vaccines, staff and citizen accounts) are never deleted.
    allocated_district = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("allocated district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    next_dose_number = models.PositiveSmallIntegerField(_("next dose"), default=1)
    due_from = models.DateField(_("next dose due from"), null=True, blank=True)
    required_vaccine = models.ForeignKey(
        Vaccine, verbose_name=_("vaccine the next dose must be"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    due_reminded_for = models.PositiveSmallIntegerField(null=True, blank=True)
    # Copied from the ward and the priority group when the registration is made (neither changes afterwards), so
    # the queues filter and sort on one index of this table alone, however many millions of rows it holds.
    province_code = CopiedField(source="ward.province_code", editable=False)
    district_code = CopiedField(source="ward.district_code", null=True, editable=False)
    priority_number = CopiedField(source="priority_group.number", editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=["submitted", "approved", "allocated", "scheduled",
                                                           "no_show"]),
                name="one_open_registration_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "ward"], name="registration_status_ward_idx"),
            models.Index(fields=["allocated_district", "status"], name="registration_district_idx"),
            # The province's queue: its filter by state, in the order it is worked (priority, then first come).
            models.Index(fields=["province_code", "status", "priority_number", "created_at", "id"],
                         name="registration_province_queue"),
            models.Index(fields=["status", "priority_number", "created_at", "id"], name="registration_queue"),
            models.Index(fields=["district_code", "status"], name="registration_district_code"),
            # A district's waiting list, in the order automatic scheduling takes people from it.
            models.Index(fields=["allocated_district", "priority_number", "created_at", "id"],
                         condition=Q(status__in=["allocated", "no_show"]), name="registration_waiting"),
        ]
        permissions = [
            ("approve_registration", "Can approve or reject registrations"),
            ("allocate_registration", "Can allocate registrations to districts"),
            ("schedule_registration", "Can plan sessions and schedule registrations"),
        ]

    def __str__(self) -> str:
        # The status's label straight from its choices: get_status_display() hashes every lazy label of the
        # choices on each call, and every registration's audit row is labelled with this.
        return f"{self.person} ({self.Status(self.status).label})"


class RegistrationEvent(models.Model):
    """One status change: who, when, from, to, why. Only ever added."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("time"))
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class DeclaredDose(models.Model):
    """A dose the person says they had before registering (elsewhere, abroad, before the platform)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="declared_doses")
    dose_number = models.PositiveSmallIntegerField(_("dose number"))
    vaccine = models.ForeignKey(Vaccine, verbose_name=_("vaccine"), on_delete=models.PROTECT)
    given_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        ordering = ["dose_number"]
