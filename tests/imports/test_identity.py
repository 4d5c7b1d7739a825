"""An organisation's upload never changes anyone else's identity; people it did not add join only by their
own consent, and every identity change, from any path, is audited before/after and told to the person."""
import datetime

import pytest
from django.urls import reverse

from citizens.models import Notification, Person, SmsMessage
from registry.models import AuditEvent
from tests import factories as f
from tests.conftest import VY_DA
from tests.imports.test_staff_upload import GOOD, post, representative, upload, xlsx  # noqa: F401 - fixture
from tests.vaccination.conftest import lot, people  # noqa: F401 - fixtures
from vaccination.imports.staff import NOT_FROM_UPLOAD
from vaccination.models import Registration

STRANGER_ID = "046090000777"


@pytest.fixture
def stranger(db, django_user_model):
    """Someone in Huế with an account of their own, who has nothing to do with the organisation."""
    account = django_user_model.objects.create_citizen("0905111222", "x-Password-9", full_name="Hoàng Thị Lạ")
    person = Person.objects.create(
        account=account, managed_by=account, full_name="Hoàng Thị Lạ", date_of_birth=datetime.date(1990, 1, 1),
        sex="F", id_kind="cccd", id_number=STRANGER_ID, phone="+84905111222", ward=f.unit(f.Level.WARD, VY_DA))
    return person


@pytest.fixture
def person_client():
    """The person's own browser: not the representative's (the representative fixture holds `client`)."""
    from django.test import Client

    return Client()


def _identity(person):
    person.refresh_from_db()
    return person.full_name, person.date_of_birth, person.sex, person.phone, person.ward_id


def test_an_upload_cannot_rewrite_a_stranger(representative, stranger):
    before = _identity(stranger)
    attack = ["Kẻ Mạo Danh", "01/01/1980", "Nam", STRANGER_ID, "0912345678", "9", "1", "Kế toán"]
    _response, batch = upload(representative, xlsx([attack, GOOD[1]]))
    assert [row["id_number"] for row in batch.valid_rows] == [GOOD[1][3]]
    page = representative["client"].get(reverse("vaccination:import_detail", args=[batch.pk])).content.decode()
    assert "Hoàng Thị Lạ" not in page and "0905" not in page
    refusal = [e for e in batch.errors if e["row"] == 2]
    assert [e["message"] for e in refusal] == [str(NOT_FROM_UPLOAD)]
    post(representative, reverse("vaccination:import_confirm", args=[batch.pk]))
    assert _identity(stranger) == before
    assert not Registration.objects.filter(person=stranger).exists()
    assert not SmsMessage.objects.filter(phone="+84912345678").exists()
    report = representative["client"].get(reverse("vaccination:import_report", args=[batch.pk]))
    assert "cập nhật" not in report.content.decode("utf-8-sig")


def test_a_person_another_organisation_added_is_refused_the_same_way(representative, django_user_model):
    other = f.OrganisationFactory()
    someone = Person.objects.create(full_name="Lê Văn Khác", id_number=STRANGER_ID, phone="+84905111333")
    from vaccination.models import OrganisationPerson

    OrganisationPerson.objects.create(organisation=other, person=someone, origin=OrganisationPerson.Origin.ADDED)
    attack = ["Kẻ Mạo Danh", "01/01/1980", "Nam", STRANGER_ID, "0912345678", "9", "1", ""]
    _response, batch = upload(representative, xlsx([attack]))
    assert batch.valid_rows == [] and [e["message"] for e in batch.errors] == [str(NOT_FROM_UPLOAD)]
    someone.refresh_from_db()
    assert someone.full_name == "Lê Văn Khác" and someone.phone == "+84905111333"


def _sms_code(phone: str) -> str:
    import re

    message = SmsMessage.objects.filter(phone=phone).order_by("-pk").first()
    assert message is not None, f"no SMS to {phone}"
    return re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", message.text).group(1)


def _ask(representative, id_number: str, group: int = 9):
    from registry.models import PriorityGroup

    url = reverse("vaccination:organisation_link_request", args=[representative["organisation"].pk])
    return post(representative, url, {"id_number": id_number,
                                      "priority_group": PriorityGroup.objects.get(number=group).pk}, follow=True)


def _said(response) -> str:
    """The last message on the page the representative lands on."""
    return [str(message) for message in response.context["messages"]][-1]


def test_the_person_joins_only_by_typing_the_code_they_were_sent(representative, stranger, person_client):
    organisation = representative["organisation"]
    response = _ask(representative, STRANGER_ID)
    assert _said(response) == ("Nếu số giấy tờ này thuộc về người mà chúng tôi liên lạc được, họ sẽ nhận được tin "
                               "nhắn hỏi họ có đồng ý không. Họ sẽ xuất hiện trong danh sách của bạn khi họ đồng ý.")
    page = response.content.decode()
    assert "Hoàng Thị Lạ" not in page  # nothing about the person before they agree
    code = _sms_code("+84905111222")
    assert "Cong ty TNHH Song Hong" in SmsMessage.objects.get(phone="+84905111222").text  # SMS without diacritics
    assert not Registration.objects.filter(person=stranger).exists()

    wrong = person_client.post(reverse("vaccination:link_code"), {"code": "AAAA-BBBB"})
    assert "Mã này không đúng hoặc đã hết hạn" in wrong.content.decode()
    shown = person_client.post(reverse("vaccination:link_code"), {"code": code.lower()}).content.decode()
    assert organisation.name in shown and "Tôi đồng ý" in shown
    person_client.post(reverse("vaccination:link_code"), {"code": code, "decision": "accept"})
    registration = Registration.objects.get(person=stranger)
    assert registration.organisation == organisation and registration.ward == organisation.unit
    people = representative["client"].get(reverse("vaccination:organisation_detail", args=[organisation.pk]))
    assert "Hoàng Thị Lạ" in people.content.decode()
    again = person_client.post(reverse("vaccination:link_code"), {"code": code, "decision": "accept"}).content.decode()
    assert "Mã này không đúng hoặc đã hết hạn" in again  # used once

    # Joined by consent: the person's details are still theirs, a later upload cannot change them.
    before = _identity(stranger)
    attack = ["Kẻ Mạo Danh", "01/01/1980", "Nam", STRANGER_ID, "0912345678", "9", "1", ""]
    _response, batch = upload(representative, xlsx([attack]))
    assert batch.valid_rows == [] and [e["message"] for e in batch.errors] == [str(NOT_FROM_UPLOAD)]
    assert _identity(stranger) == before


def test_the_answer_is_the_same_whoever_the_number_belongs_to(representative, stranger):
    nobody = _ask(representative, "046090000888")
    somebody = _ask(representative, STRANGER_ID)
    twice = _ask(representative, STRANGER_ID)  # a request is already waiting: no second SMS
    assert _said(nobody) == _said(somebody) == _said(twice)
    assert SmsMessage.objects.filter(purpose="notice").count() == 1


def test_the_account_holder_agrees_or_declines_in_their_account(representative, stranger, person_client):
    from vaccination.models import LinkRequest

    _ask(representative, STRANGER_ID)
    person_client.force_login(stranger.account)
    assert Notification.objects.filter(recipient=stranger.account, link=reverse("vaccination:link_request_list"))
    page = person_client.get(reverse("vaccination:link_request_list")).content.decode()
    assert representative["organisation"].name in page
    request = LinkRequest.objects.get()
    person_client.post(reverse("vaccination:link_request_list"), {"request": request.pk, "decision": "decline"})
    assert not Registration.objects.filter(person=stranger).exists()
    assert LinkRequest.objects.get().status == "declined"
    _ask(representative, STRANGER_ID)  # asked again; someone else cannot answer a request meant for the stranger
    request = LinkRequest.objects.get(status="pending")
    person_client.force_login(representative["user"])
    assert person_client.post(reverse("vaccination:link_request_list"),
                       {"request": request.pk, "decision": "accept"}).status_code == 404
    person_client.force_login(stranger.account)
    person_client.post(reverse("vaccination:link_request_list"), {"request": request.pk, "decision": "accept"})
    assert Registration.objects.get(person=stranger).organisation == representative["organisation"]


def test_typed_codes_are_limited_per_address(representative, stranger, person_client, settings):
    settings.LINK_CODE_TRIES_PER_IP = 3
    _ask(representative, STRANGER_ID)
    code = _sms_code("+84905111222")
    for attempt in range(3):
        person_client.post(reverse("vaccination:link_code"), {"code": f"AAAA-BBB{attempt + 2}"})
    page = person_client.post(reverse("vaccination:link_code"), {"code": code}).content.decode()
    assert "Đã nhập quá nhiều mã từ kết nối này" in page and representative["organisation"].name not in page


def test_requests_are_limited_per_organisation(representative, stranger, settings):
    settings.LINK_REQUESTS_PER_ORGANISATION = 2
    _ask(representative, "046090000881")
    _ask(representative, "046090000882")
    refused = _ask(representative, STRANGER_ID)
    assert "Tổ chức của bạn đã gửi 2 yêu cầu hôm nay" in _said(refused)
    assert not SmsMessage.objects.filter(phone="+84905111222").exists()


# Every path that changes a person's identity goes through one service: before/after in the audit log, and the
# person told (notification and SMS to the phone on record before the change).

def _identity_event(person, action="person.identity_change"):
    return AuditEvent.objects.filter(action=action, target_id=str(person.pk)).latest("pk")


def test_an_upload_updates_its_own_people_with_audit_and_notice(representative):
    _response, batch = upload(representative, xlsx(GOOD))
    post(representative, reverse("vaccination:import_confirm", args=[batch.pk]))
    an = Person.objects.get(id_number=GOOD[0][3])
    changed = [list(GOOD[0])]
    changed[0][4] = "0987000111"
    _response, again = upload(representative, xlsx(changed))
    assert again.valid_rows[0]["action"] == "update"
    post(representative, reverse("vaccination:import_confirm", args=[again.pk]))
    an.refresh_from_db()
    assert an.phone == "+84987000111"
    event = _identity_event(an)
    assert event.changes["before"] == {"phone": "+84912345678"} and event.changes["after"] == {"phone": "+84987000111"}
    assert "Sông Hồng" in event.changes["reason"]
    told = SmsMessage.objects.filter(phone="+84912345678").latest("pk")  # the old number hears of the change
    assert "thay doi" in told.text.lower()
    assert Notification.objects.filter(person=an, title="Thông tin cá nhân của bạn đã được thay đổi").exists()
    assert again.__class__.objects.get(pk=again.pk).results[0]["status"] == "updated"


def test_an_account_holders_own_edit_is_audited_and_told(client, django_user_model):
    from tests.citizens.test_people import profile_form_data

    account = django_user_model.objects.create_citizen("0912345678", "x-Password-9", full_name="Nguyễn Thị Lan")
    person = Person.objects.create(account=account, managed_by=account, full_name="Nguyễn Thị Lan",
                                   phone="+84912345678")
    client.force_login(account)
    client.post(reverse("citizens:person_edit", args=[person.pk]), profile_form_data(phone="0987654321"))
    event = _identity_event(person)
    assert event.changes["before"]["phone"] == "+84912345678" and event.changes["after"]["phone"] == "+84987654321"
    assert event.changes["after"]["id_number"] == "001185000001" and "allergies" not in event.changes["after"]
    assert SmsMessage.objects.filter(phone="+84912345678", text__icontains="thay doi").exists()
    assert Notification.objects.filter(recipient=account, title="Thông tin cá nhân của bạn đã được thay đổi").exists()


def test_a_staff_correction_is_audited_and_told(world, lot, people):  # noqa: F811
    from vaccination.services.dose_recording import dose_record
    from vaccination.services.reactions import person_correct

    lan = people["lan"]["person"]
    dose_record(actor=world["site_staff_phuc_xa"], person_id=lan.pk, site_id=world["site_phuc_xa"].pk,
                lot_id=lot.pk, idempotency_key="dose-lan")
    person_correct(actor=world["district_ba_dinh"], person_id=lan.pk, reason="Theo CCCD",
                   date_of_birth=datetime.date(1981, 2, 3))
    event = _identity_event(lan, "person.correct")
    assert event.changes["before"] == {"date_of_birth": "1980-01-01"}
    assert event.changes["after"] == {"date_of_birth": "1981-02-03"} and event.changes["reason"] == "Theo CCCD"
    assert SmsMessage.objects.filter(phone=lan.phone, text__icontains="thay doi").exists()
    assert Notification.objects.filter(person=lan, title="Thông tin cá nhân của bạn đã được thay đổi").exists()


def test_a_phone_change_with_a_code_moves_the_persons_phone_through_the_service(client, db):
    from tests.citizens.conftest import last_code
    from tests.factories import PASSWORD

    client.post(reverse("citizens:signup"), {"full_name": "Nguyễn Thị Lan", "phone": "0912345678"})
    client.post(reverse("citizens:signup_verify"), {"code": last_code("+84912345678"), "password1": PASSWORD,
                                                    "password2": PASSWORD})
    client.post(reverse("citizens:phone_change"), {"new_phone": "0987654321", "password": PASSWORD})
    client.post(reverse("citizens:phone_change_verify"), {"code": last_code("+84987654321")})
    person = Person.objects.get(account__phone="+84987654321")
    event = _identity_event(person)
    assert event.changes["before"] == {"phone": "+84912345678"} and event.changes["after"] == {"phone": "+84987654321"}


def test_a_change_in_the_admin_goes_through_the_service(client, django_user_model, stranger):
    admin = django_user_model.objects.create_superuser("root", "x-Password-9", full_name="Root")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(admin)
    device = TOTPDevice.objects.create(user=admin, name="t", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    url = reverse("admin:citizens_person_change", args=[stranger.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"full_name": "Hoàng Thị Lạ Mới", "ward": stranger.ward_id, "account": stranger.account_id,
                 "managed_by": stranger.account_id, "date_of_birth": "1990-01-01"})
    data = {key: value for key, value in data.items() if value is not None and not isinstance(value, list)}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = _identity_event(stranger)
    assert event.changes["before"] == {"full_name": "Hoàng Thị Lạ"}
    assert event.changes["after"] == {"full_name": "Hoàng Thị Lạ Mới"}


def test_signing_up_again_after_deactivation_renames_through_the_service(client, db):
    from citizens.models import User
    from tests.citizens.conftest import last_code
    from tests.factories import PASSWORD

    for name in ("Nguyễn Thị Lan", "Nguyễn Thị Lan Anh"):
        client.post(reverse("citizens:signup"), {"full_name": name, "phone": "0912345678"})
        client.post(reverse("citizens:signup_verify"), {"code": last_code("+84912345678"), "password1": PASSWORD,
                                                        "password2": PASSWORD})
        User.objects.filter(phone="+84912345678").update(is_active=False)
    person = Person.objects.get(account__phone="+84912345678")
    assert person.full_name == "Nguyễn Thị Lan Anh"
    event = _identity_event(person)
    assert event.changes["before"] == {"full_name": "Nguyễn Thị Lan"}
    assert event.changes["after"] == {"full_name": "Nguyễn Thị Lan Anh"}
