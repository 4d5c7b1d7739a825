"""At the site: the 4 steps, the dose record and its idempotency, the overrides, the end of the session."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from registry.models import AuditEvent, Vaccine
from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person, register, scan
from vaccination.models import Appointment, Dose, Lot, Registration, Session, StockBalance, Visit
from vaccination.services.dose_recording import dose_record
from vaccination.services.sessions import session_close
from vaccination.services.visit_steps import visit_check_in, visit_inject, visit_observe, visit_screen
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.reminders import next_dose_reminders_send
from vaccination.services.sessions import session_create, session_schedule_auto

Step = Visit.Step
TODAY = timezone.localdate()


@pytest.fixture
def booked(world, lot, people):
    """Lan, Minh and Hoa booked today at Phúc Xá."""
    ids = [people[k]["registration"].pk for k in ("lan", "minh", "hoa")]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=TODAY,
                             start_time=datetime.time(0, 0), end_time=datetime.time(23, 30), slot_minutes=30,
                             people_per_slot=5, lot_id=lot.pk)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    return session


def _stock(world, lot) -> int:
    return StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity


def _eligible(staff, visit):
    return visit_screen(actor=staff, visit_id=visit.pk, answers={}, outcome=Step.SCREENED, temperature=36.6)


def test_four_steps_make_a_dose(world, lot, people, booked):
    staff = world["site_staff_phuc_xa"]
    lan = people["lan"]
    visit = visit_check_in(actor=staff, person_id=lan["person"].pk)
    assert visit.appointment.registration_id == lan["registration"].pk and not visit.walk_in
    _eligible(staff, visit)
    dose = visit_inject(actor=staff, visit_id=visit.pk, lot_id=lot.pk, idempotency_key="k-1")
    assert (dose.dose_number, dose.vaccine.code, dose.site) == (1, "astrazeneca", world["site_phuc_xa"])
    assert _stock(world, lot) == 999
    assert Appointment.objects.get(pk=visit.appointment_id).status == "attended"
    registration = Registration.objects.get(pk=lan["registration"].pk)
    assert registration.status == "vaccinated" and registration.next_dose_number == 2
    assert registration.due_from == TODAY + datetime.timedelta(days=28) and registration.required_vaccine.code == "astrazeneca"
    visit.refresh_from_db()
    assert visit.step == Step.OBSERVING and visit.observe_until > timezone.now() + datetime.timedelta(minutes=29)
    Visit.objects.filter(pk=visit.pk).update(observe_until=timezone.now())  # the 30 minutes have passed
    visit_observe(actor=staff, visit_id=visit.pk, note="Bình thường")
    assert Visit.objects.get(pk=visit.pk).step == Step.DONE
    # when the interval allows, the registration goes back to the district's list by itself
    assert next_dose_reminders_send(today=TODAY + datetime.timedelta(days=28)) == 1
    assert Registration.objects.get(pk=registration.pk).status == "allocated"


def test_same_request_twice_records_one_dose(world, lot, people, booked):
    staff = world["site_staff_phuc_xa"]
    visit = visit_check_in(actor=staff, person_id=people["lan"]["person"].pk)
    _eligible(staff, visit)
    first = visit_inject(actor=staff, visit_id=visit.pk, lot_id=lot.pk, idempotency_key="same")
    again = visit_inject(actor=staff, visit_id=visit.pk, lot_id=lot.pk, idempotency_key="same")
    assert first.pk == again.pk and Dose.objects.count() == 1 and _stock(world, lot) == 999
    direct, created = dose_record(actor=staff, person_id=people["lan"]["person"].pk, site_id=world["site_phuc_xa"].pk,
                                  lot_id=lot.pk, idempotency_key="same")
    assert (direct.pk, created) == (first.pk, False)


def test_contraindication_cannot_be_vaccinated(world, people, booked):
    staff = world["site_staff_phuc_xa"]
    visit = visit_check_in(actor=staff, person_id=people["lan"]["person"].pk)
    with pytest.raises(ValidationError) as error:
        visit_screen(actor=staff, visit_id=visit.pk, answers={"anaphylaxis": True}, outcome=Step.SCREENED)
    assert "chống chỉ định" in error.value.messages[0]
    with pytest.raises(ValidationError):
        visit_screen(actor=staff, visit_id=visit.pk, answers={}, outcome=Step.DEFERRED)  # no date
    with pytest.raises(ValidationError):
        visit_screen(actor=staff, visit_id=visit.pk, answers={}, outcome=Step.REFERRED)  # no reason
    visit = visit_screen(actor=staff, visit_id=visit.pk, answers={"anaphylaxis": True}, outcome=Step.REFERRED,
                         refer_reason="Phản vệ độ 2 lần trước")
    assert visit.checklist_version == "5785/QĐ-BYT (21/12/2021)" and visit.answers["anaphylaxis"] is True
    with pytest.raises(ValidationError):
        visit_inject(actor=world["site_staff_phuc_xa"], visit_id=visit.pk, lot_id=1, idempotency_key="x")
    assert not Dose.objects.exists()


def test_too_early_or_another_vaccine_needs_an_override(world, lot, django_user_model):
    staff = world["site_staff_phuc_xa"]
    account, person = citizen_person(django_user_model, "0912000501", "Bùi Văn Năm", PHUC_XA)
    register(account, person, declared=[{"vaccine": Vaccine.objects.get(code="pfizer"),
                                         "given_on": TODAY - datetime.timedelta(days=10)}])
    args = {"actor": staff, "person_id": person.pk, "site_id": world["site_phuc_xa"].pk, "lot_id": lot.pk}
    with pytest.raises(ValidationError) as error:
        dose_record(idempotency_key="a", **args)
    assert "Quá sớm" in error.value.messages[0]
    assert _stock(world, lot) == 1000 and not Dose.objects.exists()
    dose, _created = dose_record(idempotency_key="b", override_reason="Sắp đi công tác nước ngoài", **args)
    assert dose.dose_number == 2 and dose.override_reason == "Sắp đi công tác nước ngoài"
    assert AuditEvent.objects.get(action="dose.record").changes["override"] == "Sắp đi công tác nước ngoài"


def test_different_vaccine_for_the_second_dose(world, lot, django_user_model):
    staff = world["site_staff_phuc_xa"]
    account, person = citizen_person(django_user_model, "0912000502", "Bùi Thị Sáu", PHUC_XA)
    register(account, person, declared=[{"vaccine": Vaccine.objects.get(code="pfizer"),
                                         "given_on": TODAY - datetime.timedelta(days=60)}])
    with pytest.raises(ValidationError) as error:
        dose_record(actor=staff, person_id=person.pk, site_id=world["site_phuc_xa"].pk, lot_id=lot.pk,
                    idempotency_key="c")
    assert "Pfizer" in error.value.messages[0]


def test_expired_lot_cannot_be_used(world, lot, people):
    Lot.objects.filter(pk=lot.pk).update(expiry_date=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        dose_record(actor=world["site_staff_phuc_xa"], person_id=people["lan"]["person"].pk,
                    site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key="d")
    assert not Dose.objects.exists()


def test_empty_stock_refuses_the_dose(world, lot, people):
    StockBalance.objects.filter(facility=world["site_phuc_xa"], lot=lot).update(quantity=0)
    with pytest.raises(ValidationError):
        dose_record(actor=world["site_staff_phuc_xa"], person_id=people["lan"]["person"].pk,
                    site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key="e")


def test_another_site_cannot_record_here(world, lot, people):
    from registry.models import StaffAssignment
    from tests import factories as f

    other = f.staff("staff_truc_bach", StaffAssignment.Role.SITE, facility=world["site_truc_bach"])
    with pytest.raises(ValidationError):
        dose_record(actor=other, person_id=people["lan"]["person"].pk, site_id=world["site_phuc_xa"].pk,
                    lot_id=lot.pk, idempotency_key="f")
    scan(world["site_staff_phuc_xa"], people["lan"]["person"])
    visit = visit_check_in(actor=world["site_staff_phuc_xa"], person_id=people["lan"]["person"].pk)
    from django.http import Http404

    with pytest.raises(Http404):
        visit_screen(actor=other, visit_id=visit.pk, answers={}, outcome=Step.SCREENED, temperature=36.5)


def test_walk_in_and_end_of_session(world, lot, people, booked, console_client):
    staff = world["site_staff_phuc_xa"]
    client = console_client(staff)
    client.post(reverse("vaccination_console:site_walk_in"), {
        "full_name": "Khách Vãng Lai", "date_of_birth": "1970-01-01", "sex": "M", "id_number": "001070009999",
        "phone": "0912888777"})
    visit = Visit.objects.get(person__full_name="Khách Vãng Lai")
    assert visit.walk_in and visit.session == booked
    _eligible(staff, visit)
    visit_inject(actor=staff, visit_id=visit.pk, lot_id=lot.pk, idempotency_key="walk")
    totals = session_close(actor=staff, session_id=booked.pk, wasted=4, wasted_reason="Lọ mở")
    assert totals == {"booked": 3, "vaccinated": 1, "no_show": 3, "deferred": 0, "wasted": 4}
    assert Registration.objects.filter(status="no_show").count() == 3
    assert Session.objects.get(pk=booked.pk).status == "closed"
    assert _stock(world, lot) == 1000 - 1 - 4


def test_site_pages_follow_the_steps(world, lot, people, booked, console_client):
    client = console_client(world["site_staff_phuc_xa"])
    page = client.get(reverse("vaccination_console:site_day")).content.decode()
    assert "Nguyễn Thị Lan" in page and "Đang chờ" in page
    lan = people["lan"]["person"]
    page = client.get(reverse("vaccination_console:site_check_in"), {"q": lan.qr_text}).content.decode()
    assert "Nguyễn Thị Lan" in page and "mũi 1" in page
    response = client.post(reverse("vaccination_console:site_check_in_post", args=[lan.pk]))
    visit = Visit.objects.get(person=lan)
    assert response["Location"] == reverse("vaccination_console:site_visit", args=[visit.pk])
    assert "5785/QĐ-BYT" in client.get(response["Location"]).content.decode()
    client.post(reverse("vaccination_console:site_screen", args=[visit.pk]),
                {"temperature": "36.8", "outcome": "screened"})
    page = client.get(response["Location"]).content.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    client.post(reverse("vaccination_console:site_inject", args=[visit.pk]), {"lot": lot.pk, "idempotency_key": key})
    client.post(reverse("vaccination_console:site_inject", args=[visit.pk]), {"lot": lot.pk, "idempotency_key": key})
    assert Dose.objects.filter(person=lan).count() == 1
    assert "Nguyễn Thị Lan" in client.get(reverse("vaccination_console:site_observation")).content.decode()
    client.post(reverse("vaccination_console:site_observe", args=[visit.pk]),
                {"note": "", "had_reaction": "on", "severity": "mild", "description": "Đau chỗ tiêm",
                 "early_reason": "Chuyển lên bệnh viện theo dõi tiếp"})
    assert Visit.objects.get(pk=visit.pk).step == Step.DONE
    assert lan.reactions.get().description == "Đau chỗ tiêm"


def test_confirming_signs_the_certificate(world, lot, people, booked, console_client,
                                          django_capture_on_commit_callbacks):
    from certificates.models import Certificate
    from registry.models import StaffAssignment
    from tests import factories as f

    staff = world["site_staff_phuc_xa"]
    visit = visit_check_in(actor=staff, person_id=people["lan"]["person"].pk)
    _eligible(staff, visit)
    dose = visit_inject(actor=staff, visit_id=visit.pk, lot_id=lot.pk, idempotency_key="confirm-me")
    assert not Certificate.objects.exists()
    other = console_client(f.staff("staff_tb", StaffAssignment.Role.SITE, facility=world["site_truc_bach"]))
    other.post(reverse("vaccination_console:site_confirm"), {"dose": [dose.pk]})
    assert Dose.objects.get(pk=dose.pk).confirmed_at is None  # another site cannot confirm it
    client = console_client(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("vaccination_console:site_confirm"), {"dose": [dose.pk]})
    assert Dose.objects.get(pk=dose.pk).confirmed_by == staff
    assert Certificate.objects.get(person=people["lan"]["person"]).status == "valid"
