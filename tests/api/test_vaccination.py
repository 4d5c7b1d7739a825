"""Vaccination over the API: the course, registering, withdrawing, reactions and help requests; others' are 404."""
import datetime

from django.utils import timezone

from registry.models import PriorityGroup, Vaccine
from tests import factories as f
from tests.conftest import BA_DINH, PHUC_XA, TRUC_BACH
from tests.vaccination.conftest import citizen_person, lot, people  # noqa: F401 - fixtures
from tests.certificates.conftest import certified  # noqa: F401 - fixture
from vaccination.models import HelpRequest, Reaction, Registration

from .conftest import bearer


def post(client, path, data, headers):
    return client.post(f"/api/v1{path}", data=data, content_type="application/json", **headers)


def test_vaccination_book_shows_the_course_and_level(client, certified):
    person = certified["person"]
    book = client.get(f"/api/v1/people/{person.pk}/vaccination", **bearer(certified["account"])).json()
    assert [d["number"] for d in book["course"]] == [1, 2]
    assert book["doses_counted"] == 2 and book["level"] == "Đã tiêm 2 mũi vắc xin"
    assert book["registrations"][0]["status"] == "vaccinated"


def test_another_citizens_vaccination_book_is_404(client, certified, people):
    headers = bearer(people["lan"]["account"])
    assert client.get(f"/api/v1/people/{certified['person'].pk}/vaccination", **headers).status_code == 404


def _registration_body(**extra):
    return {"priority_group_id": PriorityGroup.objects.get(number=9).pk, "district_id": f.unit(f.Level.DISTRICT,
            BA_DINH).pk, "ward_id": f.unit(f.Level.WARD, TRUC_BACH).pk, "consent": True, **extra}


def test_registering_through_the_api_uses_the_portals_rules(client, world, django_user_model):
    account, person = citizen_person(django_user_model, "0912000801", "Vũ Văn Hải", PHUC_XA)
    headers = bearer(account)
    response = post(client, f"/people/{person.pk}/registrations", _registration_body(), headers)
    assert response.status_code == 201 and response.json()["status"] == "submitted"
    # one open registration per person, as on the page; the message names no field but says why
    again = post(client, f"/people/{person.pk}/registrations", _registration_body(), headers)
    assert again.status_code == 422 and again.json()["detail"]
    assert Registration.objects.filter(person=person).count() == 1


def test_registration_refusals_name_the_field_and_write_nothing(client, world, django_user_model):
    account, person = citizen_person(django_user_model, "0912000802", "Vũ Văn Hải", PHUC_XA)
    headers = bearer(account)
    body = _registration_body(consent=False, ward_id=f.unit(f.Level.WARD, 19777).pk, declared_doses=[
        {"vaccine_id": Vaccine.objects.get(code="astrazeneca").pk,
         "given_on": str(timezone.localdate() + datetime.timedelta(days=3))}])
    response = post(client, f"/people/{person.pk}/registrations", body, headers)
    assert response.status_code == 422
    assert {"consent", "declared_doses.0.given_on"} <= set(response.json()["errors"])
    assert not Registration.objects.filter(person=person).exists()


def test_registering_another_citizens_person_is_404(client, people):
    headers = bearer(people["lan"]["account"])
    response = post(client, f"/people/{people['hue']['person'].pk}/registrations", _registration_body(), headers)
    assert response.status_code == 404


def test_withdrawing_a_registration_and_not_someone_elses(client, people):
    lan, minh = people["lan"], people["minh"]
    headers = bearer(lan["account"])
    assert post(client, f"/registrations/{minh['registration'].pk}/cancel", {}, headers).status_code == 404
    response = post(client, f"/registrations/{lan['registration'].pk}/cancel", {}, headers)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    minh["registration"].refresh_from_db()
    assert minh["registration"].status == "submitted"


def test_reporting_a_reaction_and_asking_for_help(client, certified, people):
    headers = bearer(certified["account"])
    dose = certified["doses"][1]
    onset = (timezone.now() - datetime.timedelta(hours=5)).isoformat()
    body = {"onset_at": onset, "symptoms": ["fever"], "severity": "mild"}
    other = bearer(people["lan"]["account"])
    assert post(client, f"/doses/{dose.pk}/reactions", body, other).status_code == 404
    response = post(client, f"/doses/{dose.pk}/reactions", body, headers)
    assert response.status_code == 201 and response.json()["dose_id"] == dose.pk
    assert Reaction.objects.filter(dose=dose).count() == 1
    bad = post(client, f"/doses/{dose.pk}/reactions", {**body, "severity": "awful"}, headers)
    assert bad.status_code == 422 and "severity" in bad.json()["errors"]

    person = certified["person"]
    help_body = {"kind": HelpRequest.Kind.WRONG_DETAILS, "message": "Xin sửa ngày sinh."}
    assert post(client, f"/people/{person.pk}/help-requests", help_body, other).status_code == 404
    assert post(client, f"/people/{person.pk}/help-requests", help_body, headers).status_code == 201
    book = client.get(f"/api/v1/people/{person.pk}/vaccination", **headers).json()
    assert len(book["reactions"]) == 1 and book["help_requests"][0]["message"] == "Xin sửa ngày sinh."


def test_appointments_list_what_is_booked_for_the_family_only(client, world, lot, people):
    from django.urls import reverse

    appointment = _book_lan(world, lot, people)
    listed = client.get("/api/v1/appointments", **bearer(people["lan"]["account"])).json()
    assert [(a["id"], a["person_name"], a["kind"]) for a in listed] == [
        (appointment.pk, "Nguyễn Thị Lan", "vaccination")]
    assert client.get("/api/v1/appointments", **bearer(people["minh"]["account"])).json() == []
    client.force_login(people["lan"]["account"])
    assert "Lịch hẹn" in client.get(reverse("citizens:book")).content.decode()
    page = client.get(reverse("clinics:appointment_list")).content.decode()
    assert "Nguyễn Thị Lan" in page and reverse("vaccination:appointment_cancel", args=[appointment.pk]) in page
    client.force_login(people["minh"]["account"])
    page = client.get(reverse("clinics:appointment_list")).content.decode()
    assert "Nguyễn Thị Lan" not in page and "Không có lịch hẹn nào." in page


def _book_lan(world, lot, people):
    from vaccination.models import Appointment
    from vaccination.services.registrations import registrations_allocate, registrations_approve
    from vaccination.services.sessions import session_create, session_schedule_auto

    ids = [people["lan"]["registration"].pk]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk,
                             date=timezone.localdate() + datetime.timedelta(days=1), start_time=datetime.time(8),
                             end_time=datetime.time(10), slot_minutes=30, people_per_slot=2, lot_id=lot.pk)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    return Appointment.objects.get(registration=people["lan"]["registration"])
