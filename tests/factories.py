"""Factories for the rows tests need; reference data (units, groups, vaccines) is loaded once per test database."""
import factory
from django.contrib.auth import get_user_model

from registry.models import AdministrativeUnit, Facility, Organisation
from registry.services import facility_create, staff_assignment_set

PASSWORD = "Correct-Horse-42"
Level = AdministrativeUnit.Level


def unit(level: str, code: int) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code)


def site(ward_code: int, *, code: str | None = None, **fields) -> Facility:
    ward = unit(Level.WARD, ward_code)
    return facility_create(
        actor=None, kind=Facility.Kind.SITE, site_type=Facility.SiteType.COMMUNE_STATION,
        code=code or f"site-{ward_code}", name=f"Trạm Y tế {ward.name}", unit=ward, **fields,
    )


def district_centre(district_code: int) -> Facility:
    district = unit(Level.DISTRICT, district_code)
    return facility_create(
        actor=None, kind=Facility.Kind.DISTRICT_CENTRE, code=f"centre-{district_code}",
        name=f"Trung tâm Y tế {district.name}", unit=district,
    )


def staff(username: str, role: str, *, unit=None, facility=None):
    user = get_user_model().objects.create_user(username, PASSWORD, full_name=username.title())
    staff_assignment_set(actor=None, user=user, role=role, unit=unit, facility=facility)
    return user


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.COMPANY
    name = factory.Sequence(lambda n: f"Công ty {n}")
    registration_number = factory.Sequence(lambda n: f"{n:010d}")
    unit = factory.LazyFunction(lambda: unit(Level.WARD, 1))


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    full_name = factory.Sequence(lambda n: f"Công dân {n}")
    is_staff = False
    password = factory.django.Password(PASSWORD)
