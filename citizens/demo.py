"""Demo data for `make run` and the browser tests: two provinces of facilities, one officer per role, a few citizens.

Every step looks its rows up by a stable code first, so running it again changes nothing.
"""
import base64
import datetime
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.models import AdministrativeUnit, Facility, Organisation, StaffAssignment
from registry.services import facility_create, staff_assignment_set

from .models import Person, User

DEMO_PASSWORD = "TiemChung@2021"
Level = AdministrativeUnit.Level
Kind = Facility.Kind
Role = StaffAssignment.Role

# (province code, short name, [(district code, [ward codes for sites])])
PROVINCES = [
    (1, "hanoi", [(1, [1, 4]), (2, [37, 40])]),
    (46, "hue", [(474, [19777, 19780]), (475, [19750, 19753])]),
]

# username, full name, role, province code, district code, site code
OFFICERS = [
    ("quocgia", "Nguyễn Văn Quốc", Role.NATIONAL, None, None, None),
    ("soyte.hanoi", "Trần Thị Hà", Role.PROVINCE, 1, None, None),
    ("soyte.hue", "Lê Văn Huế", Role.PROVINCE, 46, None, None),
    ("ttyt.badinh", "Phạm Thị Đình", Role.DISTRICT, None, 1, None),
    ("ttyt.thuanhoa", "Hoàng Văn Hòa", Role.DISTRICT, None, 474, None),
    ("tram.phucxa", "Đỗ Thị Xá", Role.SITE, None, None, "site-1"),
    ("tram.vyda", "Vũ Văn Dạ", Role.SITE, None, None, "site-19777"),
]

CITIZENS = [
    ("0912000001", "Nguyễn Thị Lan", datetime.date(1985, 3, 14), "F", "001185000001", 1),
    ("0912000002", "Trần Văn Minh", datetime.date(1962, 11, 2), "M", "001062000002", 4),
    ("0912000003", "Lê Thị Hương", datetime.date(1990, 7, 25), "F", "046190000003", 19777),
    ("0912000004", "Phạm Văn Đức", datetime.date(1990, 4, 30), "M", "001090000001", 1),
]


@dataclass
class DemoLogin:
    username: str
    role: str
    where: str
    totp_secret: str


def _unit(level: str, code: int) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code)


def _facility(code: str, **fields) -> Facility:
    existing = Facility.objects.filter(code=code).first()
    return existing or facility_create(actor=None, code=code, **fields)


def _seed_facilities() -> None:
    for province_code, short, districts in PROVINCES:
        province = _unit(Level.PROVINCE, province_code)
        department = _facility(
            f"dept-{short}", kind=Kind.PROVINCE_DEPARTMENT, name=f"Sở Y tế {province.name.removeprefix('Thành phố ').removeprefix('Tỉnh ')}",
            unit=province,
        )
        for district_code, ward_codes in districts:
            district = _unit(Level.DISTRICT, district_code)
            centre = _facility(
                f"centre-{district_code}", kind=Kind.DISTRICT_CENTRE, name=f"Trung tâm Y tế {district.name}",
                unit=district, parent=department,
            )
            for ward_code in ward_codes:
                ward = _unit(Level.WARD, ward_code)
                _facility(
                    f"site-{ward_code}", kind=Kind.SITE, site_type=Facility.SiteType.COMMUNE_STATION,
                    name=f"Trạm Y tế {ward.name}", unit=ward, parent=centre, address=f"1 đường {ward.name}",
                    capacity_per_session=200,
                )
        ward = _unit(Level.WARD, districts[0][1][0])
        Organisation.objects.get_or_create(
            registration_number=f"01{province_code:02d}000001",
            defaults={"kind": Organisation.Kind.COMPANY, "name": f"Công ty Cổ phần Demo {short.title()}", "unit": ward,
                      "address": "10 phố Demo", "contact_name": "Nguyễn Văn Liên Hệ", "contact_phone": "+84912999999"},
        )


def _totp(user: User) -> str:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def _seed_officers() -> list[DemoLogin]:
    logins = []
    admin = User.objects.filter(username="admin").first() or User.objects.create_superuser(
        "admin", DEMO_PASSWORD, full_name="Quản trị hệ thống")
    logins.append(DemoLogin("admin", "superuser", "/admin/", _totp(admin)))
    for username, full_name, role, province_code, district_code, site_code in OFFICERS:
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username, DEMO_PASSWORD, full_name=full_name)
        unit = facility = None
        if province_code:
            unit = _unit(Level.PROVINCE, province_code)
        if district_code:
            unit = _unit(Level.DISTRICT, district_code)
        if site_code:
            facility = Facility.objects.get(code=site_code)
        current = StaffAssignment.objects.filter(user=user).first()
        if current is None or (current.role, current.unit_id, current.facility_id) != (
                role, unit and unit.pk, facility and facility.pk):
            staff_assignment_set(actor=None, user=user, role=role, unit=unit, facility=facility)
        logins.append(DemoLogin(username, str(Role(role).label), str(facility or unit or "Việt Nam"), _totp(user)))
    return logins


def _seed_citizens() -> None:
    for phone, full_name, born, sex, id_number, ward_code in CITIZENS:
        user = User.objects.filter(phone="+84" + phone[1:]).first() or User.objects.create_citizen(
            phone, DEMO_PASSWORD, full_name=full_name)
        Person.objects.get_or_create(
            id_number=id_number,
            defaults={"full_name": full_name, "date_of_birth": born, "sex": sex, "id_kind": Person.IdKind.CCCD,
                      "phone": user.phone, "ward": _unit(Level.WARD, ward_code), "account": user, "managed_by": user},
        )
    holder = User.objects.get(phone="+84912000001")
    Person.objects.get_or_create(
        full_name="Nguyễn Minh Khôi", managed_by=holder,
        defaults={"date_of_birth": datetime.date(2010, 5, 1), "sex": "M", "ward": holder.person.ward},
    )


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    _seed_facilities()
    logins = _seed_officers()
    _seed_citizens()
    return logins
