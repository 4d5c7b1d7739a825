import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from citizens.models import Person, SmsDevice, SmsMessage, User
from tests.citizens.conftest import last_code
from tests.factories import PASSWORD

PHONE = "+84912345678"


def _signup(client, phone="0912345678", **extra):
    data = {"full_name": "Nguyễn Thị Lan", "phone": phone, **extra}
    return client.post(reverse("citizens:signup"), data, REMOTE_ADDR=extra.pop("ip", "198.51.100.1"))


def _finish(client, code, password1=PASSWORD, password2=PASSWORD):
    return client.post(reverse("citizens:signup_verify"), {"code": code, "password1": password1,
                                                          "password2": password2})


@pytest.fixture
def hashes(monkeypatch):
    """Every password hashed while the test runs (the test settings' hasher)."""
    from django.contrib.auth.hashers import MD5PasswordHasher

    seen, encode = [], MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, password, salt: seen.append(password) or encode(
        self, password, salt))
    return seen


def test_signup_needs_the_sms_code_before_the_account_works(client, db):
    response = _signup(client, phone="+84 912 345 678")
    assert response["Location"] == reverse("citizens:signup_verify")
    user = User.objects.get(phone=PHONE)
    assert not user.is_active
    assert client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": PASSWORD}).status_code == 200
    message = SmsMessage.objects.get(phone=PHONE)
    assert message.purpose == "signup" and "5" in message.text
    assert isinstance(SmsDevice.objects.get(user=user), SmsDevice)  # a django-otp side-channel device
    assert not user.has_usable_password()

    response = _finish(client, last_code(PHONE))
    assert response["Location"] == reverse("citizens:book")
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD)
    person = Person.objects.get(account=user)
    assert (person.full_name, person.phone) == ("Nguyễn Thị Lan", PHONE)
    assert "Nguyễn Thị Lan" in client.get(reverse("citizens:book")).content.decode()


@pytest.mark.parametrize("phone", ["0123", "0212345678", "+1 415 555 0100", "09123456789"])
def test_malformed_phone_is_refused_and_nothing_written(client, db, phone):
    page = _signup(client, phone=phone).content.decode()
    assert "Nhập số điện thoại di động Việt Nam" in page
    assert not User.objects.exists() and not SmsMessage.objects.exists()


def test_the_first_step_asks_no_password_and_hashes_nothing(client, db, hashes):
    page = client.get(reverse("citizens:signup")).content.decode()
    assert 'type="password"' not in page
    _signup(client)
    assert hashes == []
    page = client.get(reverse("citizens:signup_verify")).content.decode()
    assert page.count('type="password"') == 2 and "chọn mật khẩu" in page


def test_a_wrong_code_is_refused_before_any_hashing(client, db, hashes):
    _signup(client)
    wrong = f"{(int(last_code(PHONE)) + 1) % 1000000:06d}"
    assert "còn 4 lần thử" in _finish(client, wrong).content.decode()
    assert hashes == [] and not User.objects.get(phone=PHONE).is_active
    assert _finish(client, last_code(PHONE))["Location"] == reverse("citizens:book")
    assert hashes == [PASSWORD]


def test_password_confirmation_must_match_and_the_code_still_works(client, db):
    _signup(client)
    page = _finish(client, last_code(PHONE), password2="Something-else-9").content.decode()
    assert "Hai mật khẩu không giống nhau" in page
    assert not User.objects.get(phone=PHONE).is_active
    assert _finish(client, last_code(PHONE))["Location"] == reverse("citizens:book")


def test_a_weak_password_is_refused_with_the_code(client, db):
    _signup(client)
    page = _finish(client, last_code(PHONE), "12345678", "12345678").content.decode()
    assert 'id="id_password1"' in page and "quá phổ biến" in page
    assert not User.objects.get(phone=PHONE).is_active


def test_number_with_an_account_is_refused(client, db, django_user_model):
    django_user_model.objects.create_citizen("0912345678", PASSWORD, full_name="Đã có")
    page = _signup(client).content.decode()
    assert "Số điện thoại này đã có tài khoản" in page
    assert not SmsMessage.objects.exists()


def test_wrong_code_counts_down_then_refuses(client, db, settings):
    settings.OTP_SMS_MAX_ATTEMPTS = 3
    _signup(client)
    code = last_code(PHONE)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    assert "còn 2 lần thử" in _finish(client, wrong).content.decode()
    assert "còn 1 lần thử" in _finish(client, wrong).content.decode()
    assert "Nhập sai mã quá nhiều lần" in _finish(client, wrong).content.decode()
    # Even the right code is refused now; the account stays unusable.
    assert "Nhập sai mã quá nhiều lần" in _finish(client, code).content.decode()
    assert not User.objects.get(phone=PHONE).is_active


def test_expired_code_is_refused(client, db):
    _signup(client)
    SmsDevice.objects.update(valid_until=timezone.now() - datetime.timedelta(seconds=1))
    page = _finish(client, last_code(PHONE)).content.decode()
    assert "Mã đã hết hạn" in page
    assert not User.objects.get(phone=PHONE).is_active


def test_resend_gives_a_new_code_and_the_old_one_stops_working(client, db):
    _signup(client)
    old = last_code(PHONE)
    client.post(reverse("citizens:signup_resend"))
    new = last_code(PHONE)
    assert SmsMessage.objects.filter(phone=PHONE).count() == 2
    if old != new:
        _finish(client, old)
        assert not User.objects.get(phone=PHONE).is_active
    _finish(client, new)
    assert User.objects.get(phone=PHONE).is_active


def test_code_sends_per_phone_are_limited(client, db, settings):
    settings.OTP_SMS_SENDS_PER_PHONE = 3
    _signup(client)
    client.post(reverse("citizens:signup_resend"))
    client.post(reverse("citizens:signup_resend"))
    response = client.post(reverse("citizens:signup_resend"), follow=True)
    page = response.content.decode()
    assert "Chúng tôi đã gửi 3 mã tới số này. Thử lại sau" in page
    assert SmsMessage.objects.filter(phone=PHONE).count() == 3
    first = SmsMessage.objects.filter(phone=PHONE).order_by("created_at").first().created_at
    until = timezone.localtime(first + datetime.timedelta(seconds=settings.OTP_SMS_PHONE_WINDOW_SECONDS))
    assert until.strftime("%H:%M") in page


def test_code_sends_per_address_are_limited(client, db, settings):
    settings.OTP_SMS_SENDS_PER_IP = 2
    for index in range(2):
        client.cookies.clear()
        _signup(client, phone=f"091234567{index}")
    client.cookies.clear()
    page = _signup(client, phone="0912345679").content.decode()
    assert "Có quá nhiều yêu cầu gửi mã từ kết nối này" in page
    assert not User.objects.filter(phone="+84912345679").exists()
    assert SmsMessage.objects.count() == 2


def test_abandoned_signup_can_start_again(client, db):
    _signup(client)
    client.cookies.clear()
    _signup(client, full_name="Nguyễn Thị Lan Anh")
    assert User.objects.filter(phone=PHONE).count() == 1
    assert User.objects.get(phone=PHONE).full_name == "Nguyễn Thị Lan Anh"
