"""Venues, visits and exposures through their services: who may do what, where, and what each one writes."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from citizens.models import Notification, SmsMessage
from places.models import CODE_ALPHABET, Exposure, ExposureContact, Venue, Visit
from places.services import exposure_declare, exposure_notify, venue_register, visit_record, visits_purge
from places.selectors import venue_visit_days, visits_for
from places.tasks import visits_purge as visits_purge_task
from registry.audit import audit_trail
from tests import factories as f
from tests.conftest import PHUC_XA

from .conftest import visit_at

HOUR = datetime.timedelta(hours=1)


def _declare(officer, venue, now, **extra):
    data = {"starts_at": now - 2 * HOUR, "ends_at": now, "reason": "Ca bệnh xác nhận",
            "advice": "Theo dõi sức khỏe 14 ngày.", **extra}
    return exposure_declare(officer=officer, venue_id=venue.pk, **data)


def test_a_registered_venue_gets_a_random_code_and_an_audit_row(places):
    venue = places["ba_dinh"]
    other = venue_register(actor=places["lan"], kind=Venue.Kind.SHOP, name="Tạp hóa Lan",
                           ward=f.unit(f.Level.WARD, PHUC_XA), street="1 Phúc Xá")
    assert len(venue.code) == 10 and venue.code != other.code
    assert set(other.code) <= set(CODE_ALPHABET)  # random letters and digits: no name, no id in it
    assert [e.action for e in audit_trail(other)] == ["venue.register"]


def test_staff_cannot_register_a_venue(world):
    with pytest.raises(Http404):
        venue_register(actor=world["district_ba_dinh"], kind="shop", name="X", ward=f.unit(f.Level.WARD, PHUC_XA),
                       street="1")


def test_venues_per_account_are_limited(places, settings):
    settings.PLACES_VENUES_PER_ACCOUNT = 1
    with pytest.raises(ValidationError):
        venue_register(actor=places["hoa"], kind="shop", name="A", ward=f.unit(f.Level.WARD, PHUC_XA), street="1")
        venue_register(actor=places["hoa"], kind="shop", name="B", ward=f.unit(f.Level.WARD, PHUC_XA), street="2")
    assert Venue.objects.filter(owner=places["hoa"]).count() == 1


def test_a_citizen_checks_in_with_family_by_a_typed_code(places):
    venue = places["ba_dinh"]
    typed = venue.code_display.lower()  # as read from the poster, with its dash, in lower case
    visits = visit_record(actor=places["lan"], code=typed, person_ids=[places["lan_person"].pk, places["son"].pk])
    assert len(visits) == 2
    seen = list(visits_for(places["lan"]))
    assert {v.person for v in seen} == {places["lan_person"], places["son"]} and seen[0].venue == venue
    assert list(visits_for(places["hoa"])) == []


def test_checking_in_someone_outside_the_family_is_404_and_writes_nothing(places):
    with pytest.raises(Http404):
        visit_record(actor=places["lan"], code=places["ba_dinh"].code,
                     person_ids=[places["lan_person"].pk, places["hoa_person"].pk])
    assert not Visit.objects.exists()


def test_an_unknown_code_and_no_one_ticked_are_refused_naming_the_field(places):
    with pytest.raises(ValidationError) as unknown:
        visit_record(actor=places["lan"], code="ZZZZZZZZZZ", person_ids=[places["lan_person"].pk])
    assert "code" in unknown.value.message_dict
    with pytest.raises(ValidationError) as nobody:
        visit_record(actor=places["lan"], code=places["ba_dinh"].code, person_ids=[])
    assert "people" in nobody.value.message_dict
    assert not Visit.objects.exists()


def test_visits_per_account_are_limited(places, settings):
    settings.PLACES_VISITS_PER_ACCOUNT = 2
    for _ in range(2):
        visit_record(actor=places["lan"], code=places["ba_dinh"].code, person_ids=[places["lan_person"].pk])
    with pytest.raises(ValidationError) as refused:
        visit_record(actor=places["lan"], code=places["ba_dinh"].code, person_ids=[places["lan_person"].pk])
    assert refused.value.code == "rate_limited"
    assert Visit.objects.count() == 2
    visit_record(actor=places["hoa"], code=places["ba_dinh"].code, person_ids=[places["hoa_person"].pk])  # per account


def test_an_exposure_tells_everyone_in_the_window_once(places, world, django_capture_on_commit_callbacks):
    venue, now = places["ba_dinh"], places["now"]
    visit_at(venue, places["lan_person"], places["lan"], now - HOUR)
    visit_at(venue, places["son"], places["lan"], now - HOUR)
    visit_at(venue, places["lan_person"], places["lan"], now - 90 * datetime.timedelta(minutes=1))  # twice: told once
    visit_at(venue, places["hoa_person"], places["hoa"], now - 5 * HOUR)  # before the window
    with django_capture_on_commit_callbacks(execute=True):
        exposure = _declare(world["district_ba_dinh"], venue, now)
    exposure.refresh_from_db()
    assert (exposure.status, exposure.notified_count) == (Exposure.Status.SENT, 2)
    told = Notification.objects.filter(title__contains="Chợ Châu Long")
    assert sorted(n.person_id for n in told) == sorted([places["lan_person"].pk, places["son"].pk])
    assert all(n.recipient == places["lan"] for n in told)
    sms = SmsMessage.objects.filter(purpose=SmsMessage.Purpose.NOTICE)
    assert sms.count() == 2 and all("Cho Chau Long" in m.text for m in sms)
    assert not Notification.objects.filter(person=places["hoa_person"]).exists()
    assert exposure_notify(exposure_id=exposure.pk) == 0  # run again (a retried task): nobody told twice
    assert Notification.objects.filter(title__contains="Chợ Châu Long").count() == 2
    assert [e.action for e in audit_trail(exposure)] == ["exposure.notified", "exposure.declare"]


@pytest.mark.parametrize("officer, venue", [
    ("province_hue", "ba_dinh"),  # another province
    ("district_ba_dinh", "hoan_kiem"),  # another district of the same province
    ("site_staff_phuc_xa", "ba_dinh"),  # in the area, without the permission
])
def test_an_officer_cannot_flag_a_venue_outside_their_area_or_without_the_permission(places, world, officer, venue):
    with pytest.raises(Http404):
        _declare(world[officer], places[venue], places["now"])
    assert not Exposure.objects.exists()


def test_the_province_flags_a_venue_of_any_of_its_districts(places, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        exposure = _declare(world["province_ha_noi"], places["hoan_kiem"], places["now"])
    assert Exposure.objects.get(pk=exposure.pk).status == Exposure.Status.SENT


def test_a_window_that_ends_before_it_starts_or_starts_in_the_future_is_refused(places, world):
    now = places["now"]
    with pytest.raises(ValidationError) as backwards:
        _declare(world["district_ba_dinh"], places["ba_dinh"], now, starts_at=now - HOUR, ends_at=now - 2 * HOUR)
    assert "ends_at" in backwards.value.message_dict
    with pytest.raises(ValidationError) as future:
        _declare(world["district_ba_dinh"], places["ba_dinh"], now, starts_at=now + HOUR, ends_at=now + 2 * HOUR)
    assert "starts_at" in future.value.message_dict
    assert not Exposure.objects.exists()


def test_officers_read_counts_per_day_not_names(places):
    venue, now = places["ba_dinh"], places["now"]
    visit_at(venue, places["lan_person"], places["lan"], now)
    visit_at(venue, places["lan_person"], places["lan"], now)
    visit_at(venue, places["hoa_person"], places["hoa"], now - datetime.timedelta(days=2))
    days = venue_visit_days(venue=venue)
    assert [(d["visits"], d["people"]) for d in days] == [(2, 1), (1, 1)]
    assert set(days[0]) == {"day", "visits", "people"}


def test_visits_past_their_retention_are_deleted_by_the_periodic_task(places, settings,
                                                                      django_assert_max_num_queries):
    settings.PLACES_VISIT_RETENTION_DAYS = 21
    venue, now = places["ba_dinh"], places["now"]
    old = [visit_at(venue, places["lan_person"], places["lan"], now - datetime.timedelta(days=22)) for _ in range(30)]
    kept = visit_at(venue, places["son"], places["lan"], now - datetime.timedelta(days=20))
    with django_assert_max_num_queries(4):  # set-based: not a query per row
        assert visits_purge_task.apply().get() == len(old)
    assert list(Visit.objects.all()) == [kept]
    settings.PLACES_VISIT_RETENTION_DAYS = 19
    assert visits_purge() == 1 and not Visit.objects.exists()


def test_who_was_told_is_forgotten_with_the_visits(places, world, django_capture_on_commit_callbacks):
    venue, now = places["ba_dinh"], places["now"]
    visit_at(venue, places["lan_person"], places["lan"], now - HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        exposure = _declare(world["district_ba_dinh"], venue, now)
    assert ExposureContact.objects.filter(exposure=exposure).count() == 1
    visits_purge(now=now + datetime.timedelta(days=22))
    assert not ExposureContact.objects.exists() and not Visit.objects.exists()
    assert Exposure.objects.get(pk=exposure.pk).notified_count == 1  # the count stays for the officers
