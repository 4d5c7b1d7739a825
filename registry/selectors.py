"""Reads of reference data, always scoped to what the reader may see.

`jurisdiction_of` and `scope` are the one place that answers "where may this staff member act";
every console selector in every app builds on them.
"""
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import AdministrativeUnit, AuditEvent, Facility, Organisation, StaffAssignment
from .roles import ROLES_REQUIRING_OTP

Role = StaffAssignment.Role


@dataclass(frozen=True)
class Jurisdiction:
    role: str | None = None
    province_code: int | None = None
    district_code: int | None = None
    facility_id: int | None = None
    label: str = ""

    @property
    def is_staff(self) -> bool:
        return self.role is not None

    # Callers ask these, never compare `role` with a string.
    @property
    def is_national(self) -> bool:
        return self.role == Role.NATIONAL

    @property
    def is_province(self) -> bool:
        return self.role == Role.PROVINCE

    @property
    def is_district(self) -> bool:
        return self.role == Role.DISTRICT

    @property
    def is_site(self) -> bool:
        return self.role == Role.SITE


NOBODY = Jurisdiction()


def jurisdiction_of(user) -> Jurisdiction:
    """The role and area of a staff member; NOBODY for citizens, anonymous users and the unassigned."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return NOBODY
    cached = getattr(user, "_jurisdiction", None)
    if cached is not None:
        return cached
    assignment = (
        StaffAssignment.objects.select_related("unit", "facility__unit").filter(user=user).first()
    )
    if assignment is None:
        jurisdiction = NOBODY
    elif assignment.role == Role.NATIONAL:
        jurisdiction = Jurisdiction(role=Role.NATIONAL, label=str(assignment))
    elif assignment.role == Role.SITE:
        unit = assignment.facility.unit
        jurisdiction = Jurisdiction(
            role=Role.SITE,
            province_code=unit.province_code,
            district_code=unit.district_code,
            facility_id=assignment.facility_id,
            label=str(assignment),
        )
    else:
        unit = assignment.unit
        jurisdiction = Jurisdiction(
            role=assignment.role,
            province_code=unit.province_code,
            district_code=unit.code if unit.is_district else None,
            label=str(assignment),
        )
    user._jurisdiction = jurisdiction
    return jurisdiction


def _join(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


def scope(qs: QuerySet, *, user, unit: str | tuple[str, ...] | None = None, facility: str | None = None) -> QuerySet:
    """Narrow `qs` to the rows `user` may see.

    `unit` is the lookup path from the model to its AdministrativeUnit ("" for the unit itself), or several
    paths of which any may match,
    `facility` the path to the Facility responsible for the row ("pk" for a facility itself).
    Province and district staff see rows whose unit, or whose facility's unit, lies in their area;
    site staff see only rows of their own facility; anyone else sees nothing.
    """
    j = jurisdiction_of(user)
    if not j.is_staff:
        return qs.none()
    if j.is_national:
        return qs
    if j.is_site:
        if facility is None:
            return qs.none()
        return qs.filter(**{_join(facility, "id") if facility != "pk" else "pk": j.facility_id})
    unit_paths = [unit] if isinstance(unit, str) else list(unit or [])
    facility_path = _join(facility, "unit") if facility not in (None, "pk") else None
    paths = unit_paths + ([facility_path] if facility_path else [])
    if not paths:
        paths = ["unit"]
    field, code = ("district_code", j.district_code) if j.is_district else ("province_code", j.province_code)
    condition = Q()
    for path in paths:
        condition |= Q(**{_join(path, field): code})
    return qs.filter(condition)


def covers(user, *, province_code: int, district_code: int | None, facility_id: int | None = None) -> bool:
    """Whether `user` may act on one row already read, of this area and facility: `scope`'s rule, without
    a query (for hot paths that read the row's area together with everything else)."""
    j = jurisdiction_of(user)
    if not j.is_staff:
        return False
    if j.is_national:
        return True
    if j.is_site:
        return facility_id is not None and facility_id == j.facility_id
    if j.is_district:
        return district_code == j.district_code
    return province_code == j.province_code


def facility_of(j: Jurisdiction) -> Facility | None:
    """The facility a staff member works from (its stock, the requests it answers): the site itself, the district's
    health centre, the province's health department or the national store; None for anyone else."""
    if j.is_site:
        return Facility.objects.get(pk=j.facility_id)
    if j.is_district:
        return authority_for(district_code=j.district_code)
    if j.is_province:
        return authority_for(province_code=j.province_code)
    if j.is_national:
        return Facility.objects.filter(kind=Facility.Kind.NATIONAL_STORE).first()
    return None


def authority_for(*, province_code: int | None = None, district_code: int | None = None) -> Facility | None:
    """The health authority of a district (its health centre) or, given only a province, its health department."""
    if district_code is not None:
        return Facility.objects.filter(kind=Facility.Kind.DISTRICT_CENTRE, unit__code=district_code,
                                       unit__level=AdministrativeUnit.Level.DISTRICT).first()
    return Facility.objects.filter(kind=Facility.Kind.PROVINCE_DEPARTMENT, unit__code=province_code,
                                   unit__level=AdministrativeUnit.Level.PROVINCE).first()


def unit_list(*, user) -> QuerySet[AdministrativeUnit]:
    return scope(AdministrativeUnit.objects.all(), user=user, unit="")


def facility_list(*, user, kind: str | None = None, query: str = "") -> QuerySet[Facility]:
    qs = Facility.objects.select_related("unit__parent__parent", "parent")
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(name__icontains=query)
    return scope(qs, user=user, unit="unit", facility="pk").order_by("name", "pk")


def organisation_list(*, user, query: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("unit__parent__parent")
    if query:
        qs = qs.filter(name__icontains=query) | qs.filter(registration_number__startswith=query)
    return scope(qs, user=user, unit="unit").order_by("name", "pk")


def audit_event_list(*, user) -> QuerySet[AuditEvent]:
    """Audit rows whose actor works inside the reader's area (national staff see all)."""
    j = jurisdiction_of(user)
    qs = AuditEvent.objects.select_related("actor", "target_type")
    if not j.is_staff:
        return qs.none()
    if j.is_national:
        return qs
    staff = scope(StaffAssignment.objects.all(), user=user, unit="unit", facility="facility").values("user_id")
    return qs.filter(actor_id__in=staff)


def otp_required(user) -> bool:
    """Whether a staff member must pass a second factor before using the console."""
    if settings.OTP_REQUIRED_FOR_ALL_STAFF or user.is_superuser:
        return True
    return jurisdiction_of(user).role in ROLES_REQUIRING_OTP
