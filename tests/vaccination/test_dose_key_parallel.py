"""A dose request key sent for two people at the same moment, as real parallel requests on PostgreSQL.

Sent one after the other, the second is refused by the key check; sent together, both pass that check before
either has written, and the database's unique key decides. The second must still get the message, not a 500.
"""
import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from registry.models import AdministrativeUnit
from registry.reference_data import load_reference_data
from tests.conftest import PHUC_XA
from tests.live_http import Browser, no_server_error, together
from tests.vaccination.conftest import citizen_person, register
from vaccination.models import Dose, StockBalance, Visit
from vaccination.services.visit_steps import visit_check_in, visit_screen
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import session_create, session_schedule_auto

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tx_world(request, transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("world")


def _station(base_url: str, session_cookie: str, visit: Visit) -> Browser:
    """A second browser of the same site staff member, with the visit's page open."""
    browser = Browser(base_url)
    browser.cookies[settings.SESSION_COOKIE_NAME] = session_cookie
    return browser.open_form(f"/console/vaccination/site/visits/{visit.pk}/")


def test_one_key_for_two_people_at_once_records_one_dose_and_tells_the_other(tx_world, lot, live_server,
                                                                             django_user_model):
    world, staff = tx_world, tx_world["site_staff_phuc_xa"]
    registrations = [register(*citizen_person(django_user_model, f"09120009{n:02d}", f"Người Tiêm {n}", PHUC_XA))
                     for n in range(6)]
    ids = [r.pk for r in registrations]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk,
                             date=timezone.localdate(), start_time=datetime.time(0, 0),
                             end_time=datetime.time(23, 30), slot_minutes=30, people_per_slot=5, lot_id=lot.pk)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    visits = []
    for registration in registrations:
        visit = visit_check_in(actor=staff, person_id=registration.person_id)
        visits.append(visit_screen(actor=staff, visit_id=visit.pk, answers={}, outcome="screened", temperature=36.6))
    client = Client()
    client.force_login(staff)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    for round_, pair in enumerate([visits[0:2], visits[2:4], visits[4:6]]):  # a race is won by either side
        stations = [_station(live_server.url, cookie, visit) for visit in pair]
        key = f"copied-form-{round_}"
        answers = together([lambda b=b, v=v: b.post(f"/console/vaccination/site/visits/{v.pk}/inject/",
                                                    {"lot": lot.pk, "idempotency_key": key})
                            for b, v in zip(stations, pair)])
        no_server_error(answers)
        assert [answer.status for answer in answers] == [302, 302]
        assert Dose.objects.filter(idempotency_key=key).count() == 1
        steps = [Visit.objects.get(pk=visit.pk).step for visit in pair]
        assert sorted(steps) == ["observing", "screened"]
        refused = steps.index("screened")
        page = stations[refused].get(f"/console/vaccination/site/visits/{pair[refused].pk}/").text
        assert "Mã yêu cầu này đã được dùng cho người khác." in page
    assert Dose.objects.count() == 3
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == 1000 - 3
