"""Only site staff can turn a personal health QR or a declaration QR into a person; each look-up is audited."""
import pytest
from django.urls import reverse

from citizens.models import HealthDeclaration, Person
from citizens.selectors import health_code_resolve
from registry.models import AuditEvent


@pytest.fixture
def lan(world, django_user_model):
    account = django_user_model.objects.create_citizen("0912345678", "x-Password-1", full_name="Nguyễn Thị Lan")
    person = Person.objects.create(full_name="Nguyễn Thị Lan", account=account, managed_by=account,
                                   id_kind="cccd", id_number="001185000001", allergies="Penicillin")
    declaration = HealthDeclaration.objects.create(person=person, declared_by=account, symptoms=["fever"])
    return person, declaration


@pytest.mark.parametrize("role, allowed", [
    ("site_staff_phuc_xa", True), ("district_ba_dinh", False), ("province_ha_noi", False), ("national", False),
])
def test_only_site_staff_resolve_codes(world, console_client, lan, role, allowed):
    person, declaration = lan
    client = console_client(world[role])
    response = client.get(reverse("citizens_console:code_lookup"), {"code": person.qr_text})
    if not allowed:
        assert response.status_code == 403
        assert health_code_resolve(staff=world[role], code=person.qr_text) == (None, None)
        return
    page = response.content.decode()
    assert "Nguyễn Thị Lan" in page and "Penicillin" in page and "•••••••••001" in page
    assert "001185000001" not in page
    page = client.get(reverse("citizens_console:code_lookup"), {"code": declaration.qr_text}).content.decode()
    assert "Nguyễn Thị Lan" in page and "Sốt" in page
    assert AuditEvent.objects.filter(action="person.code_resolved", actor=world[role]).count() == 2


def test_rotated_code_no_longer_resolves(world, lan):
    person, _declaration = lan
    old = person.qr_text
    person.qr_token = "rotated-token-value"
    person.save()
    assert health_code_resolve(staff=world["site_staff_phuc_xa"], code=old) == (None, None)


def test_citizen_cannot_resolve(lan, client):
    person, _declaration = lan
    client.force_login(person.account)
    assert client.get(reverse("citizens_console:code_lookup"), {"code": person.qr_text}).status_code == 302
    assert health_code_resolve(staff=person.account, code=person.qr_text) == (None, None)
