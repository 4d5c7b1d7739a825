"""Citizen accounts: sign-up confirmed by an SMS code, sign-in with a lock, password reset, change of phone."""
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils.translation import gettext as _

from registry.audit import audit_insert_from, audit_record
from registry.db import hot_cursor, insert_select_sql, insert_sql
from registry.auth import password_attempt, password_attempt_succeeded
from registry.throttle import throttle_clear, throttle_hit

from ..models import Person, SmsMessage, User
from .messaging import sms_enqueue
from .people import person_identity_change
from .sms_codes import (
    address_refusal, code_check, code_deliver, code_send, number_refusal, signup_code_rows, time_text,
)

Purpose = SmsMessage.Purpose
CODE_PURPOSES = [Purpose.SIGNUP, Purpose.PASSWORD_RESET, Purpose.PHONE_CHANGE]


def signup_start(*, full_name: str, phone: str, ip: str | None = None) -> User:
    """Create (or refresh) an inactive account and send it a code; nothing is usable until the code is typed.

    No password yet: it is chosen with the code (`signup_finish`), so the slow hash is paid only by someone who
    holds the phone, and a rush of sign-ups costs no hashing at this step. The send is counted first, against
    the address (on its own) and then the number: the number's counter row stays locked until commit, so two
    sign-ups for one number in parallel take turns and the second finds the account the first made.
    """
    refusal = address_refusal(ip)
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    return _signup_open(full_name=full_name, phone=phone, ip=ip)


@transaction.atomic
def _signup_open(*, full_name: str, phone: str, ip: str | None) -> User:
    refusal = number_refusal(phone=phone)
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    existing = User.objects.select_for_update().filter(phone=phone).first()
    if existing is not None and (existing.is_active or existing.is_staff):
        raise ValidationError(
            {"phone": _("This number already has an account. Sign in, or reset your password.")}, code="taken")
    if existing is None:
        return _account_open(full_name=full_name, phone=phone, ip=ip)
    user = existing
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    code_deliver(user=user, phone=phone, purpose=Purpose.SIGNUP, ip=ip)
    audit_record(actor=None, action="citizen.signup_started", target=user)
    return user


def _account_open(*, full_name: str, phone: str, ip: str | None) -> User:
    """A new inactive account, its sign-up code device, the code's SMS in the outbox and the audit row, in the
    caller's transaction. On PostgreSQL one statement, one round trip instead of four (a rush of sign-ups is
    mostly these); the SMS goes to a worker after commit, as `sms_queue` hands it. Nothing listens to the new
    rows' post_save (the principal's receivers skip new rows)."""
    user = User(phone=phone, full_name=full_name, password=make_password(None), is_active=False, is_staff=False)
    if connection.vendor != "postgresql":  # SQLite writes nothing inside WITH: one statement per row
        user.save(force_insert=True)
        code_deliver(user=user, phone=phone, purpose=Purpose.SIGNUP, ip=ip, new_account=True)
        audit_record(actor=None, action="citizen.signup_started", target=user)
        return user
    device, message = signup_code_rows(user=user, phone=phone, ip=ip)
    account, account_params = insert_sql(user)
    code, code_params = insert_select_sql(device, user="account")
    sms, sms_params = insert_sql(message)
    audit, audit_params = audit_insert_from("account", actor=None, action="citizen.signup_started", target=user)
    cursor = hot_cursor()
    cursor.execute(
        f"WITH account AS ({account} RETURNING id), device AS ({code}), message AS ({sms} RETURNING id), "
        f"audit AS ({audit}) SELECT account.id, message.id FROM account, message",
        [*account_params, *code_params, *sms_params, *audit_params])
    user.pk, message.pk = cursor.fetchone()
    user._state.adding, user._state.db = False, DEFAULT_DB_ALIAS
    transaction.on_commit(lambda: sms_enqueue(message.pk))
    return user


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
                               % {"time": time_text(attempt.until)}, code="locked")
    return ValidationError(
        _("Too many wrong passwords for this number. Try again after %(time)s, or reset your password.")
        % {"time": time_text(attempt.until)}, code="locked")


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
    refusal = address_refusal(ip)
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    return _password_reset_send(phone=phone, ip=ip)


@transaction.atomic
def _password_reset_send(*, phone: str, ip: str | None) -> User | None:
    refusal = number_refusal(phone=phone, phone_message=_(
        "Codes for this number were asked for too many times (%(count)s). Try again after %(time)s."))
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    user = User.objects.filter(phone=phone, is_active=True, is_staff=False).first()
    if user is None:
        throttle_clear(_reset_decoy_key(phone))  # as a real code would, a new request starts the tries again
        return None
    code_deliver(user=user, phone=phone, purpose=Purpose.PASSWORD_RESET, ip=ip)
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
    code_send(user=user, phone=new_phone, purpose=Purpose.PHONE_CHANGE, ip=ip)


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
