import re

from django.urls import reverse

from citizens.models import Person, SmsMessage, User
from registry.models import AuditEvent
from tests.citizens.conftest import last_code
from tests.factories import PASSWORD

PHONE = "+84912345678"


def test_sign_in_and_out(signed_up):
    client = signed_up
    client.post(reverse("citizens:signout"))
    assert client.get(reverse("citizens:book")).status_code == 302
    response = client.post(reverse("citizens:signin"), {"phone": "+84912345678", "password": PASSWORD})
    assert response["Location"] == reverse("citizens:book")


def test_wrong_passwords_lock_the_number(signed_up, settings):
    settings.CITIZEN_LOGIN_MAX_FAILURES = 3
    client = signed_up
    client.post(reverse("citizens:signout"))
    for _ in range(2):
        page = client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": "nope"}).content.decode()
        assert "Số điện thoại hoặc mật khẩu không đúng" in page
    page = client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": "nope"}).content.decode()
    assert "Thử lại sau" in page
    page = client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": PASSWORD}).content.decode()
    assert "Thử lại sau" in page
    assert client.get(reverse("citizens:book")).status_code == 302


def test_forgotten_password_through_a_new_code(signed_up):
    client = signed_up
    client.post(reverse("citizens:signout"))
    response = client.post(reverse("citizens:password_forgot"), {"phone": "0912345678"})
    assert response["Location"] == reverse("citizens:password_reset")
    assert SmsMessage.objects.filter(phone=PHONE, purpose="password_reset").count() == 1
    new = "Another-Secret-77"
    response = client.post(reverse("citizens:password_reset"), {
        "code": last_code(PHONE), "password1": new, "password2": new})
    assert response["Location"] == reverse("citizens:signin")
    assert client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": new}).status_code == 302
    assert AuditEvent.objects.filter(action="citizen.password_reset").count() == 1


def test_forgotten_password_for_unknown_number_says_the_same_and_sends_nothing(client, db):
    response = client.post(reverse("citizens:password_forgot"), {"phone": "0987654321"}, follow=True)
    assert "Nếu số này có tài khoản" in response.content.decode()
    assert not SmsMessage.objects.exists()


def _what_the_page_says(response) -> list[str]:
    """Messages and form errors, with clock times blanked (two windows a few milliseconds apart may straddle a
    minute; a time on another day, late in the evening, is followed by its date)."""
    page = response.content.decode()
    said = re.findall(r'<li class="message[^"]*">(.*?)</li>', page) + re.findall(
        r'<div class="form-errors" role="alert">(.*?)</div>', page, re.S)
    return [re.sub(r"\d{2}:\d{2}( \d{2}/\d{2})?", "hh:mm", text) for text in said]


def test_forgotten_password_answers_known_and_unknown_numbers_alike_up_to_and_past_the_limit(
        client, db, django_user_model, settings):
    settings.OTP_SMS_SENDS_PER_PHONE = 3
    django_user_model.objects.create_citizen("0912345678", PASSWORD, full_name="Nguyễn Thị Lan")

    def four_requests(phone: str, ip: str):
        answers = []
        for _ in range(4):
            client.cookies.clear()
            response = client.post(reverse("citizens:password_forgot"), {"phone": phone}, REMOTE_ADDR=ip, follow=True)
            answers.append((response.redirect_chain, _what_the_page_says(response)))
        return answers

    known = four_requests("0912345678", "198.51.100.1")
    unknown = four_requests("0987654321", "198.51.100.2")
    assert known == unknown
    assert known[0][1] == ["Nếu số này có tài khoản, chúng tôi đã gửi mã tới số đó."]
    assert known[3][1] == ["<p>Số này đã được yêu cầu gửi mã quá nhiều lần (3 lần). Thử lại sau hh:mm.</p>"]
    assert SmsMessage.objects.filter(phone=PHONE).count() == 3
    assert not SmsMessage.objects.filter(phone="+84987654321").exists()


def test_a_code_typed_for_an_unknown_number_is_answered_like_a_wrong_code(client, db, django_user_model, settings):
    settings.OTP_SMS_MAX_ATTEMPTS = 3
    django_user_model.objects.create_citizen("0912345678", PASSWORD, full_name="Nguyễn Thị Lan")
    new = "Another-Secret-77"

    def three_wrong_codes(phone: str) -> list[str]:
        client.cookies.clear()
        client.post(reverse("citizens:password_forgot"), {"phone": phone})
        sent = SmsMessage.objects.filter(phone=PHONE).exists() and last_code(PHONE)
        wrong = "111111" if sent == "000000" else "000000"
        pages = [client.post(reverse("citizens:password_reset"), {"code": wrong, "password1": new, "password2": new})
                 for _ in range(3)]
        return [re.search(r'<p class="error" role="alert">(.*?)</p>', page.content.decode()).group(1)
                for page in pages]

    known, unknown = three_wrong_codes("0912345678"), three_wrong_codes("0987654321")
    assert known == unknown == ["Mã không đúng. Bạn còn 2 lần thử.", "Mã không đúng. Bạn còn 1 lần thử.",
                                "Nhập sai mã quá nhiều lần. Hãy yêu cầu mã mới."]


def test_phone_change_takes_effect_only_with_the_code_sent_to_the_new_number(signed_up):
    client = signed_up
    page = client.post(reverse("citizens:phone_change"), {"new_phone": "0987654321", "password": "bad"})
    assert "Mật khẩu không đúng" in page.content.decode()
    client.post(reverse("citizens:phone_change"), {"new_phone": "0987654321", "password": PASSWORD})
    assert User.objects.get(full_name="Nguyễn Thị Lan").phone == PHONE  # not yet
    assert SmsMessage.objects.filter(phone="+84987654321", purpose="phone_change").count() == 1
    client.post(reverse("citizens:phone_change_verify"), {"code": last_code("+84987654321")})
    user = User.objects.get(full_name="Nguyễn Thị Lan")
    assert user.phone == "+84987654321"
    assert Person.objects.get(account=user).phone == "+84987654321"
    event = AuditEvent.objects.get(action="citizen.phone_changed")
    assert event.changes == {"before": PHONE, "after": "+84987654321"}


def test_phone_change_to_a_taken_number_is_refused(signed_up, django_user_model):
    django_user_model.objects.create_citizen("0987654321", PASSWORD, full_name="Người khác")
    page = signed_up.post(reverse("citizens:phone_change"), {"new_phone": "0987654321", "password": PASSWORD})
    assert "Số điện thoại này đã có tài khoản" in page.content.decode()
    assert not SmsMessage.objects.filter(phone="+84987654321").exists()


def test_wrong_passwords_on_the_phone_change_form_count_toward_the_sign_in_lock(signed_up, settings):
    settings.CITIZEN_LOGIN_MAX_FAILURES = 3
    change = reverse("citizens:phone_change")
    for _ in range(2):
        page = signed_up.post(change, {"new_phone": "0987654321", "password": "nope"}).content.decode()
        assert "Mật khẩu không đúng" in page
    assert "Thử lại sau" in signed_up.post(change, {"new_phone": "0987654321", "password": "nope"}).content.decode()
    page = signed_up.post(change, {"new_phone": "0987654321", "password": PASSWORD}).content.decode()
    assert "Thử lại sau" in page
    assert not SmsMessage.objects.filter(phone="+84987654321").exists()
