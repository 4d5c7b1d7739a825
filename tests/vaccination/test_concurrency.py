"""Many people acting at the same moment, on PostgreSQL with real row locks: nothing is overbooked or negative."""
import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone

from registry.models import AdministrativeUnit
from registry.reference_data import load_reference_data
from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person, register
from vaccination.models import Appointment, Registration, Session, StockBalance
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import appointment_cancel, session_create, session_schedule_auto
from vaccination.services.stock import stock_transfer
from tests.parallel import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def tx_world(request, transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("world")




def _waiting(world, django_user_model, count):
    registrations = []
    for index in range(count):
        account, person = citizen_person(django_user_model, f"09130{index:05d}", f"Người {index}", PHUC_XA)
        registrations.append(register(account, person))
    ids = [r.pk for r in registrations]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)
    return registrations


def _session(world, lot, people_per_slot):
    return session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=TOMORROW,
                          start_time=datetime.time(8), end_time=datetime.time(9), slot_minutes=30,
                          people_per_slot=people_per_slot, lot_id=lot.pk)


def test_simultaneous_schedulers_never_overbook(tx_world, lot, django_user_model):
    world = tx_world
    _waiting(world, django_user_model, 40)
    sessions = [_session(world, lot, people_per_slot=5) for _ in range(3)]  # 3 × 10 places
    jobs = [lambda s=s: session_schedule_auto(actor=world["district_ba_dinh"], session_id=s.pk)
            for s in sessions for _ in range(3)]
    assert run_together(jobs) == []
    for session in Session.objects.all():
        assert session.booked == session.capacity == 10
        assert Appointment.objects.filter(session=session, status="booked").count() == 10
    booked = Appointment.objects.filter(status="booked")
    assert booked.count() == 30
    assert booked.values("registration").distinct().count() == 30  # nobody twice
    assert Registration.objects.filter(status="scheduled").count() == 30


def test_bookings_never_exceed_the_sites_stock(tx_world, lot, django_user_model):
    world = tx_world
    StockBalance.objects.filter(facility=world["site_phuc_xa"], lot=lot).update(quantity=12)
    _waiting(world, django_user_model, 30)
    sessions = [_session(world, lot, people_per_slot=3) for _ in range(2)]  # 6 places each, 12 doses: fits
    StockBalance.objects.filter(facility=world["site_phuc_xa"], lot=lot).update(quantity=8)  # then 4 wasted
    jobs = [lambda s=s: session_schedule_auto(actor=world["district_ba_dinh"], session_id=s.pk)
            for s in sessions for _ in range(4)]
    assert run_together(jobs) == []
    assert Session.objects.aggregate(total=Sum("booked"))["total"] == 8


def test_citizens_cancelling_while_the_district_books(tx_world, lot, django_user_model):
    world = tx_world
    registrations = _waiting(world, django_user_model, 20)
    session = _session(world, lot, people_per_slot=5)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)  # 10 booked
    booked = list(Appointment.objects.filter(session=session).select_related("registration__person__account"))
    jobs = [lambda a=a: appointment_cancel(actor=a.registration.person.account, appointment_id=a.pk)
            for a in booked[:5]]
    jobs += [lambda: session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)] * 3
    assert run_together(jobs) == []
    session.refresh_from_db()
    assert session.booked == Appointment.objects.filter(session=session, status="booked").count() <= 10
    assert len(registrations) == 20


def test_simultaneous_transfers_never_drive_stock_negative(tx_world, lot):
    world = tx_world
    centre = world["centre_ba_dinh"]
    assert StockBalance.objects.get(facility=centre, lot=lot).quantity == 1000
    targets = [world["site_phuc_xa"], world["site_truc_bach"]]
    jobs = [lambda t=targets[i % 2]: stock_transfer(actor=world["district_ba_dinh"], to_facility_id=t.pk,
                                                    lot_id=lot.pk, quantity=150) for i in range(10)]
    errors = run_together(jobs)
    sent = 10 - len(errors)
    assert sent == 6  # 6 × 150 = 900 ≤ 1000 < 7 × 150
    assert StockBalance.objects.get(facility=centre, lot=lot).quantity == 100
    total = StockBalance.objects.filter(lot=lot).aggregate(total=Sum("quantity"))["total"]
    assert total == 10000  # nothing created or lost


def test_two_stations_recording_at_once_never_go_below_zero(tx_world, lot, django_user_model):
    from vaccination.models import Dose
    from vaccination.services.dose_recording import dose_record

    world = tx_world
    StockBalance.objects.filter(facility=world["site_phuc_xa"], lot=lot).update(quantity=3)
    people = [citizen_person(django_user_model, f"09150{i:05d}", f"Người {i}", PHUC_XA)[1] for i in range(6)]
    jobs = [lambda p=p: dose_record(actor=world["site_staff_phuc_xa"], person_id=p.pk,
                                    site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key=f"st-{p.pk}")
            for p in people]
    errors = run_together(jobs)
    assert len(errors) == 3 and Dose.objects.count() == 3
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == 0


def test_the_same_request_from_two_stations_records_one_dose(tx_world, lot, django_user_model):
    from vaccination.models import Dose
    from vaccination.services.dose_recording import dose_record

    world = tx_world
    person = citizen_person(django_user_model, "0915099999", "Người trùng", PHUC_XA)[1]
    jobs = [lambda: dose_record(actor=world["site_staff_phuc_xa"], person_id=person.pk,
                                site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key="twice")] * 4
    assert run_together(jobs) == []
    assert Dose.objects.filter(person=person).count() == 1
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == 999
