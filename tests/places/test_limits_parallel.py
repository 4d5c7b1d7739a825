"""The check-in limit under parallel requests on PostgreSQL: twenty check-ins of one account at the same moment
record at most the limit (the counter is one atomic upsert, counted before the visit is written)."""
import pytest
from django.core.exceptions import ValidationError

from places.models import Venue, Visit
from places.services import venue_register, visit_record
from registry.models import AdministrativeUnit
from registry.reference_data import load_reference_data
from tests.parallel import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tx_places(request, transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("places")


def test_twenty_check_ins_at_once_record_at_most_the_limit(tx_places, settings):
    settings.PLACES_VISITS_PER_ACCOUNT = 5
    places = tx_places
    jobs = [lambda: visit_record(actor=places["lan"], code=places["ba_dinh"].code,
                                 person_ids=[places["lan_person"].pk, places["son"].pk]) for _ in range(20)]
    errors = run_together(jobs)
    assert len(errors) == 15 and all(getattr(e, "code", None) == "rate_limited" for e in errors), errors
    assert Visit.objects.count() == 10  # five check-ins, each for two people


def test_venue_registrations_at_once_stop_at_the_limit(tx_places, settings):
    settings.PLACES_VENUES_PER_ACCOUNT = 3
    places = tx_places
    ward = places["ba_dinh"].ward
    jobs = [lambda n=n: venue_register(actor=places["hoa"], kind="shop", name=f"Quầy {n}", ward=ward, street="1")
            for n in range(10)]
    errors = run_together(jobs)
    assert len(errors) == 7 and all(isinstance(e, ValidationError) for e in errors)
    assert Venue.objects.filter(owner=places["hoa"]).count() == 3
