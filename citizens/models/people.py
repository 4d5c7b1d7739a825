import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import AdministrativeUnit


def new_qr_token() -> str:
    """A random, unguessable code for a QR: 128 bits, URL-safe, never derived from personal data."""
    return secrets.token_urlsafe(16)


class Person(models.Model):
    """Someone who can be vaccinated: an account holder, a family member, or staff uploaded by an organisation."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        OTHER = "O", _("Other")

    class IdKind(models.TextChoices):
        CCCD = "cccd", _("Citizen ID card (CCCD, 12 digits)")
        CMND = "cmnd", _("Old ID card (CMND, 9 digits)")
        PASSPORT = "passport", _("Passport")

    full_name = models.CharField(_("full name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    nationality = models.CharField(_("nationality"), max_length=60, default="Việt Nam", blank=True)
    phone = models.CharField(_("mobile number"), max_length=16, blank=True)
    id_kind = models.CharField(_("kind of ID"), max_length=10, choices=IdKind.choices, blank=True)
    id_number = models.CharField(_("ID number"), max_length=20, unique=True, null=True, blank=True)
    insurance_number = models.CharField(_("health insurance card number"), max_length=15, blank=True)
    insurance_valid_from = models.DateField(_("insurance valid from"), null=True, blank=True)
    insurance_valid_to = models.DateField(_("insurance valid until"), null=True, blank=True)
    ward = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("ward"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    street = models.CharField(_("house number and street"), max_length=200, blank=True)
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    chronic_conditions = models.TextField(_("chronic conditions"), blank=True)
    allergies = models.TextField(_("allergies"), blank=True)
    severe_reactions = models.TextField(_("earlier severe reactions to vaccines or medicines"), blank=True)
    medical_history = models.TextField(_("other health information and medical history"), blank=True)
    qr_token = models.CharField(_("health QR code"), max_length=40, unique=True, default=new_qr_token)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("own account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="person",
    )
    managed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cared for by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="people_in_care",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "pk"]
        permissions = [("resolve_health_code", "Can look up a person from a scanned health code")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def id_number_masked(self) -> str:
        return id_number_mask(self.id_number)

    @property
    def qr_text(self) -> str:
        """What the personal health QR holds (and a handheld scanner types)."""
        return f"SSK:{self.qr_token}"


def id_number_mask(number: str | None) -> str:
    """Show only the last three characters of an ID number, as lists must."""
    if not number:
        return ""
    return "•" * max(len(number) - 3, 0) + number[-3:]


class HealthDeclaration(models.Model):
    """A domestic health declaration ("khai báo y tế"), made by an account holder for themselves or another."""

    class Symptom(models.TextChoices):
        FEVER = "fever", _("Fever")
        COUGH = "cough", _("Cough")
        SHORTNESS_OF_BREATH = "breath", _("Shortness of breath")
        SORE_THROAT = "throat", _("Sore throat")
        TASTE_SMELL = "taste_smell", _("Loss of taste or smell")
        FATIGUE = "fatigue", _("Tiredness")
        MUSCLE_PAIN = "muscle_pain", _("Muscle aches")
        NAUSEA = "nausea", _("Nausea, vomiting or diarrhoea")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="declarations")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("declared by"), on_delete=models.PROTECT, related_name="+"
    )
    symptoms = models.JSONField(_("symptoms in the last 14 days"), default=list, blank=True)
    contact_confirmed = models.BooleanField(_("contact with a confirmed case in the last 14 days"), default=False)
    contact_suspected = models.BooleanField(
        _("contact with a suspected case or someone from an outbreak area in the last 14 days"), default=False)
    places_visited = models.TextField(_("places visited in the last 14 days"), blank=True)
    qr_token = models.CharField(_("declaration QR code"), max_length=40, unique=True, default=new_qr_token)
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("health declaration")
        verbose_name_plural = _("health declarations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def qr_text(self) -> str:
        return f"TKYT:{self.qr_token}"

    @property
    def symptom_labels(self) -> list[str]:
        labels = dict(self.Symptom.choices)
        return [str(labels[code]) for code in self.symptoms if code in labels]

    @property
    def has_risk(self) -> bool:
        return bool(self.symptoms) or self.contact_confirmed or self.contact_suspected
