from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..phones import phone_normalize


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
