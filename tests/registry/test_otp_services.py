"""Authenticator set-up and sign-in codes are services (registry/auth.py): the view only binds the form, calls one
and signs the session in; each refuses or accepts with an audit row, and a set-up cannot be done twice."""
import pytest
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.audit import audit_trail
from registry.auth import staff_otp_enrol, staff_otp_verify, totp_device_for_enrolment
from tests.registry.test_console_auth import _token, _wrong


def _actions(user) -> list[str]:
    return [event.action for event in audit_trail(user)]


def test_set_up_confirms_the_pending_authenticator_once(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    officer = world["province_ha_noi"]
    device = totp_device_for_enrolment(officer)
    refused = staff_otp_enrol(user=officer, token=_wrong(device))
    device.refresh_from_db()
    assert refused.device is None and refused.error and not device.confirmed
    assert "staff.otp_enrolled" not in _actions(officer)
    accepted = staff_otp_enrol(user=officer, token=_token(device))
    device.refresh_from_db()
    assert accepted.device == device and device.confirmed and "staff.otp_enrolled" in _actions(officer)
    with pytest.raises(PermissionDenied):  # a second authenticator is not set up over the first
        staff_otp_enrol(user=officer, token=_token(device))
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 1


def test_each_sign_in_code_is_audited_right_or_wrong(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    officer = world["province_hue"]
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    assert staff_otp_verify(user=officer, token=_wrong(device)).device is None
    assert staff_otp_verify(user=officer, token=_token(device)).device == device
    assert {"staff.otp_failed", "staff.otp_verified"} <= set(_actions(officer))
