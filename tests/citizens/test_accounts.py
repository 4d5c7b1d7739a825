import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from citizens.models import Person, id_number_mask
from citizens.phones import phone_display, phone_normalize
from tests.factories import PASSWORD


@pytest.mark.parametrize("raw", ["0912345678", "+84912345678", "84912345678", "0912 345 678", "091-234-5678"])
def test_phone_forms_share_one_normal_form(raw):
    assert phone_normalize(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["", "012345678", "0212345678", "+1912345678", "09123456789", "abc"])
def test_bad_phone_is_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as error:
        phone_normalize(raw)
    assert "0912345678" in error.value.messages[0]


def test_phone_display():
    assert phone_display("+84912345678") == "0912 345 678"


def test_citizen_signs_in_with_either_phone_form(db, django_user_model):
    citizen = django_user_model.objects.create_citizen("0987654321", PASSWORD, full_name="Nguyễn Văn A")
    assert citizen.phone == "+84987654321" and citizen.username is None and not citizen.is_staff
    assert authenticate(phone="0987654321", password=PASSWORD) == citizen
    assert authenticate(phone="+84987654321", password=PASSWORD) == citizen
    assert authenticate(phone="0987654321", password="wrong") is None


def test_staff_do_not_sign_in_by_phone(db, django_user_model):
    django_user_model.objects.create_user("officer", PASSWORD, full_name="Officer", phone="+84911111111")
    assert authenticate(phone="0911111111", password=PASSWORD) is None
    assert authenticate(username="officer", password=PASSWORD) is not None


def test_a_login_needs_a_username_or_phone(db, django_user_model):
    with pytest.raises(IntegrityError):
        django_user_model.objects.create(full_name="Nobody")


def test_person_without_account(db, django_user_model):
    holder = django_user_model.objects.create_citizen("0912000009", PASSWORD, full_name="Mẹ")
    child = Person.objects.create(full_name="Con", managed_by=holder)
    assert child.account is None
    assert list(holder.people_in_care.all()) == [child]


def test_id_number_is_unique_and_masked(db):
    Person.objects.create(full_name="A", id_number="001185000001")
    with pytest.raises(IntegrityError):
        Person.objects.create(full_name="B", id_number="001185000001")
    assert id_number_mask("001185000001") == "•••••••••001"
    assert id_number_mask("") == ""
