import datetime

from django.utils import timezone

from citizens.models import SmsMessage
from registry.models import Vaccine
from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person, register
from vaccination.models import Appointment
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.reminders import appointment_reminders_send, next_dose_reminders_send
from vaccination.services.sessions import session_create, session_schedule_auto
from vaccination.tasks import appointment_reminders_send as reminder_task


def test_day_before_reminder_is_sent_once(world, lot, people):
    ids = [people["lan"]["registration"].pk]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=tomorrow,
                             start_time=datetime.time(8), end_time=datetime.time(9), slot_minutes=30,
                             people_per_slot=1, lot_id=lot.pk)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    assert reminder_task() == 1  # the task beat runs
    assert appointment_reminders_send() == 0
    sms = SmsMessage.objects.get(phone="+84912000101", purpose="reminder")
    assert sms.text.startswith("Nhac lich: Nguyen Thi Lan tiem ngay mai")
    assert Appointment.objects.get(registration_id=ids[0]).reminded_at is not None


def test_next_dose_reminder_when_the_interval_allows(world, django_user_model):
    account, person = citizen_person(django_user_model, "0912000401", "Đinh Văn Bốn", PHUC_XA)
    pfizer = Vaccine.objects.get(code="pfizer")
    given = timezone.localdate() - datetime.timedelta(days=10)
    registration = register(account, person, declared=[{"vaccine": pfizer, "given_on": given}])
    registrations_approve(officer=world["province_ha_noi"], ids=[registration.pk])
    registrations_allocate(officer=world["province_ha_noi"], ids=[registration.pk])
    assert next_dose_reminders_send() == 0  # due in 11 days
    assert next_dose_reminders_send(today=given + datetime.timedelta(days=21)) == 1
    assert next_dose_reminders_send(today=given + datetime.timedelta(days=22)) == 0  # once per dose
    assert SmsMessage.objects.filter(phone="+84912000401", purpose="reminder").count() == 1
