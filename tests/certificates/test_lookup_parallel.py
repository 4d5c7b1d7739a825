"""Certificate look-up limits under real parallel requests on PostgreSQL: separate phones (threads, each with its
own connection and session) reach the live server at the same moment.

Each test would pass if the requests came one after another; they exist because a limit that reads a count and
then acts lets parallel requests through together.
"""
import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from citizens.models import SmsMessage
from registry.models import AdministrativeUnit
from registry.reference_data import load_reference_data
from tests.conftest import PHUC_XA
from tests.live_http import Browser, no_server_error, together
from tests.vaccination.conftest import citizen_person, register
from vaccination.services.dose_recording import dose_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

START, CODE = "/certificates/lookup/", "/certificates/lookup/code/"
PHONE = "+84912000701"
BORN = datetime.date(1991, 7, 15)


@pytest.fixture
def vaccinated(request, transactional_db, django_user_model):
    """Lý Thị Hạnh, ID 001191000123, one dose at Phúc Xá; her phone is recorded with her vaccination."""
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    world, lot = request.getfixturevalue("world"), request.getfixturevalue("lot")
    account, person = citizen_person(django_user_model, "0912000701", "Lý Thị Hạnh", PHUC_XA, born=BORN)
    person.id_number, person.id_kind = "001191000123", "cccd"
    person.save()
    register(account, person)
    dose_record(actor=world["site_staff_phuc_xa"], person_id=person.pk, site_id=world["site_phuc_xa"].pk,
                lot_id=lot.pk, idempotency_key="hanh-1", dose_number=1, given_at=timezone.now())
    return person


@pytest.fixture
def limits(settings):
    settings.LOOKUP_PER_IP = 100
    settings.LOOKUP_PER_ID = 100
    settings.LOOKUP_PER_PHONE = 100
    settings.LOOKUP_CODE_MAX_ATTEMPTS = 5
    return settings


def _phone(base_url: str) -> tuple[Browser, str]:
    """A browser with the look-up form loaded, and the security code its picture shows."""
    browser = Browser(base_url).open_form(START)
    session = SessionStore(session_key=browser.cookies[settings.SESSION_COOKIE_NAME])
    return browser, session["captcha:certificate_lookup"]


def _look_up(base_url: str, count: int, identifiers) -> list:
    phones = [_phone(base_url) for _ in range(count)]
    return together([lambda b=b, c=c, i=i: b.post(START, {"identifier": i, "date_of_birth": BORN.isoformat(),
                                                          "captcha": c})
                     for (b, c), i in zip(phones, identifiers)])


def test_twenty_look_ups_of_one_id_at_once_pass_exactly_the_limit(vaccinated, live_server, limits):
    limits.LOOKUP_PER_ID = 3
    answers = _look_up(live_server.url, 20, ["001191000123"] * 20)
    no_server_error(answers)
    assert sorted(answer.status for answer in answers) == [302] * 3 + [429] * 17
    assert all("Số này đã được tra cứu quá nhiều lần" in a.text for a in answers if a.status == 429)
    assert SmsMessage.objects.filter(phone=PHONE).count() == 3


def test_an_unknown_id_is_limited_exactly_like_a_known_one(vaccinated, live_server, limits):
    limits.LOOKUP_PER_ID = 3
    answers = _look_up(live_server.url, 20, ["001191000999"] * 20)
    no_server_error(answers)
    assert sorted(answer.status for answer in answers) == [302] * 3 + [429] * 17
    assert not SmsMessage.objects.exists()


def test_fifteen_look_ups_from_one_address_at_once_pass_exactly_its_limit(vaccinated, live_server, limits):
    limits.LOOKUP_PER_IP = 10
    answers = _look_up(live_server.url, 15, [f"0011910{n:05d}" for n in range(15)])
    no_server_error(answers)
    assert sorted(answer.status for answer in answers) == [302] * 10 + [429] * 5
    assert all("Có quá nhiều lượt tra cứu từ kết nối này" in a.text for a in answers if a.status == 429)


def test_the_recorded_phone_gets_at_most_its_limit_and_nobody_is_told(vaccinated, live_server, limits):
    """Ten look-ups of one person at once, by ID and by phone number: two codes go, and every answer is the
    same redirect to the same page."""
    limits.LOOKUP_PER_PHONE = 2
    answers = _look_up(live_server.url, 10, ["001191000123", "0912000701"] * 5)
    no_server_error(answers)
    assert {(answer.status, answer.headers["location"]) for answer in answers} == {(302, CODE)}
    assert SmsMessage.objects.filter(phone=PHONE).count() == 2


def test_wrong_codes_at_once_are_counted_exactly_and_the_right_one_is_then_refused(vaccinated, live_server,
                                                                                   limits):
    browser, captcha = _phone(live_server.url)
    assert browser.post(START, {"identifier": "001191000123", "date_of_birth": BORN.isoformat(),
                                "captcha": captcha}).status == 302
    right = re.search(r"\b(\d{6})\b", SmsMessage.objects.get(phone=PHONE).text).group(1)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    tabs = []
    for _ in range(12):  # twelve tabs of the same browser, one session
        tab = Browser(live_server.url)
        tab.cookies = dict(browser.cookies)
        tabs.append(tab.open_form(CODE))
    answers = together([lambda t=t: t.post(CODE, {"code": wrong}) for t in tabs])
    no_server_error(answers)
    left = [int(m.group(1)) for a in answers if (m := re.search(r"Bạn còn (\d+) lần thử", a.text))]
    assert sorted(left) == [1, 2, 3, 4]  # each try counted once: 4, 3, 2, 1 left, then no more checks
    assert sum(answer.status == 302 for answer in answers) == 8  # sent back to look up again
    tab = Browser(live_server.url)
    tab.cookies = dict(browser.cookies)
    final = tab.post(CODE, {"code": right})
    assert final.status == 302 and final.headers["location"] != "/certificates/lookup/result/"
