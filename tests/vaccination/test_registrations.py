"""Registration: submitted by a citizen, then approve / reject / allocate by the province, each change an event."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from citizens.models import Notification, SmsMessage
from registry.models import PriorityGroup, Vaccine
from tests import factories as f
from tests.conftest import BA_DINH, HOAN_KIEM, PHUC_XA, THUAN_HOA
from tests.vaccination.conftest import citizen_person, register
from vaccination.models import Registration, RegistrationEvent
from vaccination.services.common import registration_transition
from vaccination.services.registrations import (
    registration_cancel, registrations_allocate, registrations_approve, registrations_reject,
)

Status = Registration.Status
Level = f.Level


def _status(registration) -> str:
    return Registration.objects.get(pk=registration.pk).status


def test_citizen_registers_through_the_form(world, client, django_user_model):
    account, person = citizen_person(django_user_model, "0912000201", "Nguyễn Văn Ánh", PHUC_XA)
    client.force_login(account)
    url = reverse("vaccination:register", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Phường Phúc Xá" in page  # the address is the default place
    data = {"priority_group": PriorityGroup.objects.get(number=9).pk, "wished_date": "",
            "district": f.unit(Level.DISTRICT, BA_DINH).pk, "ward": f.unit(Level.WARD, PHUC_XA).pk,
            "dose-TOTAL_FORMS": 3, "dose-INITIAL_FORMS": 0,
            "dose-0-vaccine": Vaccine.objects.get(code="pfizer").pk, "dose-0-given_on": "2021-08-01",
            "dose-0-place": "Bệnh viện Bạch Mai"}
    page = client.post(url, data).content.decode()
    assert "Hãy đánh dấu ô đồng ý để đăng ký." in page
    assert not Registration.objects.exists()
    response = client.post(url, {**data, "consent": "on"})
    assert response["Location"] == reverse("vaccination:person_vaccinations", args=[person.pk])
    registration = Registration.objects.get(person=person)
    assert registration.status == Status.SUBMITTED and registration.consent_at is not None
    assert registration.next_dose_number == 2
    assert registration.due_from == datetime.date(2021, 8, 22)  # Pfizer: 21 days
    assert registration.required_vaccine.code == "pfizer"
    page = client.get(reverse("vaccination:person_vaccinations", args=[person.pk])).content.decode()
    assert "Đã gửi đăng ký" in page and "Đã tiêm 1 mũi vắc xin" in page
    assert list(RegistrationEvent.objects.values_list("from_status", "to_status")) == [("", "submitted")]


def test_one_open_registration_per_person(people):
    lan = people["lan"]
    with pytest.raises(ValidationError) as error:
        register(lan["account"], lan["person"])
    assert "đã có đăng ký đang được xử lý" in error.value.messages[0]
    registration_cancel(actor=lan["account"], registration_id=lan["registration"].pk)
    assert register(lan["account"], lan["person"]).status == Status.SUBMITTED


def test_future_declared_dose_is_refused(world, client, django_user_model):
    account, person = citizen_person(django_user_model, "0912000202", "B", PHUC_XA)
    client.force_login(account)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    page = client.post(reverse("vaccination:register", args=[person.pk]), {
        "priority_group": PriorityGroup.objects.get(number=9).pk, "district": f.unit(Level.DISTRICT, BA_DINH).pk,
        "ward": f.unit(Level.WARD, PHUC_XA).pk, "consent": "on", "dose-TOTAL_FORMS": 3, "dose-INITIAL_FORMS": 0,
        "dose-0-vaccine": Vaccine.objects.get(code="pfizer").pk, "dose-0-given_on": tomorrow}).content.decode()
    assert "Mũi đã tiêm không thể ở tương lai." in page
    assert not Registration.objects.exists()


def test_approve_only_in_own_province_and_only_submitted(people, world):
    officer = world["province_ha_noi"]
    ids = [row["registration"].pk for row in people.values()]
    assert registrations_approve(officer=officer, ids=ids) == 4  # not Huế's
    assert _status(people["hue"]["registration"]) == Status.SUBMITTED
    assert registrations_approve(officer=officer, ids=ids) == 0  # already approved
    event = RegistrationEvent.objects.filter(registration=people["lan"]["registration"]).last()
    assert (event.from_status, event.to_status, event.actor) == ("submitted", "approved", officer)


def test_reject_needs_a_reason_and_tells_the_person(people, world, django_capture_on_commit_callbacks):
    officer = world["province_ha_noi"]
    with pytest.raises(ValidationError):
        registrations_reject(officer=officer, ids=[people["lan"]["registration"].pk], reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        assert registrations_reject(officer=officer, ids=[people["lan"]["registration"].pk],
                                    reason="Chưa đủ 18 tuổi") == 1
    registration = Registration.objects.get(pk=people["lan"]["registration"].pk)
    assert (registration.status, registration.status_reason) == (Status.REJECTED, "Chưa đủ 18 tuổi")
    notification = Notification.objects.get(person=people["lan"]["person"])
    assert "Chưa đủ 18 tuổi" in notification.body
    sms = SmsMessage.objects.get(phone="+84912000101")
    assert "Chua du 18 tuoi" in sms.text  # SMS without diacritics
    with pytest.raises(ValidationError):
        registration_transition(actor=officer, registration_id=registration.pk, to=Status.APPROVED)


def test_allocate_to_own_district_or_a_chosen_one(people, world):
    officer = world["province_ha_noi"]
    registrations_approve(officer=officer, ids=[row["registration"].pk for row in people.values()])
    assert registrations_allocate(officer=officer, ids=[people["lan"]["registration"].pk]) == 1
    lan = Registration.objects.get(pk=people["lan"]["registration"].pk)
    assert lan.status == Status.ALLOCATED and lan.allocated_district.code == BA_DINH
    hoan_kiem = f.unit(Level.DISTRICT, HOAN_KIEM)
    assert registrations_allocate(officer=officer, district=hoan_kiem,
                                  ids=[people["minh"]["registration"].pk]) == 1
    assert Registration.objects.get(pk=people["minh"]["registration"].pk).allocated_district == hoan_kiem
    with pytest.raises(ValidationError):
        registrations_allocate(officer=officer, district=f.unit(Level.DISTRICT, THUAN_HOA),
                               ids=[people["hoa"]["registration"].pk])
    assert _status(people["hoa"]["registration"]) == Status.APPROVED


def test_other_roles_cannot_approve(people, world):
    for role in ("district_ba_dinh", "site_staff_phuc_xa"):
        with pytest.raises(PermissionDenied):
            registrations_approve(officer=world[role], ids=[people["lan"]["registration"].pk])
    assert _status(people["lan"]["registration"]) == Status.SUBMITTED


def test_console_queue_filters_counts_and_bulk_actions(people, world, console_client):
    client = console_client(world["province_ha_noi"])
    page = client.get(reverse("vaccination_console:registration_list")).content.decode()
    assert "Nguyễn Thị Lan" in page and "Hồ Thị Huế" not in page
    page = client.get(reverse("vaccination_console:registration_list"), {"priority_group": PriorityGroup.objects.get(
        number=1).pk}).content.decode()
    assert "Trần Văn Minh" in page and "Nguyễn Thị Lan" not in page
    page = client.get(reverse("vaccination_console:registration_list"), {"q": "0912000103"}).content.decode()
    assert "Lê Thị Hoa" in page and "Nguyễn Thị Lan" not in page

    # approve everything that matches "Ba Đình"
    client.post(reverse("vaccination_console:registration_action"), {
        "action": "approve", "all_matching": "1", "status": "submitted",
        "district": f.unit(Level.DISTRICT, BA_DINH).pk})
    assert {_status(people[k]["registration"]) for k in ("lan", "minh", "hoa")} == {Status.APPROVED}
    assert _status(people["tan"]["registration"]) == Status.SUBMITTED

    client.post(reverse("vaccination_console:registration_action"), {
        "action": "reject", "ids": [people["tan"]["registration"].pk], "reason": "Trùng đăng ký"})
    assert _status(people["tan"]["registration"]) == Status.REJECTED

    response = client.post(reverse("vaccination_console:registration_action"), {
        "action": "allocate", "ids": [people["lan"]["registration"].pk], "allocate-district": ""}, follow=True)
    assert "1 đăng ký đã được phân bổ." in response.content.decode()
    assert _status(people["lan"]["registration"]) == Status.ALLOCATED
    page = client.get(reverse("vaccination_console:registration_list"), {"status": ""}).content.decode()
    assert "Đã phân bổ" in page


def test_citizen_cancels_the_registration(people):
    lan = people["lan"]
    registration_cancel(actor=lan["account"], registration_id=lan["registration"].pk)
    assert _status(lan["registration"]) == Status.CANCELLED
    with pytest.raises(Exception):
        registration_cancel(actor=people["minh"]["account"], registration_id=people["hoa"]["registration"].pk)
    assert _status(people["hoa"]["registration"]) == Status.SUBMITTED
