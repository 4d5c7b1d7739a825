"""Publishing slots, booking, moving and cancelling, the limits, and who may act on which booking."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from citizens.models import Notification
from clinics.models import Booking, Slot
from clinics.services import (
    booking_cancel, booking_create, booking_mark_attended, booking_mark_no_show, booking_move, slots_publish,
)
from registry.models import AuditEvent
from tests import factories as f
from tests.conftest import Role

from .conftest import child_of, publish, tomorrow

pytestmark = pytest.mark.django_db


def test_a_day_is_published_in_one_insert_and_again_is_refused_by_time(world, django_assert_num_queries):
    staff = world["site_staff_phuc_xa"]
    slots = publish(staff, start=datetime.time(7, 30), end=datetime.time(11), minutes=30, capacity=3)
    assert [timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots] == [
        "07:30", "08:00", "08:30", "09:00", "09:30", "10:00", "10:30"]
    assert {s.capacity for s in slots} == {3} and {s.facility_id for s in slots} == {world["site_phuc_xa"].pk}
    with pytest.raises(ValidationError) as refused:
        slots_publish(actor=staff, service="general", day=tomorrow(), start=datetime.time(10),
                      end=datetime.time(12), minutes=30, capacity=3)
    assert "10:00, 10:30" in refused.value.message_dict["start"][0]
    assert Slot.objects.count() == 7  # nothing partial
    # Another service at the same times is another list.
    assert len(publish(staff, service="dental", start=datetime.time(7, 30), end=datetime.time(8, 30))) == 4
    assert AuditEvent.objects.filter(action="clinic.slots_publish").count() == 2


def test_only_a_facilitys_staff_publish_and_only_sensible_days(world):
    with pytest.raises(PermissionDenied):
        slots_publish(actor=world["district_ba_dinh"], service="general", day=tomorrow(), start=datetime.time(8),
                      end=datetime.time(9), minutes=15, capacity=1)
    staff = world["site_staff_phuc_xa"]
    for kwargs, field in [({"day": timezone.localdate() - datetime.timedelta(days=1)}, "day"),
                          ({"end": datetime.time(7)}, "end"), ({"minutes": 2}, "minutes"),
                          ({"capacity": 0}, "capacity"), ({"service": "surgery"}, "service")]:
        with pytest.raises(ValidationError) as refused:
            slots_publish(actor=staff, **{"service": "general", "day": tomorrow(), "start": datetime.time(8),
                                          "end": datetime.time(9), "minutes": 15, "capacity": 1, **kwargs})
        assert field in refused.value.message_dict
    assert not Slot.objects.exists()


def test_book_for_a_family_member_takes_a_place_and_tells_the_account(lan, slots):
    child = child_of(lan)
    booking = booking_create(actor=lan, person_id=child.pk, slot_id=slots[0].pk)
    assert booking.status == Booking.Status.BOOKED and booking.person == child and booking.booked_by == lan
    slots[0].refresh_from_db()
    assert slots[0].booked == 1
    assert Notification.objects.filter(recipient=lan, title="Đã đặt lịch khám").count() == 1
    assert AuditEvent.objects.filter(action="clinic.booking_create", actor=lan).count() == 1


def test_nobody_books_someone_elses_person(people, slots):
    stranger = people["minh"]["account"]
    with pytest.raises(Http404):
        booking_create(actor=stranger, person_id=people["lan"]["person"].pk, slot_id=slots[0].pk)
    assert not Booking.objects.exists()


def test_a_full_slot_and_a_second_booking_at_the_same_time_are_refused(world, people, lan, slots):
    lan_person = people["lan"]["person"]
    booking_create(actor=lan, person_id=lan_person.pk, slot_id=slots[0].pk)
    # The same person, the same time at another facility: refused, naming the person.
    other_site = publish(f.staff("tram_truc_bach", Role.SITE, facility=world["site_truc_bach"]))
    with pytest.raises(ValidationError) as refused:
        booking_create(actor=lan, person_id=lan_person.pk, slot_id=other_site[0].pk)
    assert "Nguyễn Thị Lan" in refused.value.message_dict["person"][0]
    booking_create(actor=lan, person_id=child_of(lan).pk, slot_id=slots[0].pk)
    with pytest.raises(ValidationError) as full:
        booking_create(actor=lan, person_id=child_of(lan, "Nguyễn Minh An").pk, slot_id=slots[0].pk)
    assert "slot" in full.value.message_dict
    assert Slot.objects.get(pk=slots[0].pk).booked == 2
    other_site[0].refresh_from_db()
    assert other_site[0].booked == 0  # the refused booking took nothing


def test_bookings_per_account_per_day_are_limited(settings, lan, slots):
    settings.CLINIC_BOOKINGS_PER_ACCOUNT_PER_DAY = 2
    child = child_of(lan)
    first = booking_create(actor=lan, person_id=child.pk, slot_id=slots[0].pk)
    booking_cancel(actor=lan, booking_id=first.pk)  # a cancelled booking still counts
    booking_create(actor=lan, person_id=child.pk, slot_id=slots[1].pk)
    with pytest.raises(ValidationError) as refused:
        booking_create(actor=lan, person_id=child.pk, slot_id=slots[2].pk)
    assert refused.value.code == "rate_limited" and "2" in refused.value.messages[0]


def test_a_slot_that_has_passed_cannot_be_booked(lan, slots):
    Slot.objects.filter(pk=slots[0].pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError) as refused:
        booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    assert "slot" in refused.value.message_dict


def test_move_takes_the_new_place_gives_back_the_old_and_reminds_again_for_a_new_day(world, lan, slots):
    staff = world["site_staff_phuc_xa"]
    later = publish(staff, day=tomorrow() + datetime.timedelta(days=1))
    booking = booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    Booking.objects.filter(pk=booking.pk).update(reminded_at=timezone.now())
    moved = booking_move(actor=lan, booking_id=booking.pk, slot_id=later[1].pk)
    assert moved.pk == booking.pk and moved.slot_id == later[1].pk and moved.starts_at == later[1].starts_at
    assert Booking.objects.get(pk=booking.pk).reminded_at is None
    assert [Slot.objects.get(pk=s.pk).booked for s in (slots[0], later[1])] == [0, 1]
    # Only to an open time of the same service at the same facility.
    dental = publish(staff, service="dental")
    with pytest.raises(ValidationError) as refused:
        booking_move(actor=lan, booking_id=booking.pk, slot_id=dental[0].pk)
    assert "slot" in refused.value.message_dict
    assert AuditEvent.objects.filter(action="clinic.booking_move").count() == 1


def test_cancel_gives_the_place_back_once(people, lan, slots):
    booking = booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    with pytest.raises(Http404):
        booking_cancel(actor=people["minh"]["account"], booking_id=booking.pk)  # not theirs: not found
    booking_cancel(actor=lan, booking_id=booking.pk)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert Slot.objects.get(pk=slots[0].pk).booked == 0
    with pytest.raises(Http404):
        booking_cancel(actor=lan, booking_id=booking.pk)
    assert Slot.objects.get(pk=slots[0].pk).booked == 0


def _today(booking):
    """The appointment's day has come (its hour passed)."""
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))


def test_staff_mark_their_facilitys_bookings_along_the_transitions(world, lan, slots):
    booking = booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    staff = world["site_staff_phuc_xa"]
    with pytest.raises(ValidationError):
        booking_mark_attended(actor=staff, booking_id=booking.pk)  # tomorrow's: not yet
    _today(booking)
    other_site = f.staff("tram_truc_bach", Role.SITE, facility=world["site_truc_bach"])
    with pytest.raises(Http404):
        booking_mark_attended(actor=other_site, booking_id=booking.pk)
    with pytest.raises(PermissionDenied):
        booking_mark_attended(actor=world["district_ba_dinh"], booking_id=booking.pk)
    assert booking_mark_attended(actor=staff, booking_id=booking.pk).status == Booking.Status.ATTENDED
    with pytest.raises(ValidationError) as refused:
        booking_mark_no_show(actor=staff, booking_id=booking.pk)
    assert "Đã đến" in refused.value.messages[0]
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.ATTENDED
    assert AuditEvent.objects.filter(action="clinic.booking_attended", actor=staff).count() == 1


def test_a_no_show_is_final_and_the_citizen_can_no_longer_cancel(world, lan, slots):
    booking = booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    _today(booking)
    booking_mark_no_show(actor=world["site_staff_phuc_xa"], booking_id=booking.pk)
    with pytest.raises(Http404):
        booking_cancel(actor=lan, booking_id=booking.pk)
    with pytest.raises(ValidationError):
        booking_mark_attended(actor=world["site_staff_phuc_xa"], booking_id=booking.pk)
