"""The pages: what a citizen and the facility's staff see and can do, and what they cannot; list pages read in a
fixed number of queries."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import Booking, Slot
from clinics.services import booking_create

from .conftest import child_of, publish, tomorrow

pytestmark = pytest.mark.django_db


def test_search_book_move_and_cancel_through_the_pages(client, world, people, lan, slots):
    client.force_login(lan)
    district = world["site_phuc_xa"].unit.parent
    search = client.get(reverse("clinics:slot_search"))
    assert search.status_code == 200 and search.context["form"].initial["district"] == district.pk  # her own
    found = client.get(reverse("clinics:slot_search"), {"service": "general", "province": district.parent_id,
                                                       "district": district.pk})
    assert [s.pk for s in found.context["page"]] == [s.pk for s in slots]
    assert reverse("clinics:book", args=[slots[0].pk]) in found.content.decode()
    child = child_of(lan)
    form = client.get(reverse("clinics:book", args=[slots[0].pk])).content.decode()
    assert "Nguyễn Minh Khôi" in form and "Nguyễn Thị Lan" in form
    booked = client.post(reverse("clinics:book", args=[slots[0].pk]), {"person": child.pk})
    assert booked.status_code == 302 and booked["Location"] == reverse("clinics:appointment_list")
    booking = Booking.objects.get(person=child)
    again = client.post(reverse("clinics:book", args=[slots[0].pk]), {"person": child.pk})
    assert again.status_code == 200 and "Nguyễn Minh Khôi đã có lịch khám lúc" in again.content.decode()
    stranger = client.post(reverse("clinics:book", args=[slots[1].pk]), {"person": people["minh"]["person"].pk})
    assert stranger.status_code == 200 and Booking.objects.count() == 1  # not a choice: the form refuses it

    moved = client.post(reverse("clinics:booking_move", args=[booking.pk]), {"slot": slots[3].pk})
    assert moved.status_code == 302 and Booking.objects.get(pk=booking.pk).slot_id == slots[3].pk
    confirm = client.get(reverse("clinics:booking_cancel", args=[booking.pk]))
    assert "Hủy lịch khám này?" in confirm.content.decode()
    assert client.post(reverse("clinics:booking_cancel", args=[booking.pk])).status_code == 200  # no confirmation
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED
    client.post(reverse("clinics:booking_cancel", args=[booking.pk]), {"confirm": "yes"})
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert client.get(reverse("clinics:booking_cancel", args=[booking.pk])).status_code == 404


def test_another_citizens_booking_pages_are_404(client, people, lan, slots):
    booking = booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    client.force_login(people["minh"]["account"])
    for name in ("clinics:booking_move", "clinics:booking_cancel"):
        assert client.get(reverse(name, args=[booking.pk])).status_code == 404
        assert client.post(reverse(name, args=[booking.pk]), {"confirm": "yes", "slot": slots[1].pk}).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED


def test_staff_publish_and_mark_from_the_console(console_client, world, lan):
    staff = world["site_staff_phuc_xa"]
    client = console_client(staff)
    page = client.post(reverse("clinics_console:publish"), {
        "service": "paediatrics", "day": tomorrow().isoformat(), "start": "08:00", "end": "08:10", "minutes": 15,
        "capacity": 1})
    assert page.status_code == 200 and "Không có khung giờ nào" in page.content.decode()  # named, nothing written
    assert not Slot.objects.exists()
    done = client.post(reverse("clinics_console:publish"), {
        "service": "paediatrics", "day": tomorrow().isoformat(), "start": "08:00", "end": "10:00", "minutes": 30,
        "capacity": 1}, follow=True)
    assert "Đã mở 4 khung giờ khám." in done.content.decode() and Slot.objects.count() == 4
    slot = Slot.objects.order_by("starts_at").first()
    booking = booking_create(actor=lan, person_id=lan.person.pk, slot_id=slot.pk)
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    day = client.get(reverse("clinics_console:day")).content.decode()
    assert "Nguyễn Thị Lan" in day and reverse("clinics_console:booking_attended", args=[booking.pk]) in day
    client.post(reverse("clinics_console:booking_no_show", args=[booking.pk]))
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.NO_SHOW
    assert client.get(reverse("clinics_console:booking_no_show", args=[booking.pk])).status_code == 405


def test_other_roles_do_not_publish_and_other_sites_do_not_see(console_client, world, lan, slots):
    from tests import factories as f
    from tests.conftest import Role

    assert console_client(world["district_ba_dinh"]).get(reverse("clinics_console:publish")).status_code == 403
    booking = booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    other = console_client(f.staff("tram_truc_bach_p", Role.SITE, facility=world["site_truc_bach"]))
    assert "Nguyễn Thị Lan" not in other.get(reverse("clinics_console:day"), {"day": tomorrow().isoformat()}
                                             ).content.decode()
    assert other.post(reverse("clinics_console:booking_attended", args=[booking.pk])).status_code == 404
    assert other.get(reverse("clinics_console:consultation_new", args=[lan.person.pk])).status_code == 404


def _queries(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_list_pages_read_in_a_fixed_number_of_queries(client, world, lan):
    """One booking or five, for several people: the citizen's appointments and history and the facility's day read
    the same number of queries."""
    from django.test import Client

    from clinics.services import booking_mark_attended

    staff_user = world["site_staff_phuc_xa"]
    many = publish(staff_user, end=datetime.time(11), minutes=15, capacity=3)
    family = [lan.person] + [child_of(lan, f"Con {i}") for i in range(3)]
    client.force_login(lan)
    staff = Client()
    staff.force_login(staff_user)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff_user, name="test", confirmed=True)
    session = staff.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    pages = [(client, reverse("clinics:appointment_list"), None), (client, reverse("clinics:history"), None),
             (staff, reverse("clinics_console:day"), {"day": tomorrow().isoformat()})]

    def book(index):
        booking = booking_create(actor=lan, person_id=family[index % 4].pk, slot_id=many[index].pk)
        if index % 2:  # some attended, so the history has visits of several people
            Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
            booking_mark_attended(actor=staff_user, booking_id=booking.pk)

    book(0)
    book(1)
    # A first visit reads the signed-in user and the notification badge into the cache (booking notifies).
    [_queries(*page) for page in pages]
    few = [_queries(*page) for page in pages]
    for index in range(2, 5):
        book(index)
    [_queries(*page) for page in pages]
    assert [_queries(*page) for page in pages] == few
    found = client.get(reverse("clinics:slot_search"), {
        "service": "general", "province": world["site_phuc_xa"].unit.parent.parent_id,
        "district": world["site_phuc_xa"].unit.parent_id})
    assert len(found.context["page"]) == len(many) == 12  # each still has a free place
