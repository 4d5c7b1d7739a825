"""Citizen accounts: sign-up confirmed by an SMS code, sign-in with a lock, password reset, change of phone."""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from registry.audit import audit_record
from registry.auth import password_attempt, password_attempt_succeeded
from registry.throttle import throttle_clear, throttle_hit

from ..models import Person, SmsDevice, SmsMessage, User
from .messaging import sms_queue
from .people import person_identity_change

Purpose = SmsMessage.Purpose
CODE_PURPOSES = [Purpose.SIGNUP, Purpose.PASSWORD_RESET, Purpose.PHONE_CHANGE]


def _at(moment: datetime.datetime) -> str:
    """A time people read in a message: 14:35, or 14:35 26/11 when not today."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "H:i d/m")


def _code_send_refusal(*, phone: str, ip: str | None, phone_message: str | None = None) -> str | None:
    """Count one code send against the address and the number; why it may not go now (in the person's
    language), or None. Counted atomically, so parallel requests cannot pass the limits together.

    Called inside the caller's transaction: the counter rows stay locked until it commits, so parallel
    requests for one number also take turns at the account and device rows that follow.
    """
    return _address_refusal(ip) or _number_refusal(phone=phone, phone_message=phone_message)


def _address_refusal(ip: str | None) -> str | None:
    """Count one code request against the client's address. The sign-up and the forgotten password count it before
    their transaction, as a statement of its own: many people share an address (a carrier's NAT), and a counter
    row locked until each one's commit would make all their requests take turns."""
    if ip:
        hit = throttle_hit(f"sms-ip:{ip}", limit=settings.OTP_SMS_SENDS_PER_IP,
                           window_seconds=settings.OTP_SMS_IP_WINDOW_SECONDS, durable=False)
        if not hit.allowed:
            return _("Too many codes were asked for from this connection (%(count)s). Try again after %(time)s.") % {
                "count": hit.limit, "time": _at(hit.resets_at)}
    return None


def _number_refusal(*, phone: str, phone_message: str | None = None) -> str | None:
    hit = throttle_hit(f"sms-phone:{phone}", limit=settings.OTP_SMS_SENDS_PER_PHONE,
                       window_seconds=settings.OTP_SMS_PHONE_WINDOW_SECONDS)
    if not hit.allowed:
        message = phone_message or _("We have already sent %(count)s codes to this number. Try again after %(time)s.")
        return message % {"count": hit.limit, "time": _at(hit.resets_at)}
    return None


def _code_send(*, user: User, phone: str, purpose: str, ip: str | None) -> SmsDevice:
    refusal = _code_send_refusal(phone=phone, ip=ip)
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    return _code_deliver(user=user, phone=phone, purpose=purpose, ip=ip)


def _code_deliver(*, user: User, phone: str, purpose: str, ip: str | None, new_account: bool = False) -> SmsDevice:
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
    minutes = max(settings.OTP_SMS_VALIDITY_SECONDS // 60, 1)
    text = _("Your electronic health book code is %(code)s. It is valid for %(minutes)s minutes. Never share it.") % {
        "code": device.token, "minutes": minutes}
    sms_queue(phone=phone, text=text, purpose=purpose, requested_ip=ip)
    return device


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


def signup_start(*, full_name: str, phone: str, ip: str | None = None) -> User:
    """Create (or refresh) an inactive account and send it a code; nothing is usable until the code is typed.

    No password yet: it is chosen with the code (`signup_finish`), so the slow hash is paid only by someone who
    holds the phone, and a rush of sign-ups costs no hashing at this step. The send is counted first, against
    the address (on its own) and then the number: the number's counter row stays locked until commit, so two
    sign-ups for one number in parallel take turns and the second finds the account the first made.
    """
    refusal = _address_refusal(ip)
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    return _signup_open(full_name=full_name, phone=phone, ip=ip)


@transaction.atomic
def _signup_open(*, full_name: str, phone: str, ip: str | None) -> User:
    refusal = _number_refusal(phone=phone)
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    existing = User.objects.select_for_update().filter(phone=phone).first()
    if existing is not None and (existing.is_active or existing.is_staff):
        raise ValidationError(
            {"phone": _("This number already has an account. Sign in, or reset your password.")}, code="taken")
    if existing is None:
        user = User.objects.create(phone=phone, full_name=full_name, password=make_password(None), is_active=False,
                                   is_staff=False)
    else:
        user = existing
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    _code_deliver(user=user, phone=phone, purpose=Purpose.SIGNUP, ip=ip, new_account=existing is None)
    audit_record(actor=None, action="citizen.signup_started", target=user)
    return user


@transaction.atomic
def code_resend(*, user: User, purpose: str, ip: str | None = None) -> None:
    device = SmsDevice.objects.filter(user=user, purpose=purpose).first()
    if device is None and purpose == Purpose.PHONE_CHANGE:
        raise ValidationError(_("Start again: enter the new number first."))
    phone = device.phone if device else user.phone
    _code_send(user=user, phone=phone, purpose=purpose, ip=ip)


def signup_finish(*, user: User, code: str, password: str) -> User:
    """Activate the account on the right code, with the password chosen now, and give it a Person of its own.

    The code is checked (and a wrong one counted) before the password is hashed: a wrong code costs no hashing.
    """
    check = code_check(user=user, purpose=Purpose.SIGNUP, code=code)
    if not check.ok:
        raise ValidationError({"code": check.error})
    hashed = make_password(password)  # slow on purpose, so done before the account row is locked
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active or user.is_staff:  # finished by a parallel request with an earlier code
            raise ValidationError(
                {"code": _("This number already has an account. Sign in, or reset your password.")}, code="taken")
        user.is_active = True
        user.password = hashed
        user.save(update_fields=["is_active", "password"])
        person, created = Person.objects.get_or_create(
            account=user, defaults={"full_name": user.full_name, "phone": user.phone, "managed_by": user})
        if not created:  # a deactivated account signed up again: its person's identity changes like any other
            person_identity_change(actor=user, person=person, changes={"full_name": user.full_name, "phone": user.phone},
                                   reason=_("The account was signed up again with a code sent to its phone."))
        audit_record(actor=user, action="citizen.signup_finished", target=user)
    return user


def _locked(attempt) -> ValidationError:
    if attempt.by_address:
        return ValidationError(_("Too many sign-in attempts from this connection. Try again after %(time)s.")
                               % {"time": _at(attempt.until)}, code="locked")
    return ValidationError(
        _("Too many wrong passwords for this number. Try again after %(time)s, or reset your password.")
        % {"time": _at(attempt.until)}, code="locked")


def _citizen_password_attempt(key: str, ip: str | None):
    """Count a citizen's password try (per number and per address) before it is checked; refused: why."""
    attempt = password_attempt(account_key=key, ip=ip, max_tries=settings.CITIZEN_LOGIN_MAX_FAILURES,
                               window_seconds=settings.CITIZEN_LOGIN_LOCK_SECONDS)
    if attempt.refused:
        raise _locked(attempt)
    return attempt


def citizen_authenticate(request, *, phone: str, password: str, ip: str | None = None) -> User:
    """Sign-in with phone and password: CITIZEN_LOGIN_MAX_FAILURES tries per number and window, and a limit
    per client address over all numbers; each try is counted before its password is checked."""
    key = f"citizen-login:{phone}"
    attempt = _citizen_password_attempt(key, ip)
    user = authenticate(request, phone=phone, password=password)
    if user is None:
        raise _locked(attempt) if attempt.last else ValidationError(
            _("The phone number or password is not correct."), code="invalid")
    password_attempt_succeeded(key)
    return user


def password_reset_start(*, phone: str, ip: str | None = None) -> User | None:
    """Send a reset code if the number has an account; the answer to the person is the same either way.

    Numbers without an account are counted and limited exactly like numbers with one, and the refusal does not
    claim that codes were sent, so neither the answer nor the limit tells which numbers have accounts.
    """
    refusal = _address_refusal(ip)
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    return _password_reset_send(phone=phone, ip=ip)


@transaction.atomic
def _password_reset_send(*, phone: str, ip: str | None) -> User | None:
    refusal = _number_refusal(phone=phone, phone_message=_(
        "Codes for this number were asked for too many times (%(count)s). Try again after %(time)s."))
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    user = User.objects.filter(phone=phone, is_active=True, is_staff=False).first()
    if user is None:
        throttle_clear(_reset_decoy_key(phone))  # as a real code would, a new request starts the tries again
        return None
    _code_deliver(user=user, phone=phone, purpose=Purpose.PASSWORD_RESET, ip=ip)
    return user


def _reset_decoy_key(phone: str) -> str:
    return f"reset-unknown:{phone}"


def _reset_decoy_check(phone: str) -> str:
    """The answer to a code typed for a number without an account: what a wrong code for a real one gets."""
    hit = throttle_hit(_reset_decoy_key(phone), limit=settings.OTP_SMS_MAX_ATTEMPTS,
                       window_seconds=settings.OTP_SMS_VALIDITY_SECONDS)
    if hit.remaining <= 0:
        return _("Too many wrong codes. Ask for a new code.")
    return _("The code is not right. You have %(left)s tries left.") % {"left": hit.remaining}


def password_reset_finish(*, phone: str, code: str, password: str) -> User:
    user = User.objects.filter(phone=phone, is_active=True, is_staff=False).first()
    if user is None:
        raise ValidationError({"code": _reset_decoy_check(phone)})
    check = code_check(user=user, purpose=Purpose.PASSWORD_RESET, code=code)
    if not check.ok:
        raise ValidationError({"code": check.error})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="citizen.password_reset", target=user)
    throttle_clear(f"citizen-login:{phone}")
    return user


def phone_change_start(*, user: User, new_phone: str, password: str, ip: str | None = None) -> None:
    """The password is a sign-in try like any other: counted toward the number's and the address's limits before
    it is checked, and outside the transaction below so that a wrong one stays counted."""
    key = f"citizen-login:{user.phone}"
    attempt = _citizen_password_attempt(key, ip)
    if not user.check_password(password):
        if attempt.last:
            raise _locked(attempt)
        raise ValidationError({"password": _("The password is not correct.")}, code="invalid")
    password_attempt_succeeded(key)
    _phone_change_send(user=user, new_phone=new_phone, ip=ip)


@transaction.atomic
def _phone_change_send(*, user: User, new_phone: str, ip: str | None) -> None:
    if new_phone == user.phone:
        raise ValidationError({"new_phone": _("This is already your number.")})
    if User.objects.filter(phone=new_phone).exclude(pk=user.pk).exists():
        raise ValidationError({"new_phone": _("This number already has an account.")})
    _code_send(user=user, phone=new_phone, purpose=Purpose.PHONE_CHANGE, ip=ip)


def phone_change_finish(*, user: User, code: str) -> User:
    check = code_check(user=user, purpose=Purpose.PHONE_CHANGE, code=code)
    if not check.ok:
        raise ValidationError({"code": check.error})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        new_phone = check.device.phone
        if User.objects.filter(phone=new_phone).exclude(pk=user.pk).exists():
            raise ValidationError({"code": _("This number already has an account.")})
        old_phone = user.phone
        user.phone = new_phone
        user.save(update_fields=["phone"])
        for person in Person.objects.filter(account=user, phone=old_phone):
            person_identity_change(actor=user, person=person, changes={"phone": new_phone},
                                   reason=_("The account holder changed their phone number with a code."))
        audit_record(actor=user, action="citizen.phone_changed", target=user,
                     changes={"before": old_phone, "after": new_phone})
    return user
