"""Medical appointments over the API: slots, bookings (Idempotency-Key), moving, cancelling, the consultation
history and the one list of appointments, through the pages' selectors and services; others' are 404."""
import pytest

from clinics.models import Booking, Slot
from tests.clinics.conftest import child_of, publish
from tests.vaccination.conftest import people  # noqa: F401 - fixture

from .conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, path, data, headers):
    return client.post(f"/api/v1{path}", data=data, content_type="application/json", **headers)


@pytest.fixture
def slots(world):
    return publish(world["site_staff_phuc_xa"])


def test_find_book_move_list_and_cancel(client, world, people, slots):
    lan = people["lan"]["account"]
    headers = bearer(lan)
    district = world["site_phuc_xa"].unit.parent_id
    found = client.get("/api/v1/clinics/slots", {"service": "general", "district_id": district}, **headers).json()
    assert found["count"] == 4 and [s["id"] for s in found["items"]] == [s.pk for s in slots]
    assert found["items"][0]["facility"] == "Trạm Y tế Phường Phúc Xá" and found["items"][0]["free"] == 2
    assert client.get("/api/v1/clinics/slots", {"service": "dental"}, **headers).json()["count"] == 0
    assert client.get("/api/v1/clinics/slots", {"service": "surgery"}, **headers).status_code == 422

    child = child_of(lan)
    body = {"person_id": child.pk, "slot_id": slots[0].pk}
    first = post(client, "/clinics/bookings", body, {**headers, "HTTP_IDEMPOTENCY_KEY": "book-1"})
    again = post(client, "/clinics/bookings", body, {**headers, "HTTP_IDEMPOTENCY_KEY": "book-1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Booking.objects.count() == 1 and Slot.objects.get(pk=slots[0].pk).booked == 1
    booking_id = first.json()["id"]
    assert first.json()["person_name"] == "Nguyễn Minh Khôi" and first.json()["status"] == "booked"

    same_time = post(client, "/clinics/bookings", body, headers)  # no key: a second booking at the same time
    assert same_time.status_code == 422 and "person" in same_time.json()["errors"]

    moved = post(client, f"/clinics/bookings/{booking_id}/move", {"slot_id": slots[1].pk}, headers)
    assert moved.status_code == 200 and moved.json()["slot"]["id"] == slots[1].pk
    listed = client.get("/api/v1/appointments", **headers).json()
    medical = [a for a in listed if a["kind"] == "medical"]
    assert [(a["id"], a["person_name"]) for a in medical] == [(booking_id, "Nguyễn Minh Khôi")]
    assert medical[0]["cancel_api"] == f"/api/v1/clinics/bookings/{booking_id}/cancel"
    assert medical[0]["cancel_url"] == f"/clinics/bookings/{booking_id}/cancel/"
    assert client.get("/api/v1/clinics/bookings", **headers).json()["count"] == 1

    cancelled = post(client, f"/clinics/bookings/{booking_id}/cancel", {}, headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert post(client, f"/clinics/bookings/{booking_id}/cancel", {}, headers).status_code == 404
    assert [a for a in client.get("/api/v1/appointments", **headers).json() if a["kind"] == "medical"] == []


def test_another_citizens_booking_and_people_are_404(client, people, slots):
    from clinics.services import booking_create

    lan = people["lan"]["account"]
    booking = booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    minh = bearer(people["minh"]["account"])
    assert post(client, f"/clinics/bookings/{booking.pk}/cancel", {}, minh).status_code == 404
    assert post(client, f"/clinics/bookings/{booking.pk}/move", {"slot_id": slots[1].pk}, minh).status_code == 404
    refused = post(client, "/clinics/bookings", {"person_id": lan.person.pk, "slot_id": slots[1].pk}, minh)
    assert refused.status_code == 404 and refused["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/clinics/bookings", **minh).json()["count"] == 0
    assert client.get("/api/v1/consultations", **minh).json()["items"] == []
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED


def test_the_daily_limit_is_a_429_in_english_when_asked(client, settings, people, slots):
    settings.CLINIC_BOOKINGS_PER_ACCOUNT_PER_DAY = 1
    lan = people["lan"]["account"]
    headers = {**bearer(lan), "HTTP_ACCEPT_LANGUAGE": "en"}
    assert post(client, "/clinics/bookings", {"person_id": lan.person.pk, "slot_id": slots[0].pk},
                headers).status_code == 201
    refused = post(client, "/clinics/bookings", {"person_id": lan.person.pk, "slot_id": slots[2].pk}, headers)
    assert refused.status_code == 429 and "the most allowed in one day" in refused.json()["detail"]


def test_the_consultation_history_newest_first(client, world, people):
    from clinics.services import consultation_record
    from vaccination.services.reactions import help_request_submit

    lan = people["lan"]["account"]
    help_request_submit(actor=lan, person_id=lan.person.pk, kind="other", message="Con tôi bị ho",
                        site=world["site_phuc_xa"])
    consultation_record(actor=world["district_ba_dinh"], person_id=lan.person.pk, reason="Ho",
                        advice="Cho uống nhiều nước")
    history = client.get("/api/v1/consultations", **bearer(lan)).json()
    assert history["count"] == 2 and [h["kind"] for h in history["items"]] == ["consultation", "help_request"]
    assert history["items"][0]["answer"] == "Cho uống nhiều nước" and history["items"][1]["text"] == "Con tôi bị ho"
    second = client.get("/api/v1/consultations", {"limit": 1, "offset": 1}, **bearer(lan)).json()
    assert [h["kind"] for h in second["items"]] == ["help_request"] and second["count"] == 2


def test_days_at_the_ends_of_the_calendar_are_answered(client, people, console_client, world):
    headers = bearer(people["lan"]["account"])
    for day in ("9999-12-31", "0001-01-01"):
        found = client.get("/api/v1/clinics/slots", {"service": "general", "day": day}, **headers)
        assert found.status_code == 200 and found.json()["count"] == 0
    staff = console_client(world["site_staff_phuc_xa"])
    assert staff.get("/console/clinics/", {"day": "9999-12-31"}).status_code == 200
