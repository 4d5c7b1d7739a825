import datetime

import pytest
from django.utils import timezone

from citizens.models import Person
from registry.models import Facility, PriorityGroup, Vaccine
from tests import factories as f
from tests.conftest import PHUC_TAN, PHUC_XA, TRUC_BACH, VY_DA
from vaccination.services.registrations import registration_submit
from vaccination.services.stock import lot_receive, stock_transfer

Level = f.Level


def department(province_code: int) -> Facility:
    unit = f.unit(Level.PROVINCE, province_code)
    existing = Facility.objects.filter(kind=Facility.Kind.PROVINCE_DEPARTMENT, unit=unit).first()
    return existing or Facility.objects.create(kind=Facility.Kind.PROVINCE_DEPARTMENT, code=f"dept-{province_code}",
                                               name=f"Sở Y tế {unit.name}", unit=unit)


@pytest.fixture
def lot(world):
    """10,000 AstraZeneca doses received nationally; 3,000 to Hà Nội, 2,000 to Ba Đình, 1,000 to Phúc Xá."""
    national = world["national"]
    lot = lot_receive(actor=national, vaccine=Vaccine.objects.get(code="astrazeneca"), lot_number="AZ-001",
                      expiry_date=timezone.localdate() + datetime.timedelta(days=120), quantity=10000)
    stock_transfer(actor=national, to_facility_id=department(1).pk, lot_id=lot.pk, quantity=3000)
    stock_transfer(actor=world["province_ha_noi"], to_facility_id=world["centre_ba_dinh"].pk, lot_id=lot.pk,
                   quantity=2000)
    stock_transfer(actor=world["district_ba_dinh"], to_facility_id=world["site_phuc_xa"].pk, lot_id=lot.pk,
                   quantity=1000)
    return lot


def citizen_person(django_user_model, phone: str, name: str, ward_code: int, born=datetime.date(1980, 1, 1)):
    account = django_user_model.objects.create_citizen(phone, f.PASSWORD, full_name=name)
    person = Person.objects.create(full_name=name, account=account, managed_by=account, phone=account.phone,
                                   date_of_birth=born, ward=f.unit(Level.WARD, ward_code))
    return account, person


def register(account, person, *, group=9, declared=(), ward_code=None):
    ward = f.unit(Level.WARD, ward_code) if ward_code else person.ward
    return registration_submit(actor=account, person_id=person.pk, priority_group=PriorityGroup.objects.get(
        number=group), ward=ward, wished_date=None, consent=True, declared_doses=declared)


@pytest.fixture
def people(world, django_user_model):
    """Four citizens in Hà Nội (three in Ba Đình, one in Hoàn Kiếm) and one in Huế, each registered."""
    rows = {}
    for key, phone, name, ward, group in [
        ("lan", "0912000101", "Nguyễn Thị Lan", PHUC_XA, 9),
        ("minh", "0912000102", "Trần Văn Minh", TRUC_BACH, 1),
        ("hoa", "0912000103", "Lê Thị Hoa", PHUC_XA, 9),
        ("tan", "0912000104", "Phạm Văn Tân", PHUC_TAN, 9),
        ("hue", "0912000105", "Hồ Thị Huế", VY_DA, 9),
    ]:
        account, person = citizen_person(django_user_model, phone, name, ward)
        rows[key] = {"account": account, "person": person, "registration": register(account, person, group=group)}
    return rows



def scan(staff, person):
    """Site staff scan the person's health QR, as they do before checking in someone without a booking."""
    from citizens.selectors import health_code_resolve

    found, _declaration = health_code_resolve(staff=staff, code=person.qr_text)
    assert found == person
    return found
