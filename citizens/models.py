from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import AdministrativeUnit

from .phones import phone_normalize


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra) -> "User":
        """A staff login (the console)."""
        extra.setdefault("is_staff", True)
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_citizen(self, phone: str, password: str | None = None, **extra) -> "User":
        """A citizen login (the portal), identified by the normalised mobile number."""
        user = self.model(phone=phone_normalize(phone), is_staff=False, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Citizens sign in with their phone number, staff with a username.

    Someone who can be vaccinated is a Person; a login may hold one Person of its own and care for others.
    """

    username = models.CharField(
        _("username"), max_length=150, unique=True, null=True, blank=True, validators=[UnicodeUsernameValidator()]
    )
    phone = models.CharField(_("mobile number"), max_length=16, unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True)
    is_staff = models.BooleanField(_("staff member"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_has_login",
                condition=Q(username__isnull=False) | Q(phone__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username or self.phone or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else (self.username or "")


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
    phone = models.CharField(_("mobile number"), max_length=16, blank=True)
    id_kind = models.CharField(_("kind of ID"), max_length=10, choices=IdKind.choices, blank=True)
    id_number = models.CharField(_("ID number"), max_length=20, unique=True, null=True, blank=True)
    ward = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("ward"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    street = models.CharField(_("house number and street"), max_length=200, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("own account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="person",
    )
    managed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cared for by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="people_in_care",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def id_number_masked(self) -> str:
        return id_number_mask(self.id_number)


def id_number_mask(number: str | None) -> str:
    """Show only the last three characters of an ID number, as lists must."""
    if not number:
        return ""
    return "•" * max(len(number) - 3, 0) + number[-3:]
