"""No double booking under concurrency (PostgreSQL row locks): parallel bookings never overfill a slot, one person
never holds two bookings at one time, and one account's daily limit holds from several phones at once."""
import datetime

import pytest

from citizens.models import Person
from clinics.models import Booking, Slot
from clinics.services import booking_create
from tests.factories import CitizenFactory
from tests.parallel import run_together

from .conftest import publish

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _citizen(name):
    user = CitizenFactory(full_name=name)
    person = Person.objects.create(account=user, managed_by=user, full_name=name, phone=user.phone)
    return user, person


@pytest.fixture
def reference(django_db_blocker):
    from registry.models import AdministrativeUnit
    from registry.reference_data import load_reference_data

    if not AdministrativeUnit.objects.exists():
        load_reference_data()


def test_parallel_bookings_fill_a_slot_exactly(reference, world):
    slot = publish(world["site_staff_phuc_xa"], capacity=3)[0]
    citizens = [_citizen(f"Người {i}") for i in range(8)]
    errors = run_together([lambda u=u, p=p: booking_create(actor=u, person_id=p.pk, slot_id=slot.pk)
                           for u, p in citizens])
    assert Booking.objects.filter(slot=slot).count() == 3
    assert Slot.objects.get(pk=slot.pk).booked == 3
    assert len(errors) == 5 and all("đủ người" in str(e) for e in errors)


def test_one_person_at_one_time_once_whatever_the_facility(reference, world, settings):
    from tests import factories as f
    from tests.conftest import Role

    here = publish(world["site_staff_phuc_xa"])[0]
    there = publish(f.staff("tram_truc_bach_c", Role.SITE, facility=world["site_truc_bach"]))[0]
    assert here.starts_at == there.starts_at
    user, person = _citizen("Người Vội")
    errors = run_together([lambda s=s: booking_create(actor=user, person_id=person.pk, slot_id=s.pk)
                           for s in (here, there, here, there)])
    assert Booking.objects.filter(person=person).count() == 1
    assert len(errors) == 3
    assert sum(Slot.objects.filter(pk__in=[here.pk, there.pk]).values_list("booked", flat=True)) == 1


def test_the_daily_limit_holds_from_several_phones(reference, world, settings):
    settings.CLINIC_BOOKINGS_PER_ACCOUNT_PER_DAY = 2
    slots = publish(world["site_staff_phuc_xa"], end=datetime.time(10), capacity=5)
    user, person = _citizen("Người Đặt Nhiều")
    errors = run_together([lambda s=s: booking_create(actor=user, person_id=person.pk, slot_id=s.pk)
                           for s in slots[:6]])
    assert Booking.objects.filter(booked_by=user).count() == 2
    assert len(errors) == 4 and all(getattr(e, "code", None) == "rate_limited" for e in errors)


def test_two_reminder_runs_at_once_remind_each_booking_once(reference, world):
    from citizens.models import SmsMessage
    from clinics.services import booking_reminders_send

    slots = publish(world["site_staff_phuc_xa"], capacity=3)
    for index in range(6):
        user, person = _citizen(f"Người Nhắc {index}")
        booking_create(actor=user, person_id=person.pk, slot_id=slots[index % 4].pk)
    before = SmsMessage.objects.count()
    counts = []
    errors = run_together([lambda: counts.append(booking_reminders_send()) for _ in range(3)])
    assert errors == [] and sum(counts) == 6
    assert SmsMessage.objects.count() - before == 6
    assert not Booking.objects.filter(reminded_at__isnull=True).exists()
