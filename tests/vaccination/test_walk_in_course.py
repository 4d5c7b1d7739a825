"""Walk-ins stay on a course: a person vaccinated without any registration comes back to the district's list when
the next dose falls due, sees the next dose on "My vaccinations", and is never restarted at dose 1 — also when an
organisation's upload registers them later. And the walk-in desk, the site search and the response center's
missing dose each go through one service."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from citizens.id_numbers import id_kind_of
from citizens.models import Person
from registry.models import AuditEvent, Vaccine
from tests.conftest import BA_DINH, PHUC_XA
from tests.imports.test_staff_upload import representative  # noqa: F401 - fixture
from tests.factories import Level, unit
from tests.vaccination.conftest import citizen_person, register
from vaccination.models import Appointment, Dose, HelpRequest, Registration, StockBalance, Visit
from vaccination.services.dose_recording import dose_record
from vaccination.services.visit_steps import visit_screen
from vaccination.services.reminders import next_dose_reminders_send
from vaccination.services.sessions import session_create, session_schedule_auto

TODAY = timezone.localdate()
AZ_INTERVAL = 28  # AstraZeneca: 4 weeks at least between doses 1 and 2


def _waiting_page(console_client, world) -> str:
    return console_client(world["district_ba_dinh"]).get(reverse("vaccination_console:waiting_list")).content.decode()


def test_a_walk_in_found_by_search_comes_back_to_the_district_for_dose_2(world, lot, client, console_client,
                                                                         django_user_model):
    account, person = citizen_person(django_user_model, "0912000911", "Đinh Văn Vãng", PHUC_XA)
    staff = world["site_staff_phuc_xa"]
    page = console_client(staff).get(reverse("vaccination_console:site_check_in"), {"q": "0912 000 911"})
    assert "Đinh Văn Vãng" in page.content.decode()  # found by phone, no registration anywhere
    dose, _created = dose_record(actor=staff, person_id=person.pk, site_id=world["site_phuc_xa"].pk, lot_id=lot.pk,
                                 idempotency_key="walk-1", given_at=timezone.now() - datetime.timedelta(days=30))
    due = TODAY - datetime.timedelta(days=30) + datetime.timedelta(days=AZ_INTERVAL)

    course = Registration.objects.get(person=person)
    assert (course.status, course.next_dose_number, course.due_from) == ("vaccinated", 2, due)
    assert course.required_vaccine == Vaccine.objects.get(code="astrazeneca")
    assert course.allocated_district == unit(Level.DISTRICT, BA_DINH) and dose.registration_id == course.pk

    client.force_login(account)
    book = client.get(reverse("vaccination:person_vaccinations", args=[person.pk])).content.decode()
    assert f"Mũi 2, từ ngày {due:%d/%m/%Y}" in book and "Không cần đăng ký lại" in book
    assert reverse("vaccination:register", args=[person.pk]) not in book

    assert "Đinh Văn Vãng" not in _waiting_page(console_client, world)
    assert next_dose_reminders_send(today=due - datetime.timedelta(days=1)) == 0  # not due yet
    assert next_dose_reminders_send(today=TODAY) == 1
    waiting = _waiting_page(console_client, world)
    assert "Đinh Văn Vãng" in waiting and "<td>2</td>" in waiting

    with pytest.raises(ValidationError):  # registering again would restart the course
        register(account, person)
    dose_record(actor=staff, person_id=person.pk, site_id=world["site_phuc_xa"].pk, lot_id=lot.pk,
                idempotency_key="walk-2")
    course.refresh_from_db()
    assert Registration.objects.filter(person=person).count() == 1
    assert (course.status, course.next_dose_number, course.required_vaccine) == ("vaccinated", 3, None)


def test_the_walk_in_desk_puts_the_dose_on_a_course_the_district_schedules(world, lot, console_client):
    staff = world["site_staff_phuc_xa"]
    site = console_client(staff)
    response = site.post(reverse("vaccination_console:site_walk_in"), {
        "full_name": "Khách Mới Đến", "date_of_birth": "1975-05-05", "sex": "F", "id_number": "001 175 000 321",
        "phone": "0912 888 321"})
    visit = Visit.objects.get(person__full_name="Khách Mới Đến")
    assert response["Location"] == reverse("vaccination_console:site_visit", args=[visit.pk])
    assert (visit.person.id_number, visit.person.id_kind, visit.person.phone) == ("001175000321", "cccd",
                                                                                  "+84912888321")
    visit_screen(actor=staff, visit_id=visit.pk, answers={}, outcome=Visit.Step.SCREENED, temperature=36.6)
    site.post(reverse("vaccination_console:site_inject", args=[visit.pk]), {"lot": lot.pk, "idempotency_key": "d1"})
    assert Dose.objects.get(person=visit.person).dose_number == 1
    due = TODAY + datetime.timedelta(days=AZ_INTERVAL)
    course = Registration.objects.get(person=visit.person)
    assert (course.status, course.next_dose_number, course.due_from) == ("vaccinated", 2, due)
    assert AuditEvent.objects.filter(action="registration.after_dose", target_id=str(course.pk),
                                     actor=staff).exists()

    district = world["district_ba_dinh"]
    early, on_time = (session_create(actor=district, site_id=world["site_phuc_xa"].pk, date=day,
                                     start_time=datetime.time(8), end_time=datetime.time(9), slot_minutes=30,
                                     people_per_slot=2, lot_id=lot.pk)
                      for day in (due - datetime.timedelta(days=1), due))
    next_dose_reminders_send(today=due)
    assert session_schedule_auto(actor=district, session_id=early.pk) == 0  # the day before it falls due
    assert session_schedule_auto(actor=district, session_id=on_time.pk) == 1
    appointment = Appointment.objects.get(registration=course)
    assert (appointment.session_id, appointment.dose_number) == (on_time.pk, 2)


@pytest.mark.parametrize("field, value, message", [
    ("id_number", "12345", "CCCD gồm 12 chữ số"),
    ("id_number", "001070009999", "Số giấy tờ này đã thuộc về một người khác"),
    ("phone", "0123", "Nhập số điện thoại di động Việt Nam"),
])
def test_a_refused_walk_in_keeps_what_was_typed_and_writes_nothing(world, people, console_client, field, value,
                                                                   message):
    Person.objects.filter(pk=people["lan"]["person"].pk).update(id_number="001070009999")
    before = Person.objects.count()
    typed = {"full_name": "Người Gõ Sai", "date_of_birth": "1970-01-01", "sex": "M", "id_number": "",
             "phone": "", field: value}
    response = console_client(world["site_staff_phuc_xa"]).post(reverse("vaccination_console:site_walk_in"), typed)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and 'value="Người Gõ Sai"' in page
    assert Person.objects.count() == before and not Visit.objects.exists()


@pytest.mark.parametrize("number, kind", [
    ("001085012345", "cccd"), ("123456789", "cmnd"), ("C1234567", "passport"), ("123456", None),
    ("١٢٣٤٥٦٧٨٩٠١٢", None), ("", None),
])
def test_the_kind_of_an_id_number_is_one_rule(number, kind):
    assert id_kind_of(number) == kind


def test_the_missing_dose_and_its_answer_are_one_transaction(world, lot, people, console_client, monkeypatch):
    from vaccination.services import help_requests
    from vaccination.services.reactions import help_request_submit

    minh = people["minh"]
    request = help_request_submit(actor=minh["account"], person_id=minh["person"].pk, kind="missing_dose",
                                  message="Thiếu mũi 1", site=world["site_phuc_xa"],
                                  dose_date=TODAY - datetime.timedelta(days=3), dose_vaccine=lot.vaccine)
    # 00:30 in Viet Nam is the evening before in UTC: the answer names the local day.
    local_day = TODAY - datetime.timedelta(days=3)
    given = timezone.make_aware(datetime.datetime.combine(local_day, datetime.time(0, 30)))
    url = reverse("vaccination_console:help_detail", args=[request.pk])
    form = {"form": "dose", "lot": lot.pk, "given_at": given.strftime("%Y-%m-%dT%H:%M"), "dose_number": 1}
    staff = console_client(world["site_staff_phuc_xa"])

    def answer_fails(**kwargs):
        raise ValidationError("the notice could not be written")

    monkeypatch.setattr(help_requests, "help_request_answer", answer_fails)
    staff.post(url, form)
    assert not Dose.objects.filter(person=minh["person"]).exists()  # no dose without its answer
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == 1000
    monkeypatch.undo()

    staff.post(url, form)
    request.refresh_from_db()
    assert Dose.objects.get(person=minh["person"]).dose_number == 1
    assert request.status == HelpRequest.Status.CLOSED and f"{local_day:%d/%m/%Y}" in request.answer


def test_an_upload_registers_someone_with_doses_for_their_next_dose(world, lot, representative):
    from tests.imports.test_staff_upload import GOOD, post, upload, xlsx
    from vaccination.services.common import registration_transition

    def upload_and_confirm():
        _response, batch = upload(representative, xlsx(GOOD[:1]))
        post(representative, reverse("vaccination:import_confirm", args=[batch.pk]))

    upload_and_confirm()
    an = Person.objects.get(id_number=GOOD[0][3])
    first = Registration.objects.get(person=an)
    dose_record(actor=world["site_staff_phuc_xa"], person_id=an.pk, site_id=world["site_phuc_xa"].pk, lot_id=lot.pk,
                idempotency_key="org-1", given_at=timezone.now() - datetime.timedelta(days=40))
    upload_and_confirm()  # while the course waits for dose 2, a new upload registers nothing
    assert list(Registration.objects.filter(person=an).values_list("status", flat=True)) == ["vaccinated"]

    next_dose_reminders_send(today=TODAY)  # dose 2 falls due; then the registration is withdrawn
    registration_transition(actor=world["district_ba_dinh"], registration_id=first.pk, to="cancelled",
                            reason="Chuyển nơi làm việc")
    upload_and_confirm()
    again = Registration.objects.get(person=an, status="submitted")
    assert (again.next_dose_number, again.due_from, again.required_vaccine) == (
        2, TODAY - datetime.timedelta(days=40) + datetime.timedelta(days=AZ_INTERVAL),
        Vaccine.objects.get(code="astrazeneca"))
