"""Staff sign-in: password with a lock after repeated failures, then a TOTP second factor."""
import base64
from dataclasses import dataclass
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .throttle import lock_clear, lock_record_failure, lock_until


@dataclass
class SignInResult:
    user: object | None = None
    locked_until: object | None = None


def staff_authenticate(request, *, username: str, password: str) -> SignInResult:
    """Check a staff password; after STAFF_LOGIN_MAX_FAILURES failures the name is locked for a while."""
    key = f"staff-login:{username.lower()}"
    locked = lock_until(key)
    if locked:
        return SignInResult(locked_until=locked)
    user = authenticate(request, username=username, password=password)
    if user is not None and user.is_staff:
        lock_clear(key)
        audit_record(actor=user, action="staff.sign_in", target=user)
        return SignInResult(user=user)
    audit_record(actor=None, action="staff.sign_in_failed", changes={"username": username[:150]})
    return SignInResult(locked_until=lock_record_failure(
        key, max_failures=settings.STAFF_LOGIN_MAX_FAILURES, lock_seconds=settings.STAFF_LOGIN_LOCK_SECONDS))


def confirmed_devices(user) -> list:
    return list(devices_for_user(user, confirmed=True))


def totp_device_for_enrolment(user) -> TOTPDevice:
    """The staff member's pending authenticator, created on first visit and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret people type into an authenticator app when they cannot scan."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")
