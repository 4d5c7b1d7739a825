"""The province → district → ward rule: one function in registry, and every address picker refuses the same way."""
import pytest
from django.utils import translation

from registry.models import AdministrativeUnit
from tests.conftest import BA_DINH, HA_NOI, HUE, PHUC_XA, THUAN_HOA, VY_DA

Level = AdministrativeUnit.Level


def _unit(level, code):
    return AdministrativeUnit.objects.get(level=level, code=code)


def test_a_unit_lies_in_its_parent_only(db):
    phuc_xa, ba_dinh, thuan_hoa = _unit(Level.WARD, PHUC_XA), _unit(Level.DISTRICT, BA_DINH), _unit(
        Level.DISTRICT, THUAN_HOA)
    assert phuc_xa.lies_in(ba_dinh) and ba_dinh.lies_in(_unit(Level.PROVINCE, HA_NOI))
    assert not phuc_xa.lies_in(thuan_hoa) and not ba_dinh.lies_in(_unit(Level.PROVINCE, HUE))
    assert not phuc_xa.lies_in(None)


def _person_form(data):
    from citizens.forms import PersonForm

    return PersonForm(data={"full_name": "Lê Thị Một", "date_of_birth": "1990-01-01", "sex": "female", **data})


def _venue_form(data):
    from places.forms import VenueForm

    return VenueForm(data={"kind": VenueForm.base_fields["kind"].choices[-1][0], "name": "Quán cà phê", **data})


@pytest.mark.parametrize("make_form", [_person_form, _venue_form], ids=["profile", "venue"])
def test_every_address_picker_refuses_a_ward_outside_the_district_chosen(db, make_form):
    """Hà Nội chosen, then a district of Huế (not offered under Hà Nội) and one of its wards."""
    ha_noi, thuan_hoa, vy_da = _unit(Level.PROVINCE, HA_NOI), _unit(Level.DISTRICT, THUAN_HOA), _unit(
        Level.WARD, VY_DA)
    with translation.override("en"):
        form = make_form({"province": ha_noi.pk, "district": thuan_hoa.pk, "ward": vy_da.pk})
        assert not form.is_valid()
        assert "This ward is not in the district chosen." in form.errors["ward"]
        hue = _unit(Level.PROVINCE, HUE)
        assert "ward" not in make_form({"province": hue.pk, "district": thuan_hoa.pk, "ward": vy_da.pk}).errors
