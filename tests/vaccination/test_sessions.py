"""Sessions and scheduling: stock and capacity limits, order, intervals, vaccine series, notices."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from citizens.models import Notification, SmsMessage
from registry.models import Vaccine
from tests.vaccination.conftest import citizen_person, register
from tests.conftest import PHUC_XA
from vaccination.models import Appointment, Registration, Session
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import (
    appointment_book, appointment_cancel, appointment_no_show, session_create, session_schedule_auto,
)

Status = Registration.Status
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def plan(world, lot, *, people_per_slot=2, start=datetime.time(8, 0), end=datetime.time(9, 0), date=TOMORROW):
    return session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=date,
                          start_time=start, end_time=end, slot_minutes=30, people_per_slot=people_per_slot,
                          lot_id=lot.pk)


def allocate_all(world, people):
    ids = [row["registration"].pk for row in people.values()]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)


def test_session_capacity_is_slots_times_people(world, lot):
    session = plan(world, lot, people_per_slot=3)
    assert (session.capacity, session.slot_start(0), session.slot_start(3)) == (6, datetime.time(8, 0),
                                                                               datetime.time(8, 30))


def test_session_cannot_promise_more_than_the_site_holds(world, lot, people):
    allocate_all(world, people)
    with pytest.raises(ValidationError) as error:
        plan(world, lot, people_per_slot=600, end=datetime.time(9, 0))  # 1,200 places, 1,000 doses
    assert "1000" in error.value.messages[0]
    first = plan(world, lot, people_per_slot=499)  # 998 places
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=first.pk)  # books 3 (Ba Đình people)
    with pytest.raises(ValidationError) as error:
        plan(world, lot, people_per_slot=499)
    assert "997" in error.value.messages[0]  # 1000 - 3 booked elsewhere
    assert plan(world, lot, people_per_slot=498).capacity == 996


def test_auto_schedule_order_capacity_and_notices(world, lot, people):
    allocate_all(world, people)
    session = plan(world, lot, people_per_slot=1)  # two places
    assert session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk) == 2
    booked = Appointment.objects.filter(session=session).order_by("slot_start")
    # Minh is priority group 1; then Lan before Hoa by registration time. Tân (Hoàn Kiếm) is not Ba Đình's.
    assert [a.registration.person.full_name for a in booked] == ["Trần Văn Minh", "Nguyễn Thị Lan"]
    assert [a.slot_start for a in booked] == [datetime.time(8, 0), datetime.time(8, 30)]
    session.refresh_from_db()
    assert session.booked == 2
    assert Registration.objects.get(pk=people["minh"]["registration"].pk).status == Status.SCHEDULED
    sms = SmsMessage.objects.get(phone="+84912000102", purpose="appointment")
    assert "Tram Y te Phuong Phuc Xa" in sms.text and TOMORROW.strftime("%d/%m/%Y") in sms.text
    assert Notification.objects.filter(person=people["minh"]["person"]).exists()
    assert session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk) == 0  # full


def test_interval_and_same_vaccine_are_respected(world, lot, django_user_model):
    account, person = citizen_person(django_user_model, "0912000301", "Đỗ Văn Hai", PHUC_XA)
    pfizer = Vaccine.objects.get(code="pfizer")
    registration = register(account, person, declared=[{"vaccine": pfizer, "given_on": timezone.localdate()}])
    registrations_approve(officer=world["province_ha_noi"], ids=[registration.pk])
    registrations_allocate(officer=world["province_ha_noi"], ids=[registration.pk])
    session = plan(world, lot)  # AstraZeneca, tomorrow: too early, and the wrong vaccine
    assert session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk) == 0
    later = plan(world, lot, date=timezone.localdate() + datetime.timedelta(days=30))
    assert session_schedule_auto(actor=world["district_ba_dinh"], session_id=later.pk) == 0  # still Pfizer
    assert session_schedule_auto(actor=world["district_ba_dinh"], session_id=later.pk, allow_mix=True) == 1
    appointment = Appointment.objects.get(registration=registration)
    assert appointment.dose_number == 2 and appointment.mixed_vaccine_reason


def test_manual_booking_needs_a_reason_for_another_vaccine(world, lot, people, django_user_model, console_client):
    account, person = citizen_person(django_user_model, "0912000302", "Vũ Thị Ba", PHUC_XA)
    pfizer = Vaccine.objects.get(code="pfizer")
    registration = register(account, person, declared=[{"vaccine": pfizer, "given_on": timezone.localdate()
                                                        - datetime.timedelta(days=40)}])
    allocate_all(world, people)  # first doses: any vaccine will do
    registrations_approve(officer=world["province_ha_noi"], ids=[registration.pk])
    registrations_allocate(officer=world["province_ha_noi"], ids=[registration.pk])
    session = plan(world, lot)
    # The session page asks for a reason beside Vũ Thị Ba only: the same rule as the booking service's.
    page = console_client(world["district_ba_dinh"]).get(
        reverse("vaccination_console:session_detail", args=[session.pk])).content.decode()
    rows = page.split('<ul class="waiting">')[1].split("</ul>")[0].split("<li>")[1:]
    assert len(rows) == 4 and sum("Vũ Thị Ba" in row for row in rows) == 1
    assert [("Vũ Thị Ba" in row) for row in rows] == [('name="mixed_reason"' in row) for row in rows]
    with pytest.raises(ValidationError) as error:
        appointment_book(actor=world["district_ba_dinh"], registration_id=registration.pk, session_id=session.pk)
    assert "Pfizer" in error.value.messages[0]
    appointment = appointment_book(actor=world["district_ba_dinh"], registration_id=registration.pk,
                                   session_id=session.pk, mixed_reason="Hết Pfizer, người dân đồng ý")
    assert appointment.mixed_vaccine_reason == "Hết Pfizer, người dân đồng ý"


def test_citizen_sees_and_cancels_the_appointment_freeing_the_place(world, lot, people, client):
    allocate_all(world, people)
    session = plan(world, lot, people_per_slot=1)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    minh = people["minh"]
    client.force_login(minh["account"])
    page = client.get(reverse("vaccination:person_vaccinations", args=[minh["person"].pk])).content.decode()
    assert "Trạm Y tế Phường Phúc Xá" in page and TOMORROW.strftime("%d/%m/%Y") in page and "08:00" in page
    appointment = Appointment.objects.get(registration=minh["registration"])
    client.post(reverse("vaccination:appointment_cancel", args=[appointment.pk]), {"confirm": "yes"})
    assert Session.objects.get(pk=session.pk).booked == 1
    assert Registration.objects.get(pk=minh["registration"].pk).status == Status.ALLOCATED
    assert session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk) == 1  # Hoa takes it
    # Another citizen cannot cancel someone else's appointment.
    other = Appointment.objects.filter(session=session, status="booked").exclude(
        registration__person=people["lan"]["person"]).first()
    with pytest.raises(Exception):
        appointment_cancel(actor=people["lan"]["account"], appointment_id=other.pk)


def test_no_show_goes_back_to_the_district_list(world, lot, people):
    allocate_all(world, people)
    session = plan(world, lot)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    appointment = Appointment.objects.get(registration=people["lan"]["registration"])
    appointment_no_show(actor=world["site_staff_phuc_xa"], appointment_id=appointment.pk)
    registration = Registration.objects.get(pk=people["lan"]["registration"].pk)
    assert registration.status == Status.NO_SHOW
    later = plan(world, lot, date=TOMORROW + datetime.timedelta(days=1))
    assert session_schedule_auto(actor=world["district_ba_dinh"], session_id=later.pk) == 1
    assert Registration.objects.get(pk=registration.pk).status == Status.SCHEDULED


def test_session_pages_for_the_district(world, lot, people, console_client):
    allocate_all(world, people)
    client = console_client(world["district_ba_dinh"])
    response = client.post(reverse("vaccination_console:session_create"), {
        "site": world["site_phuc_xa"].pk, "date": TOMORROW.isoformat(), "start_time": "07:30",
        "end_time": "08:30", "slot_minutes": 30, "people_per_slot": 5, "lot": lot.pk})
    session = Session.objects.get()
    assert response["Location"] == reverse("vaccination_console:session_detail", args=[session.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Trần Văn Minh" in page  # on the waiting list
    client.post(reverse("vaccination_console:session_schedule", args=[session.pk]))
    page = client.get(response["Location"]).content.decode()
    assert "3 / 10" in page
