"""Registering an organisation: its ward is picked province → district → ward, like a person's address, not typed
as a statistics-office code nobody knows."""
import pytest
from django.urls import reverse

from registry.models import AdministrativeUnit, Organisation
from tests import factories as f

Level = AdministrativeUnit.Level


def ward_picked(*, province: int, district: int, ward: int) -> dict:
    """The form fields a person fills by choosing from the three lists (GSO codes → the units' ids)."""
    return {"province": f.unit(Level.PROVINCE, province).pk, "district": f.unit(Level.DISTRICT, district).pk,
            "ward": f.unit(Level.WARD, ward).pk}


@pytest.fixture
def citizen(db, django_user_model, client):
    user = django_user_model.objects.create_citizen("0912777101", "x-Password-9", full_name="Đại Diện")
    client.force_login(user)
    return client


FIELDS = {"name": "Công ty TNHH Sông Hồng", "kind": "company", "registration_number": "0101234567",
          "address": "1 Phúc Xá", "contact_name": "Đại Diện"}


def test_the_form_offers_the_province_district_ward_picker(citizen):
    page = citizen.get(reverse("vaccination:organisation_list")).content.decode()
    assert 'data-units-url="/units/0/children/"' in page and "js/address.js" in page
    for label in ("Tỉnh/thành phố", "Quận/huyện", "Phường/xã"):
        assert f">{label}</label>" in page
    assert "Mã phường" not in page and 'name="ward_code"' not in page
    assert "Thành phố Hà Nội" in page  # the provinces are listed; districts follow the chosen one


def test_an_organisation_is_registered_in_the_ward_picked(citizen):
    response = citizen.post(reverse("vaccination:organisation_list"),
                            {**FIELDS, **ward_picked(province=1, district=1, ward=4)})
    organisation = Organisation.objects.get(registration_number="0101234567")
    assert response.status_code == 302
    assert organisation.unit == f.unit(Level.WARD, 4)  # Phường Trúc Bạch, Quận Ba Đình


def test_a_ward_outside_the_district_is_refused_by_name_and_nothing_is_written(citizen):
    picked = ward_picked(province=1, district=1, ward=37)  # Phúc Tân is in Hoàn Kiếm, not Ba Đình
    response = citizen.post(reverse("vaccination:organisation_list"), {**FIELDS, **picked})
    page = response.content.decode()
    assert response.status_code == 200 and not Organisation.objects.exists()
    ward_field = page.split('<label for="id_ward">')[1].split("</div>")[0]
    assert "Hãy chọn một lựa chọn hợp lệ" in ward_field
    # what the person chose is kept, and the district's wards are there to choose from again
    assert f'<option value="{picked["district"]}" selected>Quận Ba Đình</option>' in page
    assert "Phường Trúc Bạch" in ward_field


def test_no_ward_chosen_says_so(citizen):
    picked = ward_picked(province=1, district=1, ward=4)
    response = citizen.post(reverse("vaccination:organisation_list"), {**FIELDS, **picked, "ward": ""})
    assert "Hãy chọn phường/xã." in response.content.decode() and not Organisation.objects.exists()
