"""Staff sign-in: password, lock after failures, second factor for national and province roles."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.models import AuditEvent
from tests.factories import PASSWORD, CitizenFactory


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(client, username, password=PASSWORD):
    return client.post(reverse("console:login"), {"username": username, "password": password})


def test_console_requires_sign_in(client):
    response = client.get(reverse("console:facility_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_district_officer_signs_in_without_second_factor(world, client):
    response = _sign_in(client, "district_ba_dinh")
    assert response.status_code == 302
    home = client.get(reverse("console:home"))
    assert home.status_code == 200
    assert "Quận Ba Đình" in home.content.decode()


def test_province_officer_enrols_authenticator_through_qr_code(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait between the wrong and the right code
    _sign_in(client, "province_ha_noi")
    response = client.get(reverse("console:home"))
    assert response["Location"] == reverse("console:otp_setup")
    page = client.get(reverse("console:otp_setup")).content.decode()
    assert "<svg" in page
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(user=world["province_ha_noi"], confirmed=False)
    assert len(secret) >= 32

    wrong = client.post(reverse("console:otp_setup"), {"token": "000000" if _token(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert client.get(reverse("console:facility_list")).status_code == 302

    ok = client.post(reverse("console:otp_setup"), {"token": _token(device)})
    assert ok.status_code == 302
    assert client.get(reverse("console:facility_list")).status_code == 200
    assert AuditEvent.objects.filter(action="staff.otp_enrolled", target_id=str(world["province_ha_noi"].pk)).exists()


def test_enrolled_province_officer_must_type_code_each_sign_in(world, client):
    device = TOTPDevice.objects.create(user=world["province_hue"], name="phone", confirmed=True)
    _sign_in(client, "province_hue")
    assert client.get(reverse("console:home"))["Location"] == reverse("console:otp_verify")
    bad = client.post(reverse("console:otp_verify"), {"token": "12345"})
    assert "6" in bad.content.decode()
    assert client.get(reverse("console:home")).status_code == 302
    client.post(reverse("console:otp_verify"), {"token": _token(device)})
    assert client.get(reverse("console:home")).status_code == 200


def _wrong(device: TOTPDevice) -> str:
    return "000000" if _token(device) != "000000" else "111111"


def _otp_message(response) -> str:
    return re.search(r'<p class="error" role="alert">(.*?)</p>', response.content.decode(), re.S).group(1)


def test_one_wrong_code_says_it_is_wrong_and_how_many_tries_remain(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's few-second pause is tested below
    settings.STAFF_OTP_MAX_FAILURES = 5
    device = TOTPDevice.objects.create(user=world["province_hue"], name="phone", confirmed=True)
    _sign_in(client, "province_hue")
    message = _otp_message(client.post(reverse("console:otp_verify"), {"token": _wrong(device)}))
    assert message == "Mã không đúng. Hãy nhập mã mới nhất trên ứng dụng xác thực. Bạn còn 4 lần thử."
    assert "quá nhiều" not in message
    client.post(reverse("console:otp_verify"), {"token": _token(device)})
    assert client.get(reverse("console:home")).status_code == 200
    assert AuditEvent.objects.filter(action="staff.otp_failed").count() == 1


def test_wrong_codes_up_to_the_limit_then_a_wait_until_the_time_shown(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.STAFF_OTP_MAX_FAILURES = 3
    device = TOTPDevice.objects.create(user=world["province_hue"], name="phone", confirmed=True)
    _sign_in(client, "province_hue")
    answers = [_otp_message(client.post(reverse("console:otp_verify"), {"token": _wrong(device)})) for _ in range(3)]
    assert answers[:2] == ["Mã không đúng. Hãy nhập mã mới nhất trên ứng dụng xác thực. Bạn còn 2 lần thử.",
                           "Mã không đúng. Hãy nhập mã mới nhất trên ứng dụng xác thực. Bạn còn 1 lần thử."]
    ends = timezone.localtime(timezone.now() + datetime.timedelta(seconds=settings.STAFF_OTP_LOCK_SECONDS))
    assert answers[2] in {f"Mã không đúng và đó là lần thử cuối cùng. Thử lại sau {ends:%H:%M}.",
                          f"Mã không đúng và đó là lần thử cuối cùng. Thử lại sau "
                          f"{ends - datetime.timedelta(minutes=1):%H:%M}."}
    # Now even the right code waits, and the page says until when.
    refused = _otp_message(client.post(reverse("console:otp_verify"), {"token": _token(device)}))
    assert refused.startswith("Nhập sai mã quá nhiều lần. Thử lại sau ")
    assert client.get(reverse("console:home")).status_code == 302


def test_a_code_typed_during_django_otps_pause_is_told_until_when(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a pause long enough to land in
    device = TOTPDevice.objects.create(user=world["province_hue"], name="phone", confirmed=True)
    _sign_in(client, "province_hue")
    client.post(reverse("console:otp_verify"), {"token": _wrong(device)})
    device.refresh_from_db()
    until = timezone.localtime(device.throttling_failure_timestamp + datetime.timedelta(seconds=60))
    message = _otp_message(client.post(reverse("console:otp_verify"), {"token": _token(device)}))
    assert message == ("Sau một lần nhập sai, phải chờ vài giây mới nhập được mã tiếp theo. "
                       f"Hãy chờ đến {until:%H:%M:%S} rồi nhập mã mới nhất.")
    assert client.get(reverse("console:home")).status_code == 302


def test_setting_requires_second_factor_for_every_staff_member(world, client, settings):
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    _sign_in(client, "site_staff_phuc_xa")
    assert client.get(reverse("console:home"))["Location"] == reverse("console:otp_setup")


def test_wrong_password_then_lock(world, client, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        page = _sign_in(client, "district_ba_dinh", "wrong").content.decode()
        assert "không đúng" in page  # Vietnamese by default
    locked = _sign_in(client, "district_ba_dinh", "wrong").content.decode()
    assert "Thử lại sau" in locked
    still_locked = _sign_in(client, "district_ba_dinh", PASSWORD)
    assert still_locked.status_code == 200
    assert client.get(reverse("console:home")).status_code == 302
    assert AuditEvent.objects.filter(action="staff.sign_in_failed").count() == 3


def test_citizen_account_cannot_sign_into_console(db, client):
    citizen = CitizenFactory()
    response = client.post(reverse("console:login"), {"username": citizen.phone, "password": PASSWORD})
    assert response.status_code == 200
    client.force_login(citizen)
    assert client.get(reverse("console:home")).status_code == 302


def test_sign_in_is_audited_with_address(world, client):
    client.post(reverse("console:login"), {"username": "district_ba_dinh", "password": PASSWORD},
                REMOTE_ADDR="203.0.113.7")
    event = AuditEvent.objects.get(action="staff.sign_in")
    assert event.actor == world["district_ba_dinh"]
    assert event.ip == "203.0.113.7"


def test_sign_out(world, console_client):
    client = console_client(world["district_ba_dinh"])
    client.post(reverse("console:logout"))
    assert client.get(reverse("console:home")).status_code == 302


@pytest.mark.parametrize("next_url, expected", [("/console/facilities/", "/console/facilities/"),
                                                ("https://evil.example/", "/console/")])
def test_sign_in_returns_only_to_local_pages(world, client, next_url, expected):
    response = client.post(reverse("console:login") + f"?next={next_url}",
                           {"username": "district_ba_dinh", "password": PASSWORD})
    assert response["Location"] == expected


def test_admin_needs_superuser_and_second_factor(world, client, django_user_model):
    client.force_login(world["national"])
    assert client.get("/admin/").status_code == 302
    root = django_user_model.objects.create_superuser("root", PASSWORD, full_name="Root")
    client.force_login(root)
    assert client.get("/admin/").status_code == 302  # signed in but no verified device


def _admin_sign_in(client, username, password=PASSWORD, **otp):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password, **otp})


def test_admin_sign_in_goes_through_the_staff_limits_and_audit(db, client, django_user_model, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 3
    root = django_user_model.objects.create_superuser("root", PASSWORD, full_name="Root")
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    page = _admin_sign_in(client, "root", "wrong").content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page
    assert AuditEvent.objects.filter(action="staff.sign_in_failed").count() == 1
    _sign_in(client, "root", "wrong")  # the console's door counts toward the same limit
    locked = _admin_sign_in(client, "root", "wrong").content.decode()
    assert "Tên đăng nhập này đã đăng nhập sai quá nhiều lần. Thử lại sau" in locked
    still_locked = _admin_sign_in(client, "root", PASSWORD, otp_device=device.persistent_id, otp_token=_token(device))
    assert still_locked.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_admin_sign_in_with_password_and_code(db, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", PASSWORD, full_name="Root")
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    response = _admin_sign_in(client, "root", PASSWORD, otp_device=device.persistent_id, otp_token=_token(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.sign_in", actor=root).count() == 1


def test_enrolment_codes_are_answered_truthfully_too(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    _sign_in(client, "province_ha_noi")
    client.get(reverse("console:otp_setup"))
    device = TOTPDevice.objects.get(user=world["province_ha_noi"], confirmed=False)
    wrong = _otp_message(client.post(reverse("console:otp_setup"), {"token": _wrong(device)}))
    assert wrong == "Mã không đúng. Hãy nhập mã mới nhất trên ứng dụng xác thực. Bạn còn 4 lần thử."
    device.refresh_from_db()
    until = timezone.localtime(device.throttling_failure_timestamp + datetime.timedelta(seconds=60))
    paused = _otp_message(client.post(reverse("console:otp_setup"), {"token": _token(device)}))
    assert paused.endswith(f"Hãy chờ đến {until:%H:%M:%S} rồi nhập mã mới nhất.")
    assert not TOTPDevice.objects.filter(user=world["province_ha_noi"], confirmed=True).exists()
