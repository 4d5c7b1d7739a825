"""Writes to reference data and staff assignments. Each checks the actor, locks and audits."""
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import AdministrativeUnit, Facility, Organisation, OrganisationMember, StaffAssignment
from .roles import ROLE_PERMISSIONS, role_group_name
from .selectors import jurisdiction_of, organisation_list

Role = StaffAssignment.Role


def _system_or_superuser(actor) -> bool:
    return actor is None or (actor.is_authenticated and actor.is_superuser)


@transaction.atomic
def roles_sync_groups() -> None:
    """Make one group per role carrying exactly that role's permissions."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise LookupError(f"Permission {perm} does not exist: run the migrations first.")
            wanted.append(permission)
        group.permissions.set(wanted)


@transaction.atomic
def staff_assignment_set(
    *, actor, user, role: str, unit: AdministrativeUnit | None = None, facility: Facility | None = None
) -> StaffAssignment:
    """Give a staff member a role over a unit or facility; only superusers (or setup commands) do this."""
    if not _system_or_superuser(actor):
        raise PermissionDenied(_("Only an administrator can assign staff roles."))
    if role == Role.NATIONAL:
        unit = facility = None
    elif role == Role.PROVINCE:
        if unit is None or not unit.is_province:
            raise ValidationError({"unit": _("A province officer must be assigned to a province.")})
        facility = None
    elif role == Role.DISTRICT:
        if unit is None or not unit.is_district:
            raise ValidationError({"unit": _("A district officer must be assigned to a district.")})
        facility = None
    elif role == Role.SITE:
        if facility is None or facility.kind != Facility.Kind.SITE:
            raise ValidationError({"facility": _("Site staff must be assigned to a vaccination site.")})
        unit = None
    else:
        raise ValidationError({"role": _("Unknown role.")})

    type(user).objects.select_for_update().filter(pk=user.pk).first()
    before = StaffAssignment.objects.filter(user=user).first()
    assignment, _created = StaffAssignment.objects.update_or_create(
        user=user, defaults={"role": role, "unit": unit, "facility": facility}
    )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.set([Group.objects.get(name=role_group_name(role))])
    user.__dict__.pop("_jurisdiction", None)
    audit_record(
        actor=actor,
        action="staff.assign",
        target=user,
        changes={"before": str(before) if before else None, "after": str(assignment)},
    )
    return assignment


@transaction.atomic
def facility_create(*, actor, kind: str, code: str, name: str, unit: AdministrativeUnit | None, **fields) -> Facility:
    if not _system_or_superuser(actor):
        raise PermissionDenied(_("Only an administrator can create facilities."))
    if kind == Facility.Kind.NATIONAL_STORE:
        facility = Facility.objects.create(kind=kind, code=code, name=name, unit=None, **fields)
        audit_record(actor=actor, action="facility.create", target=facility, changes={"code": code, "name": name})
        return facility
    expected_level = {
        Facility.Kind.PROVINCE_DEPARTMENT: AdministrativeUnit.Level.PROVINCE,
        Facility.Kind.DISTRICT_CENTRE: AdministrativeUnit.Level.DISTRICT,
        Facility.Kind.SITE: AdministrativeUnit.Level.WARD,
    }[kind]
    if unit is None or unit.level != expected_level:
        raise ValidationError({"unit": _("This kind of facility must be placed in a %(level)s.") % {
            "level": AdministrativeUnit.Level(expected_level).label}})
    facility = Facility(kind=kind, code=code, name=name, unit=unit, **fields)
    facility.full_clean()
    facility.save()
    audit_record(actor=actor, action="facility.create", target=facility, changes={"code": code, "name": name})
    return facility


@transaction.atomic
def organisation_confirm(*, actor, organisation_id: int) -> Organisation:
    """A province officer confirms an organisation in the province; outside it, the organisation does not exist."""
    if not actor.has_perm("registry.change_organisation"):
        raise PermissionDenied(_("You may not confirm organisations."))
    organisation = organisation_list(user=actor).select_for_update(of=("self",)).get(pk=organisation_id)
    if organisation.confirmed_at is None:
        organisation.confirmed_at = timezone.now()
        organisation.confirmed_by = actor
        organisation.save(update_fields=["confirmed_at", "confirmed_by"])
        audit_record(actor=actor, action="organisation.confirm", target=organisation)
    return organisation



@transaction.atomic
def organisation_register(*, actor, kind: str, name: str, registration_number: str, unit: AdministrativeUnit,
                          address: str, contact_name: str) -> Organisation:
    """A person with a verified phone signs their organisation up; the province confirms it later."""
    if not actor.is_authenticated or actor.is_staff or not actor.phone:
        raise PermissionDenied(_("Sign in with your verified phone number to register an organisation."))
    if unit.level != AdministrativeUnit.Level.WARD:
        raise ValidationError({"unit": _("Choose the ward or commune.")})
    number = registration_number.strip()
    if Organisation.objects.filter(registration_number=number).exists():
        raise ValidationError({"registration_number": _(
            "An organisation with this number is already registered. Ask its representative to add you.")})
    organisation = Organisation.objects.create(kind=kind, name=name.strip(), registration_number=number, unit=unit,
                                               address=address, contact_name=contact_name,
                                               contact_phone=actor.phone)
    OrganisationMember.objects.create(organisation=organisation, user=actor)
    audit_record(actor=actor, action="organisation.register", target=organisation)
    return organisation
