import datetime

import pytest
from django.utils import timezone

from citizens.services.people import family_member_add
from places.models import Venue, Visit
from places.services import venue_register
from tests import factories as f
from tests.conftest import PHUC_TAN, PHUC_XA, VY_DA
from tests.vaccination.conftest import people  # noqa: F401 - fixture

Level = f.Level


def make_venue(owner, ward_code: int = PHUC_XA, name: str = "Chợ Châu Long") -> Venue:
    return venue_register(actor=owner, kind=Venue.Kind.MARKET, name=name, ward=f.unit(Level.WARD, ward_code),
                          street="6 Châu Long")


def visit_at(venue, person, account, when) -> Visit:
    return Visit.objects.create(venue=venue, person=person, recorded_by=account, visited_at=when)


@pytest.fixture
def places(world, people):  # noqa: F811 - fixture
    """A market in Ba Đình (run by Minh), one in Hoàn Kiếm (Tân) and one in Huế (Huế); Lan with her son."""
    lan = people["lan"]
    son = family_member_add(actor=lan["account"], data={"full_name": "Nguyễn Minh Khôi", "sex": "M",
                                                         "date_of_birth": datetime.date(2012, 5, 1)})
    return {
        "ba_dinh": make_venue(people["minh"]["account"]),
        "hoan_kiem": make_venue(people["tan"]["account"], PHUC_TAN, "Chợ Hàng Da"),
        "hue": make_venue(people["hue"]["account"], VY_DA, "Chợ Đông Ba"),
        "lan": lan["account"], "lan_person": lan["person"], "son": son,
        "hoa": people["hoa"]["account"], "hoa_person": people["hoa"]["person"],
        "now": timezone.now(),
    }
