"""Approval and automatic scheduling at district scale: set-based writes that keep every event, notice, SMS and
audit row, and a waiting list read through its index in the order people are served."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citizens.models import Notification, Person, SmsMessage
from registry.models import AdministrativeUnit, AuditEvent, PriorityGroup
from tests import factories as f
from tests.conftest import BA_DINH, HOAN_KIEM
from vaccination.models import Appointment, Registration, RegistrationEvent
from vaccination.services.registrations import registrations_approve
from vaccination.services.sessions import session_create, session_schedule_auto

Level = f.Level
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _registrations(count: int, *, district_code: int, status: str, prefix: str) -> list[Registration]:
    district = f.unit(Level.DISTRICT, district_code)
    wards = list(AdministrativeUnit.objects.filter(level=Level.WARD, parent=district).values_list("pk", flat=True))
    groups = {g.number: g.pk for g in PriorityGroup.objects.all()}
    people = Person.objects.bulk_create([
        Person(full_name=f"{prefix} Đặng {i}", ward_id=wards[i % len(wards)], phone=f"+8491{district_code:02d}{i:05d}",
               qr_token=f"{prefix}-{i}") for i in range(count)])
    now = timezone.now()
    return Registration.objects.bulk_create([
        Registration(person=person, priority_group_id=groups[1 + i % 16], ward_id=person.ward_id, consent_at=now,
                     status=status, allocated_district=district if status == "allocated" else None)
        for i, person in enumerate(people)])


def test_bulk_approval_keeps_one_event_per_registration_and_the_audit(world):
    rows = _registrations(120, district_code=BA_DINH, status="submitted", prefix="Duyệt")
    officer = world["province_ha_noi"]
    assert registrations_approve(officer=officer, rows=Registration.objects.all()) == 120
    assert Registration.objects.filter(status="approved").count() == 120
    events = RegistrationEvent.objects.filter(registration__in=rows)
    assert events.count() == 120
    assert set(events.values_list("actor", "from_status", "to_status")) == {(officer.pk, "submitted", "approved")}
    assert set(Registration.objects.values_list("decided_by", flat=True)) == {officer.pk}
    assert AuditEvent.objects.filter(action="registrations.approve", changes__count=120).exists()


@pytest.mark.postgres
def test_automatic_scheduling_serves_the_queue_in_order_through_its_index(world, lot, settings):
    _registrations(3000, district_code=BA_DINH, status="allocated", prefix="Chờ")
    _registrations(3000, district_code=HOAN_KIEM, status="allocated", prefix="Khác")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE vaccination_registration")
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=TOMORROW,
                             start_time=datetime.time(8), end_time=datetime.time(9), slot_minutes=5,
                             people_per_slot=5, lot_id=lot.pk)
    with CaptureQueriesContext(connection) as queries:
        assert session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk) == 60

    waiting = [q["sql"] for q in queries.captured_queries if "SKIP LOCKED" in (q["sql"] or "")]
    assert len(waiting) == 1
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + waiting[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The district's waiting list comes off an index in the order people are served: no sort of the district.
    assert "Seq Scan on vaccination_registration" not in plan and "Sort" not in plan, plan

    booked = list(Appointment.objects.filter(session=session).select_related("registration__person")
                  .order_by("slot_start", "pk"))
    expected = list(Registration.objects.filter(allocated_district__code=BA_DINH, allocated_district__level="district")
                    .order_by("priority_number", "created_at", "pk")[:60])
    assert [a.registration_id for a in booked] == [r.pk for r in expected]
    assert {a.registration.status for a in booked} == {"scheduled"}
    assert booked[0].slot_start == datetime.time(8) and booked[-1].slot_start == datetime.time(8, 55)
    first = booked[0].registration.person
    sms = SmsMessage.objects.get(phone=first.phone)
    assert f"cua Cho Dang {first.full_name.split()[-1]}:" in sms.text and "Tram Y te Phuong Phuc Xa" in sms.text
    assert Notification.objects.filter(sms__isnull=False).count() == 60
    assert RegistrationEvent.objects.filter(to_status="scheduled").count() == 60
    assert AuditEvent.objects.filter(action="session.schedule_auto", changes__booked=60).exists()
