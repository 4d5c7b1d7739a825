"""Staff sign-in: password with a lock after repeated failures, then a TOTP second factor."""
import base64
import datetime
from dataclasses import dataclass
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .throttle import throttle_clear, throttle_hit


@dataclass(frozen=True)
class PasswordAttempt:
    """One password try as counted: refused before checking, or allowed (and perhaps the last one allowed)."""

    refused: bool
    by_address: bool
    until: datetime.datetime
    last: bool = False


def password_attempt(*, account_key: str, ip: str | None, max_tries: int, window_seconds: int) -> PasswordAttempt:
    """Count one password try before it is checked, against the account and the client address.

    Counting first is what makes the limit hold when tries arrive in parallel: the sixth of six
    simultaneous tries is refused before its password is compared. The address limit stops one
    client from spraying one password over many accounts.
    """
    if ip:
        by_ip = throttle_hit(f"password-ip:{ip}", limit=settings.PASSWORD_TRIES_PER_IP,
                             window_seconds=settings.PASSWORD_TRIES_IP_WINDOW_SECONDS)
        if not by_ip.allowed:
            return PasswordAttempt(refused=True, by_address=True, until=by_ip.resets_at)
    by_account = throttle_hit(account_key, limit=max_tries, window_seconds=window_seconds)
    return PasswordAttempt(refused=not by_account.allowed, by_address=False, until=by_account.resets_at,
                           last=by_account.remaining == 0)


def password_attempt_succeeded(account_key: str) -> None:
    """A right password forgets the wrong tries before it (the address count stays)."""
    throttle_clear(account_key)


@dataclass
class SignInResult:
    user: object | None = None
    locked: PasswordAttempt | None = None


def staff_authenticate(request, *, username: str, password: str, ip: str | None = None) -> SignInResult:
    """Check a staff password; STAFF_LOGIN_MAX_FAILURES tries per name and window, and a limit per address."""
    key = f"staff-login:{username.lower()[:150]}"
    attempt = password_attempt(account_key=key, ip=ip, max_tries=settings.STAFF_LOGIN_MAX_FAILURES,
                               window_seconds=settings.STAFF_LOGIN_LOCK_SECONDS)
    if attempt.refused:
        audit_record(actor=None, action="staff.sign_in_refused", changes={"username": username[:150]})
        return SignInResult(locked=attempt)
    user = authenticate(request, username=username, password=password)
    if user is not None and user.is_staff:
        password_attempt_succeeded(key)
        audit_record(actor=user, action="staff.sign_in", target=user)
        return SignInResult(user=user)
    audit_record(actor=None, action="staff.sign_in_failed", changes={"username": username[:150]})
    return SignInResult(locked=attempt if attempt.last else None)


def staff_sign_in_error(result: SignInResult) -> str:
    """What a refused staff sign-in is told, in the console and in /admin/ alike."""
    if result.locked is None:
        return _("The username or password is not correct.")
    until = _clock(result.locked.until)
    if result.locked.by_address:
        return _("Too many sign-in attempts from this connection. Try again after %(time)s.") % {"time": until}
    return _("Too many failed sign-ins for this username. Try again after %(time)s.") % {"time": until}


def confirmed_devices(user) -> list:
    return list(devices_for_user(user, confirmed=True))


def _clock(moment: datetime.datetime, *, seconds: bool = False) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i:s" if seconds else "H:i")


@dataclass(frozen=True)
class OtpCheck:
    device: object | None = None
    error: str = ""


def staff_otp_check(*, user, token: str, devices: list | None = None) -> OtpCheck:
    """Check a staff member's authenticator code (against `devices`, by default their confirmed ones), answering
    what is true: the code is wrong and how many tries remain, or until when codes are refused.

    Two limits: STAFF_OTP_MAX_FAILURES codes per STAFF_OTP_LOCK_SECONDS, counted before the check so parallel
    guesses cannot pass it together, and django-otp's back-off of a few seconds after each wrong code.
    """
    devices = confirmed_devices(user) if devices is None else devices
    states = [(device, *device.verify_is_allowed()) for device in devices]
    ready = [device for device, allowed, _extra in states if allowed]
    if not ready:
        until = min((extra or {}).get("locked_until") or timezone.now() for _device, _allowed, extra in states)
        return OtpCheck(error=_(
            "After a wrong code the next one waits a few seconds. Wait until %(time)s, then type the newest code."
        ) % {"time": _clock(until, seconds=True)})
    key = f"staff-otp:{user.pk}"
    hit = throttle_hit(key, limit=settings.STAFF_OTP_MAX_FAILURES, window_seconds=settings.STAFF_OTP_LOCK_SECONDS)
    if not hit.allowed:
        return OtpCheck(error=_("Too many wrong codes. Try again after %(time)s.") % {"time": _clock(hit.resets_at)})
    for device in ready:
        if device.verify_token(token):
            throttle_clear(key)
            return OtpCheck(device=device)
    if hit.remaining == 0:
        return OtpCheck(error=_("That code is not right, and it was the last try. Try again after %(time)s.")
                        % {"time": _clock(hit.resets_at)})
    return OtpCheck(error=ngettext(
        "That code is not right. Type the newest code from your authenticator app. You have %(left)s try left.",
        "That code is not right. Type the newest code from your authenticator app. You have %(left)s tries left.",
        hit.remaining) % {"left": hit.remaining})


@transaction.atomic
def staff_otp_enrol(*, user, token: str) -> OtpCheck:
    """Set up the staff member's authenticator with its first code: the pending device becomes theirs (audited),
    or the code is refused with what is true, as at every sign-in. Once set up, only an administrator resets it."""
    if not user.is_staff or confirmed_devices(user):
        raise PermissionDenied(_("You may not do this."))
    device = (TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
              or totp_device_for_enrolment(user))
    check = staff_otp_check(user=user, token=token, devices=[device])
    if check.device is not None:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="staff.otp_enrolled", target=user)
    return check


def staff_otp_verify(*, user, token: str) -> OtpCheck:
    """The second factor at sign-in, each code accepted or refused audited."""
    check = staff_otp_check(user=user, token=token)
    audit_record(actor=user, action="staff.otp_verified" if check.device is not None else "staff.otp_failed",
                 target=user)
    return check


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
