from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    """Reference rows named in Vietnamese and English; `name` follows the active language."""

    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    def __str__(self) -> str:
        return self.name


class AdministrativeUnit(models.Model):
    """One node of the tree province → district → ward, coded as the General Statistics Office codes it.

    Every unit carries the codes of its province and district so that a jurisdiction filter is one
    indexed equality, whatever the depth.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        WARD = "ward", _("Ward")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.PositiveIntegerField(_("code"))
    name = models.CharField(_("name"), max_length=120)
    codename = models.CharField(_("code name"), max_length=120)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province_code = models.PositiveIntegerField(_("province code"))
    district_code = models.PositiveIntegerField(_("district code"), null=True, blank=True, db_index=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="unit_level_code_unique")]
        # A province's units of one level in name order (the districts every console filter offers), and any
        # look-up by province alone.
        indexes = [models.Index(fields=["province_code", "level", "name"], name="unit_province_level_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_province(self) -> bool:
        return self.level == self.Level.PROVINCE

    @property
    def is_district(self) -> bool:
        return self.level == self.Level.DISTRICT

    def lies_in(self, unit) -> bool:
        """Whether this unit is directly inside `unit` (a ward in a district, a district in a province); False for
        no unit. registry.forms.ward_in_district_check gives the rule its words for the address pickers."""
        return unit is not None and self.parent_id == unit.pk


class PriorityGroup(BilingualName):
    """One of the 16 priority groups of Government Resolution 21/NQ-CP (2021)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta:
        verbose_name = _("priority group")
        verbose_name_plural = _("priority groups")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Vaccine(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    manufacturer = models.CharField(_("manufacturer"), max_length=200)
    doses_in_series = models.PositiveSmallIntegerField(_("doses in the primary series"))
    min_interval_days = models.PositiveSmallIntegerField(_("minimum interval between doses (days)"), default=0)
    recommended_interval_days = models.PositiveSmallIntegerField(_("recommended interval (days)"), default=0)
    dcc_product = models.CharField(_("EU DCC vaccine product (mp)"), max_length=60, blank=True)
    dcc_manufacturer = models.CharField(_("EU DCC manufacturer (ma)"), max_length=80, blank=True)
    dcc_prophylaxis = models.CharField(_("EU DCC prophylaxis (vp)"), max_length=30, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("vaccine")
        verbose_name_plural = _("vaccines")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Facility(models.Model):
    """A health authority or a place where people are vaccinated, placed in the unit it serves."""

    class Kind(models.TextChoices):
        NATIONAL_STORE = "national_store", _("National vaccine store")
        PROVINCE_DEPARTMENT = "province_department", _("Provincial health department")
        DISTRICT_CENTRE = "district_centre", _("District health centre")
        SITE = "site", _("Vaccination site")

    class SiteType(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital")
        COMMUNE_STATION = "commune_station", _("Commune health station")
        MOBILE_TEAM = "mobile_team", _("Mobile vaccination team")
        CLINIC = "clinic", _("Clinic")
        FIXED_POINT = "fixed_point", _("Temporary vaccination point")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    site_type = models.CharField(_("site type"), max_length=24, choices=SiteType.choices, blank=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("administrative unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="facilities",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("reports to"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity_per_session = models.PositiveIntegerField(_("people per session"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="site") | Q(site_type=""), name="facility_site_type_only_for_sites"
            ),
            models.CheckConstraint(
                condition=Q(kind="national_store") | Q(unit__isnull=False), name="facility_placed_in_a_unit"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="national_store"), name="one_national_store"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        SCHOOL = "school", _("School")
        AGENCY = "agency", _("Government agency")
        OTHER = "other", _("Other organisation")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(_("tax or registration number"), max_length=20, unique=True)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("ward"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=16, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationMember(models.Model):
    """A representative who acts for an organisation (uploads its staff list, follows its people)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="member_once")]


class StaffAssignment(models.Model):
    """What a staff member is: a role, and the unit or facility that role covers."""

    class Role(models.TextChoices):
        NATIONAL = "national", _("National steering committee")
        PROVINCE = "province", _("Province officer")
        DISTRICT = "district", _("District officer")
        SITE = "site", _("Vaccination site staff")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="assignment"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("province or district"), null=True, blank=True, on_delete=models.PROTECT
    )
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), null=True, blank=True, on_delete=models.PROTECT)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now=True)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        permissions = [
            ("use_console", "Can use the staff console"),
            ("view_dashboard", "Can view the dashboards"),
        ]
        constraints = [
            models.CheckConstraint(
                name="assignment_matches_role",
                condition=(
                    Q(role="national", unit__isnull=True, facility__isnull=True)
                    | Q(role__in=["province", "district"], unit__isnull=False, facility__isnull=True)
                    | Q(role="site", unit__isnull=True, facility__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        where = self.facility or self.unit or _("Viet Nam")
        return f"{self.get_role_display()} — {where}"


class AuditEvent(models.Model):
    """Who did what to which record, when, and from where. Rows are only ever added."""

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"


class ThrottleCounter(models.Model):
    """One fixed-window counter per key (a phone, an address, a user name and purpose).

    Counters live in the database, not the cache: one `INSERT … ON CONFLICT DO UPDATE … RETURNING`
    counts atomically under any number of parallel requests, and a limit keeps holding when Redis is down.
    """

    key = models.CharField(max_length=200, primary_key=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("limit counter")
        verbose_name_plural = _("limit counters")
        indexes = [models.Index(fields=["window_start"], name="throttle_window_idx")]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
