"""Citizens' limits under real parallel requests: many phones (threads) hit the live server at the same moment.

Each test would pass if the requests came one after another; they exist because limits that read a count and
then act let parallel requests through together.
"""
import pytest

from citizens.models import SmsDevice, SmsMessage, User
from tests.citizens.conftest import last_code
from tests.factories import PASSWORD
from tests.live_http import Browser, browsers, no_server_error, password_checks, together  # noqa: F401 - a fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PHONE = "+84912345678"
FORGOT, RESET, SIGNUP, SIGNIN = "/password/forgot/", "/password/reset/", "/signup/", "/signin/"


def test_twenty_forgotten_password_requests_at_once_send_at_most_the_limit(live_server, settings, django_user_model):
    settings.OTP_SMS_SENDS_PER_PHONE = 3
    user = django_user_model.objects.create_citizen(PHONE, PASSWORD, full_name="Nguyễn Thị Lan")
    people = browsers(live_server.url, 20, FORGOT)
    answers = together([lambda b=b: b.post(FORGOT, {"phone": "0912345678"}) for b in people])

    no_server_error(answers)
    assert SmsMessage.objects.filter(phone=PHONE, purpose="password_reset").count() == 3
    assert [answer.status for answer in answers].count(302) == 3  # "we have sent it a code"
    assert all("Thử lại sau" in answer.text for answer in answers if answer.status == 200)
    assert SmsDevice.objects.filter(user=user).count() == 1


def test_twenty_five_sign_ups_at_once_from_one_address_send_at_most_the_address_limit(live_server, settings):
    settings.OTP_SMS_SENDS_PER_IP = 10
    people = browsers(live_server.url, 25, SIGNUP)
    answers = together([
        lambda b=b, index=index: b.post(SIGNUP, {"full_name": "Trần Văn Nam", "phone": f"09123456{index:02d}"})
        for index, b in enumerate(people)
    ])

    no_server_error(answers)
    assert SmsMessage.objects.count() == 10
    assert User.objects.filter(is_staff=False).count() == 10  # refused sign-ups leave nothing behind
    refused = [answer for answer in answers if answer.status == 200]
    assert len(refused) == 15
    assert all("Có quá nhiều yêu cầu gửi mã từ kết nối này" in answer.text for answer in refused)


def test_code_requests_at_once_share_one_device_and_the_reset_still_works(live_server, settings, django_user_model):
    settings.OTP_SMS_SENDS_PER_PHONE = settings.OTP_SMS_SENDS_PER_IP = 20
    user = django_user_model.objects.create_citizen(PHONE, PASSWORD, full_name="Nguyễn Thị Lan")
    people = browsers(live_server.url, 10, FORGOT)
    no_server_error(together([lambda b=b: b.post(FORGOT, {"phone": "0912345678"}) for b in people]))
    assert SmsDevice.objects.filter(user=user, purpose="password_reset").count() == 1

    # Afterwards the same number can still ask for a code and use it.
    browser = Browser(live_server.url).open_form(FORGOT)
    assert browser.post(FORGOT, {"phone": "0912345678"}).status == 302
    code = last_code(PHONE)
    new = "Another-Secret-77"
    assert browser.post(RESET, {"code": code, "password1": new, "password2": new}).status == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_sign_ups_for_one_number_at_once_make_one_account(live_server, settings):
    settings.OTP_SMS_SENDS_PER_PHONE = settings.OTP_SMS_SENDS_PER_IP = 20
    people = browsers(live_server.url, 8, SIGNUP)
    answers = together([lambda b=b: b.post(SIGNUP, {"full_name": "Trần Văn Nam", "phone": "0912345678"})
                        for b in people])

    no_server_error(answers)
    assert [answer.status for answer in answers] == [302] * 8
    user = User.objects.get(phone=PHONE)
    assert SmsDevice.objects.filter(user=user, purpose="signup").count() == 1


def test_wrong_passwords_at_once_get_at_most_the_limit_of_checks(live_server, settings, django_user_model,
                                                                  password_checks):
    settings.CITIZEN_LOGIN_MAX_FAILURES = 5
    django_user_model.objects.create_citizen(PHONE, PASSWORD, full_name="Nguyễn Thị Lan")
    people = browsers(live_server.url, 15, SIGNIN)
    answers = together([lambda b=b, n=n: b.post(SIGNIN, {"phone": "0912345678", "password": f"guess-{n}"})
                        for n, b in enumerate(people)])

    no_server_error(answers)
    assert len(password_checks) <= 5
    assert sum("không đúng" in answer.text for answer in answers) <= 4  # the fifth wrong one already says "locked"
    assert sum("Thử lại sau" in answer.text for answer in answers) >= 11
    # The number stays locked even for the right password.
    right = Browser(live_server.url).open_form(SIGNIN).post(SIGNIN, {"phone": "0912345678", "password": PASSWORD})
    assert right.status == 200 and "Thử lại sau" in right.text


def test_one_password_sprayed_over_thirty_numbers_stops_at_the_address_limit(live_server, settings, django_user_model,
                                                                             password_checks):
    settings.PASSWORD_TRIES_PER_IP = 20
    phones = [f"09123457{index:02d}" for index in range(30)]
    for phone in phones:
        django_user_model.objects.create_citizen(phone, PASSWORD, full_name="Người dân")
    people = browsers(live_server.url, 30, SIGNIN)
    answers = together([lambda b=b, phone=phone: b.post(SIGNIN, {"phone": phone, "password": "Matkhau@2021"})
                        for phone, b in zip(phones, people)])

    no_server_error(answers)
    assert len(password_checks) <= 20
    stopped = [answer for answer in answers if "Có quá nhiều lần đăng nhập từ kết nối này" in answer.text]
    assert len(stopped) >= 10
