"""Cancelling a registration or an appointment asks first, on a page that works without JavaScript."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vaccination.models import Appointment, Registration, Session
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import session_create, session_schedule_auto

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def lan_booked(world, lot, people):
    ids = [people["lan"]["registration"].pk]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=TOMORROW,
                             start_time=datetime.time(8), end_time=datetime.time(10), slot_minutes=30,
                             people_per_slot=2, lot_id=lot.pk)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    return Appointment.objects.get(registration=people["lan"]["registration"])


def _status(registration) -> str:
    return Registration.objects.get(pk=registration.pk).status


def test_cancelling_the_registration_asks_first(people, client):
    lan = people["lan"]
    client.force_login(lan["account"])
    url = reverse("vaccination:registration_cancel", args=[lan["registration"].pk])
    book = client.get(reverse("vaccination:person_vaccinations", args=[lan["person"].pk])).content.decode()
    assert f'href="{url}"' in book  # a link to the question, not a button that cancels at once
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hủy đăng ký tiêm?" in text and "Nguyễn Thị Lan" in text
    assert 'name="confirm"' in text and "<script" not in text.split("<main")[-1]
    assert _status(lan["registration"]) == "submitted"
    stray = client.post(url)  # the old one-click form, or a forged POST without the confirmation
    assert stray.status_code == 200 and "Hủy đăng ký tiêm?" in stray.content.decode()
    assert _status(lan["registration"]) == "submitted"
    done = client.post(url, {"confirm": "yes"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("vaccination:person_vaccinations", args=[lan["person"].pk])
    assert "Đã hủy đăng ký tiêm." in done.content.decode()
    assert _status(lan["registration"]) == "cancelled"


def test_cancelling_twice_is_not_an_error_page(people, client):
    lan = people["lan"]
    client.force_login(lan["account"])
    url = reverse("vaccination:registration_cancel", args=[lan["registration"].pk])
    client.post(url, {"confirm": "yes"})
    again = client.post(url, {"confirm": "yes"})  # a double tap, or the back button
    assert again.status_code == 404
    assert _status(lan["registration"]) == "cancelled"


def test_cancelling_the_appointment_asks_first(world, people, lan_booked, client):
    lan = people["lan"]
    client.force_login(lan["account"])
    url = reverse("vaccination:appointment_cancel", args=[lan_booked.pk])
    book = client.get(reverse("vaccination:person_vaccinations", args=[lan["person"].pk])).content.decode()
    assert f'href="{url}"' in book
    text = client.get(url).content.decode()
    assert "Hủy lịch hẹn này?" in text and TOMORROW.strftime("%d/%m/%Y") in text and "08:00" in text
    assert "Trạm Y tế Phường Phúc Xá" in text
    assert client.post(url).status_code == 200
    assert Appointment.objects.get(pk=lan_booked.pk).status == "booked"
    client.post(url, {"confirm": "yes"})
    assert Appointment.objects.get(pk=lan_booked.pk).status == "cancelled"
    assert Session.objects.get(pk=lan_booked.session_id).booked == 0
    assert _status(lan["registration"]) == "allocated"


def test_another_citizen_cannot_see_the_question_either(people, lan_booked, client):
    client.force_login(people["tan"]["account"])
    assert client.get(reverse("vaccination:registration_cancel", args=[people["lan"]["registration"].pk])
                      ).status_code == 404
    assert client.get(reverse("vaccination:appointment_cancel", args=[lan_booked.pk])).status_code == 404
