"""Staff sign-in: password, lock after failures, second factor for national and province roles."""
import re

import pytest
from django.urls import reverse
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


def test_rapid_wrong_codes_are_throttled(world, client):
    device = TOTPDevice.objects.create(user=world["province_hue"], name="phone", confirmed=True)
    _sign_in(client, "province_hue")
    wrong = "000000" if _token(device) != "000000" else "111111"
    client.post(reverse("console:otp_verify"), {"token": wrong})
    page = client.post(reverse("console:otp_verify"), {"token": _token(device)}).content.decode()
    assert "Chờ một phút" in page  # throttled: even the right code waits
    assert client.get(reverse("console:home")).status_code == 302
    assert AuditEvent.objects.filter(action="staff.otp_failed").count() == 2


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
