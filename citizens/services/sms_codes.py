"""The SMS codes that confirm a citizen's sign-up, password reset and change of phone: sending one (limited per
number and per client address), checking a typed one, sending it again."""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from registry.throttle import throttle_hit

from ..models import SmsDevice, SmsMessage, User
from .messaging import sms_queue

Purpose = SmsMessage.Purpose


def time_text(moment: datetime.datetime) -> str:
    """A time people read in a message: 14:35, or 14:35 26/11 when not today."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "H:i d/m")


def code_send_refusal(*, phone: str, ip: str | None, phone_message: str | None = None) -> str | None:
    """Count one code send against the address and the number; why it may not go now (in the person's
    language), or None. Counted atomically, so parallel requests cannot pass the limits together.

    Called inside the caller's transaction: the counter rows stay locked until it commits, so parallel
    requests for one number also take turns at the account and device rows that follow.
    """
    return address_refusal(ip) or number_refusal(phone=phone, phone_message=phone_message)


def address_refusal(ip: str | None) -> str | None:
    """Count one code request against the client's address. The sign-up and the forgotten password count it before
    their transaction, as a statement of its own: many people share an address (a carrier's NAT), and a counter
    row locked until each one's commit would make all their requests take turns."""
    if ip:
        hit = throttle_hit(f"sms-ip:{ip}", limit=settings.OTP_SMS_SENDS_PER_IP,
                           window_seconds=settings.OTP_SMS_IP_WINDOW_SECONDS, durable=False)
        if not hit.allowed:
            return _("Too many codes were asked for from this connection (%(count)s). Try again after %(time)s.") % {
                "count": hit.limit, "time": time_text(hit.resets_at)}
    return None


def number_refusal(*, phone: str, phone_message: str | None = None) -> str | None:
    hit = throttle_hit(f"sms-phone:{phone}", limit=settings.OTP_SMS_SENDS_PER_PHONE,
                       window_seconds=settings.OTP_SMS_PHONE_WINDOW_SECONDS)
    if not hit.allowed:
        message = phone_message or _("We have already sent %(count)s codes to this number. Try again after %(time)s.")
        return message % {"count": hit.limit, "time": time_text(hit.resets_at)}
    return None


def code_send(*, user: User, phone: str, purpose: str, ip: str | None) -> SmsDevice:
    refusal = code_send_refusal(phone=phone, ip=ip)
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    return code_deliver(user=user, phone=phone, purpose=purpose, ip=ip)


def code_deliver(*, user: User, phone: str, purpose: str, ip: str | None, new_account: bool = False) -> SmsDevice:
    """A new code on the account's one device for this purpose, and its SMS in the outbox."""
    if new_account:  # made in this transaction: it has no device yet, and one INSERT makes it with its code
        device = SmsDevice(user=user, purpose=purpose, name=purpose, phone=phone, confirmed=True)
    else:
        device, _created = SmsDevice.objects.select_for_update().get_or_create(
            user=user, purpose=purpose, defaults={"name": purpose, "phone": phone, "confirmed": True}
        )
        device.phone = phone
        device.failed_attempts = 0
    device.generate_token(length=6, valid_secs=settings.OTP_SMS_VALIDITY_SECONDS, commit=False)
    device.save()
    sms_queue(phone=phone, text=_code_text(device), purpose=purpose, requested_ip=ip)
    return device


def _code_text(device: SmsDevice) -> str:
    minutes = max(settings.OTP_SMS_VALIDITY_SECONDS // 60, 1)
    return _("Your electronic health book code is %(code)s. It is valid for %(minutes)s minutes. Never share it.") % {
        "code": device.token, "minutes": minutes}


def signup_code_rows(*, user: User, phone: str, ip: str | None) -> tuple[SmsDevice, SmsMessage]:
    """A new account's sign-up code device with a fresh code, and the code's SMS, both unsaved: the sign-up writes
    them with the account in one statement (`code_deliver(new_account=True)` writes the same rows one by one)."""
    device = SmsDevice(user=user, purpose=Purpose.SIGNUP, name=Purpose.SIGNUP, phone=phone, confirmed=True)
    device.generate_token(length=6, valid_secs=settings.OTP_SMS_VALIDITY_SECONDS, commit=False)
    message = SmsMessage(phone=phone, text=_code_text(device), purpose=Purpose.SIGNUP, requested_ip=ip,
                         next_attempt_at=timezone.now())
    return device, message


@dataclass
class CodeCheck:
    ok: bool
    error: str = ""
    device: SmsDevice | None = None


@transaction.atomic
def code_check(*, user: User, purpose: str, code: str) -> CodeCheck:
    """Check a typed code. Wrong tries are counted and kept even though the caller reports an error."""
    device = SmsDevice.objects.select_for_update().filter(user=user, purpose=purpose).first()
    if device is None or device.token is None:
        return CodeCheck(False, _("No code is waiting for this number. Ask for a new code."))
    if device.failed_attempts >= settings.OTP_SMS_MAX_ATTEMPTS:
        return CodeCheck(False, _("Too many wrong codes. Ask for a new code."))
    if timezone.now() >= device.valid_until:
        return CodeCheck(False, _("This code has expired. Ask for a new code."))
    if device.verify_token(code.strip()):
        return CodeCheck(True, device=device)
    device.failed_attempts += 1
    device.save(update_fields=["failed_attempts"])
    left = settings.OTP_SMS_MAX_ATTEMPTS - device.failed_attempts
    if left <= 0:
        return CodeCheck(False, _("Too many wrong codes. Ask for a new code."))
    return CodeCheck(False, _("The code is not right. You have %(left)s tries left.") % {"left": left})


@transaction.atomic
def code_resend(*, user: User, purpose: str, ip: str | None = None) -> None:
    device = SmsDevice.objects.filter(user=user, purpose=purpose).first()
    if device is None and purpose == Purpose.PHONE_CHANGE:
        raise ValidationError(_("Start again: enter the new number first."))
    phone = device.phone if device else user.phone
    code_send(user=user, phone=phone, purpose=purpose, ip=ip)
