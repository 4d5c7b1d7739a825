"""Places visited ("nơi đã đến"): venues with a QR poster, the visits people record there, and the exposures
officers declare at a venue for a time window."""
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from citizens.models import Person
from registry.models import AdministrativeUnit

# Letters and digits nobody confuses when typing a code from a poster (no 0/O, 1/I/L, U/V).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 10  # 29**10 ≈ 4·10^14 codes: not guessable, still short enough to type


def new_venue_code() -> str:
    """A random code for a venue's poster; it says nothing about the venue or its owner."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def venue_code_clean(typed: str) -> str:
    """A code as typed (lower case, spaces, the dash printed on the poster) in its stored form."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())[:40]


class Venue(models.Model):
    """A place people visit, registered by the citizen account holder who runs it."""

    class Kind(models.TextChoices):
        SHOP = "shop", _("Shop")
        MARKET = "market", _("Market")
        SUPERMARKET = "supermarket", _("Supermarket or shopping centre")
        RESTAURANT = "restaurant", _("Restaurant or café")
        OFFICE = "office", _("Office")
        SCHOOL = "school", _("School")
        FACTORY = "factory", _("Factory or workshop")
        HEALTH = "health", _("Clinic or pharmacy")
        WORSHIP = "worship", _("Place of worship")
        TRANSPORT = "transport", _("Station or transport")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind of place"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name of the place"), max_length=200)
    ward = models.ForeignKey(AdministrativeUnit, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="+")
    street = models.CharField(_("house number and street"), max_length=200)
    code = models.CharField(_("code"), max_length=20, unique=True, default=new_venue_code)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT,
                              related_name="venues")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def code_display(self) -> str:
        return f"{self.code[:5]}-{self.code[5:]}"

    @property
    def address(self) -> str:
        ward = self.ward
        parts = [self.street, ward.name]
        if ward.parent_id:
            parts.append(ward.parent.name)
            if ward.parent.parent_id:
                parts.append(ward.parent.parent.name)
        return ", ".join(p for p in parts if p)


class Visit(models.Model):
    """One person at one venue at one moment; personal data, deleted after PLACES_VISIT_RETENTION_DAYS."""

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.CASCADE, related_name="visits")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.CASCADE, related_name="+")
    visited_at = models.DateTimeField(_("visited at"), db_index=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-pk"]
        indexes = [models.Index(fields=["venue", "visited_at"], name="places_visit_venue_at_idx"),
                   models.Index(fields=["person", "visited_at"], name="places_visit_person_at_idx")]

    def __str__(self) -> str:
        return f"{self.venue} {self.visited_at:%Y-%m-%d %H:%M}"


class Exposure(models.Model):
    """A venue flagged by an officer for a time window: everyone who checked in during it is told."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being sent")
        SENT = "sent", _("People told")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.CASCADE, related_name="exposures")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)
    advice = models.TextField(_("advice to the people told"), max_length=600)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("declared by"),
                                    on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    notified_count = models.PositiveIntegerField(_("people told"), default=0)
    notified_at = models.DateTimeField(_("told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")
        ordering = ["-declared_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.venue} {self.starts_at:%Y-%m-%d %H:%M}"


class ExposureContact(models.Model):
    """A person told of an exposure (they checked in during its window); kept as long as the visits."""

    exposure = models.ForeignKey(Exposure, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("person told of an exposure")
        verbose_name_plural = _("people told of an exposure")
        constraints = [models.UniqueConstraint(fields=["exposure", "person"], name="places_contact_once")]
        indexes = [models.Index(fields=["person", "exposure"], name="places_contact_person_idx")]
