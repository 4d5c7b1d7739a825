import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry.audit import audit_trail
from registry.models import AuditEvent, Facility, StaffAssignment
from registry.services import facility_create, staff_assignment_set
from tests import factories as f
from tests.conftest import BA_DINH, HA_NOI, PHUC_XA

Role = StaffAssignment.Role
Level = f.Level


def test_assignment_must_match_role(db, django_user_model):
    user = django_user_model.objects.create_user("officer", "x-Password-1", full_name="Officer")
    with pytest.raises(ValidationError) as error:
        staff_assignment_set(actor=None, user=user, role=Role.PROVINCE, unit=f.unit(Level.DISTRICT, BA_DINH))
    assert error.value.message_dict["unit"] == ["Cán bộ Sở Y tế phải được gắn với một tỉnh/thành phố."]
    assignment = staff_assignment_set(actor=None, user=user, role=Role.PROVINCE, unit=f.unit(Level.PROVINCE, HA_NOI))
    assert assignment.unit.code == HA_NOI
    user.refresh_from_db()
    assert user.has_perm("registry.change_organisation")
    assert [event.action for event in audit_trail(user)] == ["staff.assign"]


def test_only_superusers_assign_roles(world):
    with pytest.raises(PermissionDenied):
        staff_assignment_set(actor=world["province_ha_noi"], user=world["district_ba_dinh"], role=Role.NATIONAL)
    assert StaffAssignment.objects.get(user=world["district_ba_dinh"]).role == Role.DISTRICT


def test_changing_role_changes_permissions(world):
    user = world["district_ba_dinh"]
    assert not user.has_perm("registry.change_organisation")
    staff_assignment_set(actor=None, user=user, role=Role.PROVINCE, unit=f.unit(Level.PROVINCE, HA_NOI))
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("registry.change_organisation")


def test_site_must_be_in_a_ward(db):
    with pytest.raises(ValidationError):
        facility_create(actor=None, kind=Facility.Kind.SITE, code="x", name="X", unit=f.unit(Level.DISTRICT, BA_DINH))
    assert not Facility.objects.filter(code="x").exists()


def test_facility_creation_is_audited(db):
    site = f.site(PHUC_XA)
    event = AuditEvent.objects.get(action="facility.create", target_id=str(site.pk))
    assert event.target_label == site.name and event.actor is None and event.actor_label == "system"
