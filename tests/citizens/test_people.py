import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from citizens.models import Person, User
from registry.models import AuditEvent
from tests import factories as f
from tests.conftest import BA_DINH, HA_NOI, HOAN_KIEM, PHUC_XA

Level = f.Level


def profile_form_data(**overrides):
    data = {
        "full_name": "Nguyễn Thị Lan", "date_of_birth": "1985-03-14", "sex": "F", "nationality": "Việt Nam",
        "phone": "0912345678", "id_kind": "cccd", "id_number": "001185000001", "insurance_number": "DN4010123456789",
        "insurance_valid_from": "2024-01-01", "insurance_valid_to": "2026-12-31",
        "province": f.unit(Level.PROVINCE, HA_NOI).pk, "district": f.unit(Level.DISTRICT, BA_DINH).pk,
        "ward": f.unit(Level.WARD, PHUC_XA).pk, "street": "12 Phúc Xá", "occupation": "Giáo viên",
        "workplace": "Trường THCS Phúc Xá", "chronic_conditions": "Tăng huyết áp", "allergies": "Penicillin",
        "severe_reactions": "", "medical_history": "",
    }
    data.update(overrides)
    return data


def _own(client) -> Person:
    return Person.objects.get(account__phone="+84912345678")


def test_profile_is_saved_with_the_full_address(signed_up):
    person = _own(signed_up)
    response = signed_up.post(reverse("citizens:person_edit", args=[person.pk]), profile_form_data())
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.ward.name == "Phường Phúc Xá" and person.id_number == "001185000001"
    assert person.insurance_number == "DN4010123456789" and person.allergies == "Penicillin"
    page = signed_up.get(reverse("citizens:person_detail", args=[person.pk])).content.decode()
    assert "Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội" in page
    assert "001185000001" not in page and "•••••••••001" in page
    event = AuditEvent.objects.get(action="person.update")
    assert "allergies" in event.changes["fields"] and "Penicillin" not in str(event.changes)


@pytest.mark.parametrize("overrides, field_message", [
    ({"id_number": "12345"}, "Căn cước công dân (CCCD) gồm đúng 12 chữ số."),
    ({"id_kind": "cmnd", "id_number": "0011850000"}, "Chứng minh nhân dân (CMND) gồm đúng 9 chữ số."),
    ({"id_kind": "passport", "id_number": "C12-34"}, "Số hộ chiếu gồm 6 đến 12 chữ cái và chữ số"),
    ({"id_kind": ""}, "Hãy chọn loại giấy tờ cho số này."),
    ({"insurance_number": "DN401012345"}, "Số thẻ bảo hiểm y tế gồm 2 chữ cái và 13 chữ số."),
    ({"insurance_valid_to": "2023-01-01"}, "Thẻ không thể hết hạn trước ngày có hiệu lực."),
    ({"date_of_birth": "2999-01-01"}, "Ngày sinh không thể ở tương lai."),
    ({"full_name": ""}, "Trường này là bắt buộc."),
    ({"ward": ""}, "Hãy chọn phường/xã."),
    ({"district": "HK"}, "Hãy chọn một lựa chọn hợp lệ"),  # the ward is not among Hoàn Kiếm's
])
def test_each_field_is_validated_and_nothing_is_written(signed_up, overrides, field_message):
    if overrides.get("district") == "HK":
        overrides = {"district": f.unit(Level.DISTRICT, HOAN_KIEM).pk}
    person = _own(signed_up)
    before = Person.objects.filter(pk=person.pk).values().get()
    response = signed_up.post(reverse("citizens:person_edit", args=[person.pk]), profile_form_data(**overrides))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert Person.objects.filter(pk=person.pk).values().get() == before


def test_id_number_belongs_to_one_person(signed_up):
    Person.objects.create(full_name="Người khác", id_kind="cccd", id_number="001185000001")
    person = _own(signed_up)
    page = signed_up.post(reverse("citizens:person_edit", args=[person.pk]), profile_form_data()).content.decode()
    assert "Số giấy tờ này đã thuộc về một người khác" in page
    person.refresh_from_db()
    assert person.id_number is None and person.ward is None


def test_family_members_are_people_of_their_own(signed_up):
    response = signed_up.post(reverse("citizens:family_add"), profile_form_data(
        full_name="Nguyễn Minh Khôi", date_of_birth="2012-06-01", sex="M", id_number="001212000009", phone=""))
    child = Person.objects.get(full_name="Nguyễn Minh Khôi")
    assert response["Location"] == reverse("citizens:person_detail", args=[child.pk])
    assert child.account is None and child.managed_by.phone == "+84912345678"
    assert child.qr_token != _own(signed_up).qr_token
    book = signed_up.get(reverse("citizens:book")).content.decode()
    assert "Nguyễn Minh Khôi" in book and "•••••••••009" in book and "001212000009" not in book
    signed_up.post(reverse("citizens:person_edit", args=[child.pk]),
                   profile_form_data(full_name="Nguyễn Minh Khôi", date_of_birth="2012-06-01", sex="M",
                            id_number="001212000009", phone="", allergies="Tôm"))
    child.refresh_from_db()
    assert child.allergies == "Tôm"


def test_someone_elses_people_look_like_missing_ones(signed_up, django_user_model):
    other = django_user_model.objects.create_citizen("0987654321", "x-Password-1", full_name="Khác")
    stranger = Person.objects.create(full_name="Người lạ", managed_by=other, account=other)
    for name in ["person_detail", "person_edit", "person_qr"]:
        assert signed_up.get(reverse(f"citizens:{name}", args=[stranger.pk])).status_code == 404, name
    assert signed_up.post(reverse("citizens:person_qr_rotate", args=[stranger.pk])).status_code == 404
    token = stranger.qr_token
    stranger.refresh_from_db()
    assert stranger.qr_token == token


def test_qr_token_is_random_and_can_be_rotated(signed_up):
    person = _own(signed_up)
    page = signed_up.get(reverse("citizens:person_qr", args=[person.pk])).content.decode()
    assert "<svg" in page and person.full_name in page
    assert len(person.qr_token) >= 22 and person.qr_text == f"SSK:{person.qr_token}"
    old = person.qr_token
    signed_up.post(reverse("citizens:person_qr_rotate", args=[person.pk]))
    person.refresh_from_db()
    assert person.qr_token != old


def test_address_selects_follow_each_other(client, db):
    province = f.unit(Level.PROVINCE, HA_NOI)
    districts = client.get(reverse("citizens:unit_children", args=[province.pk])).json()["units"]
    assert len(districts) == 30 and any(d["name"] == "Quận Ba Đình" for d in districts)
    district = f.unit(Level.DISTRICT, BA_DINH)
    wards = client.get(reverse("citizens:unit_children", args=[district.pk])).json()["units"]
    assert {w["name"] for w in wards} >= {"Phường Phúc Xá", "Phường Trúc Bạch"}
    assert client.get(reverse("citizens:unit_children", args=[f.unit(Level.WARD, PHUC_XA).pk])).status_code == 404


def test_staff_cannot_use_citizen_pages(world, console_client):
    client = console_client(world["site_staff_phuc_xa"])
    assert client.get(reverse("citizens:book")).status_code == 302


def test_birth_date_today_is_accepted(signed_up):
    person = _own(signed_up)
    today = timezone.localdate().isoformat()
    response = signed_up.post(reverse("citizens:person_edit", args=[person.pk]),
                              profile_form_data(date_of_birth=today, insurance_valid_from="", insurance_valid_to=""))
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).date_of_birth == datetime.date.fromisoformat(today)
    assert User.objects.filter(phone="+84912345678").count() == 1


def test_the_account_holder_comes_first_in_the_book(signed_up):
    holder = _own(signed_up)
    Person.objects.create(full_name="Anh Con", managed_by=holder.account)  # sorts before by name
    book = signed_up.get(reverse("citizens:book")).content.decode()
    assert book.index("Nguyễn Thị Lan") < book.index("Anh Con")
