"""The course of doses as a citizen meets it: after a dose the page says which dose comes next and from when, a
new registration carries the course on and never restarts it, and the level is counted one way on every page."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from registry.models import Vaccine
from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person, register
from vaccination.models import Registration
from vaccination.services.dose_recording import dose_record
from vaccination.services.registrations import registration_cancel
from vaccination.services.reminders import next_dose_reminders_send

TODAY = timezone.localdate()


def _dose(world, lot, person, *, days_ago: int, key: str, number=None, override=""):
    dose, _created = dose_record(actor=world["site_staff_phuc_xa"], person_id=person.pk,
                                 site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key=key,
                                 given_at=timezone.now() - datetime.timedelta(days=days_ago), dose_number=number,
                                 override_reason=override, confirm=True)
    return dose


def _page(client, account, person) -> str:
    client.force_login(account)
    return client.get(reverse("vaccination:person_vaccinations", args=[person.pk])).content.decode()


def test_after_dose_one_the_page_shows_the_next_dose_instead_of_registering(world, lot, client, django_user_model):
    account, person = citizen_person(django_user_model, "0912000901", "Cao Thị Hai", PHUC_XA)
    register(account, person)
    _dose(world, lot, person, days_ago=3, key="c-1")
    page = _page(client, account, person)
    due = TODAY - datetime.timedelta(days=3) + datetime.timedelta(days=28)  # AstraZeneca: 4 weeks at least
    assert f"Mũi 2, từ ngày {due:%d/%m/%Y}" in page
    assert reverse("vaccination:register", args=[person.pk]) not in page
    assert "Không cần đăng ký lại" in page


def test_registering_again_while_the_course_waits_is_refused_and_the_beat_still_runs(world, lot, django_user_model):
    account, person = citizen_person(django_user_model, "0912000902", "Cao Văn Ba", PHUC_XA)
    first = register(account, person)
    _dose(world, lot, person, days_ago=30, key="c-2")
    with pytest.raises(ValidationError) as refused:
        register(account, person)
    assert "mũi 2" in " ".join(refused.value.messages)
    assert Registration.objects.filter(person=person).count() == 1
    assert next_dose_reminders_send(today=TODAY) == 1  # the one registration goes back to the district
    first.refresh_from_db()
    assert (first.status, first.next_dose_number) == ("allocated", 2)


def test_a_new_registration_after_a_dose_carries_the_course_on(world, lot, client, django_user_model):
    """Someone vaccinated whose registration was cancelled once it came back for the next dose registers later.
    (A walk-in is put on a course by the dose itself: test_walk_in_course.py.)"""
    account, person = citizen_person(django_user_model, "0912000903", "Cao Thị Tư", PHUC_XA)
    first = register(account, person)
    _dose(world, lot, person, days_ago=40, key="c-3")
    assert next_dose_reminders_send(today=TODAY) == 1  # back to the district's list…
    registration_cancel(actor=account, registration_id=first.pk)  # …and withdrawn by the citizen
    page = _page(client, account, person)
    assert "Đăng ký tiêm mũi 2" in page and "Đã tiêm 1 mũi vắc xin" in page
    form = client.get(reverse("vaccination:register", args=[person.pk])).content.decode()
    assert "Các mũi đã ghi nhận" in form and "tiếp nối lộ trình tiêm" in form
    assert "Mũi 2</p>" in form and "Mũi 1</p>" not in form  # the rows for other doses start after the course
    registration = register(account, person)
    assert registration.next_dose_number == 2
    assert registration.due_from == TODAY - datetime.timedelta(days=40) + datetime.timedelta(days=28)
    assert registration.required_vaccine == Vaccine.objects.get(code="astrazeneca")


def test_doses_declared_again_continue_the_numbering_or_are_refused(world, lot, django_user_model):
    account, person = citizen_person(django_user_model, "0912000904", "Cao Văn Năm", PHUC_XA)
    first = register(account, person)
    _dose(world, lot, person, days_ago=200, key="c-4")
    next_dose_reminders_send(today=TODAY)
    registration_cancel(actor=account, registration_id=first.pk)  # off the course; registering again picks it up
    pfizer = Vaccine.objects.get(code="pfizer")
    with pytest.raises(ValidationError) as refused:
        register(account, person, declared=[{"vaccine": pfizer, "given_on": TODAY - datetime.timedelta(days=300)}])
    message = " ".join(refused.value.messages)
    assert (TODAY - datetime.timedelta(days=300)).strftime("%d/%m/%Y") in message and "mũi 1" in message
    assert list(Registration.objects.filter(person=person).values_list("status", flat=True)) == ["cancelled"]
    registration = register(account, person, declared=[
        {"vaccine": pfizer, "given_on": TODAY - datetime.timedelta(days=100), "place": "Singapore"}])
    assert [d.dose_number for d in registration.declared_doses.all()] == [2]
    assert registration.next_dose_number == 3  # a booster after the series
    assert registration.due_from == TODAY - datetime.timedelta(days=100) + datetime.timedelta(days=90)


def test_the_level_is_counted_one_way_on_every_page(world, lot, client, django_user_model,
                                                    django_capture_on_commit_callbacks):
    """A dose declared at registration, then dose 2 recorded: the QR says 2/2, so does every page."""
    from pypdf import PdfReader

    account, person = citizen_person(django_user_model, "0912000905", "Cao Thị Sáu", PHUC_XA)
    register(account, person, declared=[{"vaccine": Vaccine.objects.get(code="astrazeneca"),
                                         "given_on": TODAY - datetime.timedelta(days=60), "place": "Bạch Mai"}])
    with django_capture_on_commit_callbacks(execute=True):  # the certificate is signed after commit
        _dose(world, lot, person, days_ago=2, key="c-5")
    assert "Đã tiêm 2 mũi vắc xin" in _page(client, account, person)
    page = client.get(reverse("certificates:person_certificate", args=[person.pk])).content.decode()
    assert "Đã tiêm 2 mũi vắc xin" in page and "Đã tiêm 1 mũi" not in page
    pdf = client.get(reverse("certificates:certificate_pdf", args=[person.pk])).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Đã tiêm 2 mũi vắc xin / Vaccinated with 2 doses" in text
