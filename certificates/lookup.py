"""Certificate look-up without an account ("tra cứu chứng nhận").

A person types an ID number (or the mobile number recorded with their vaccination) and a date of birth; if these
match a vaccinated person, a 6-digit code goes by SMS to the phone recorded with that person, and the code opens
their certificates for LOOKUP_ACCESS_SECONDS in this browser's session, for that person only.

Nothing tells whether a number is known: the request does the same work either way — one query for the match,
and one task handed to the queue with a ticket and the list of people matched (empty or not) — and answers with
the same redirect to the same page. The task, on the sms queue, sends the code (if anyone matched) after counting
it against the recorded phone's limit; a phone over its limit silently gets nothing, since saying so would tell
that the details matched. The code is derived from the ticket with the site's secret (HMAC), so neither the code
nor the ID number travels through the broker or sits in the session.

Limits (registry.throttle, each counted before the work it guards, so parallel requests cannot pass together):
look-ups per client address and per number typed (known or not, counted alike), codes per recorded phone, and
code tries per ticket (a new ticket needs a new look-up, itself limited).
"""
import datetime
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from citizens.models import Person, SmsMessage
from citizens.phones import phone_normalize
from citizens.services.messaging import sms_queue
from registry.audit import audit_record
from registry.throttle import throttle_hit
from vaccination.models import Dose

log = logging.getLogger(__name__)

PENDING, ACCESS = "certificate_lookup_pending", "certificate_lookup_access"
_PHONE = re.compile(r"^(0\d{9}|\+?84\d{9})$")
_ID = re.compile(r"^[A-Z0-9]{6,12}$")


@dataclass(frozen=True)
class Identifier:
    kind: str  # "id" or "phone"
    value: str


def identifier_parse(raw: str) -> Identifier:
    """An ID number (CCCD, CMND, passport) or a Vietnamese mobile number, as typed in any usual form."""
    text = re.sub(r"[\s.\-]", "", raw or "").upper()
    if _PHONE.match(text):
        try:
            return Identifier("phone", phone_normalize(text))
        except ValidationError:
            pass
    if _ID.match(text) and not text.startswith("+"):
        return Identifier("id", text)
    raise ValidationError(_("Enter an ID number (12-digit CCCD, 9-digit CMND or passport number) or the mobile "
                            "number recorded with the vaccination."), code="invalid")


def _at(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "H:i d/m")


def _code(token: str) -> str:
    digest = salted_hmac("certificates.lookup.code", token, algorithm="sha256").hexdigest()
    return f"{int(digest, 16) % 1_000_000:06d}"


def _vaccinated_matches(identifier: Identifier, born: datetime.date) -> list[int]:
    people = Person.objects.filter(date_of_birth=born).filter(
        Exists(Dose.objects.filter(person=OuterRef("pk"), voided=False)))
    field = "id_number" if identifier.kind == "id" else "phone"
    return list(people.filter(**{field: identifier.value}).order_by("pk").values_list("pk", flat=True))


def certificate_lookup_start(*, identifier: Identifier, date_of_birth: datetime.date, ip: str | None) -> dict:
    """Count the look-up against the address and the number typed, match it, queue the code; the pending
    ticket for the session. ValidationError (with when to try again) over a limit; the same for any number."""
    hit = throttle_hit(f"lookup-ip:{ip or 'unknown'}", limit=settings.LOOKUP_PER_IP,
                       window_seconds=settings.LOOKUP_IP_WINDOW_SECONDS)
    if not hit.allowed:
        raise ValidationError(_("Too many look-ups from this connection. Try again after %(time)s.")
                              % {"time": _at(hit.resets_at)}, code="rate_limited")
    hit = throttle_hit(f"lookup-id:{identifier.kind}:{identifier.value}", limit=settings.LOOKUP_PER_ID,
                       window_seconds=settings.LOOKUP_ID_WINDOW_SECONDS)
    if not hit.allowed:
        raise ValidationError(_("This number has been looked up too many times. Try again after %(time)s.")
                              % {"time": _at(hit.resets_at)}, code="rate_limited")
    token = secrets.token_urlsafe(24)
    people = _vaccinated_matches(identifier, date_of_birth)
    _queue_code(token=token, people=people, ip=ip)
    expires = timezone.now() + datetime.timedelta(seconds=settings.LOOKUP_CODE_VALIDITY_SECONDS)
    return {"token": token, "people": people, "expires": expires.timestamp()}


def _queue_code(*, token: str, people: list[int], ip: str | None) -> None:
    from .tasks import lookup_code_send

    try:
        lookup_code_send.apply_async((token, people, ip), retry=False)
    except Exception:  # noqa: BLE001 - the broker is down: send it from here rather than not at all
        log.warning("look-up code sent in the request: the task queue is unreachable", exc_info=True)
        lookup_code_deliver(token=token, people=people, ip=ip)


@transaction.atomic
def lookup_code_deliver(*, token: str, people: list[int], ip: str | None) -> int:
    """The task's work: one SMS with the ticket's code to each phone recorded with the people matched, within
    each phone's limit; returns how many were queued. Safe to run twice: a ticket sends once."""
    if not people or not throttle_hit(f"lookup-sent:{token}", limit=1,
                                      window_seconds=settings.LOOKUP_CODE_VALIDITY_SECONDS).allowed:
        return 0
    minutes = max(settings.LOOKUP_CODE_VALIDITY_SECONDS // 60, 1)
    text = _("Your code to look up a vaccination certificate is %(code)s. It is valid for %(minutes)s minutes. "
             "Never share it.") % {"code": _code(token), "minutes": minutes}
    sent = 0
    for phone in sorted(set(Person.objects.filter(pk__in=people).exclude(phone="").values_list("phone", flat=True))):
        if throttle_hit(f"lookup-phone:{phone}", limit=settings.LOOKUP_PER_PHONE,
                        window_seconds=settings.LOOKUP_PHONE_WINDOW_SECONDS).allowed:
            sms_queue(phone=phone, text=text, purpose=SmsMessage.Purpose.NOTICE, requested_ip=ip)
            sent += 1
    return sent


@dataclass
class CodeAnswer:
    ok: bool
    error: str = ""
    restart: bool = False  # the ticket is spent or expired: look up again


def certificate_lookup_finish(*, pending: dict | None, code: str) -> tuple[CodeAnswer, dict | None]:
    """Check a typed code against the session's pending ticket; on the right one, the access to put in the
    session (the people matched, until when). Each try is counted before it is checked."""
    if not pending or timezone.now().timestamp() >= pending["expires"]:
        return CodeAnswer(False, _("This code has expired. Look up the certificate again."), restart=True), None
    hit = throttle_hit(f"lookup-code:{pending['token']}", limit=settings.LOOKUP_CODE_MAX_ATTEMPTS,
                       window_seconds=settings.LOOKUP_CODE_VALIDITY_SECONDS)
    if not hit.allowed:
        return CodeAnswer(False, _("Too many wrong codes. Look up the certificate again for a new code."),
                          restart=True), None
    if not pending["people"] or not constant_time_compare((code or "").strip(), _code(pending["token"])):
        if hit.remaining <= 0:
            return CodeAnswer(False, _("Too many wrong codes. Look up the certificate again for a new code."),
                              restart=True), None
        return CodeAnswer(False, _("The code is not right. You have %(left)s tries left.")
                          % {"left": hit.remaining}), None
    with transaction.atomic():
        for person in Person.objects.filter(pk__in=pending["people"]):
            audit_record(actor=None, action="certificate.looked_up", target=person)
    until = timezone.now() + datetime.timedelta(seconds=settings.LOOKUP_ACCESS_SECONDS)
    return CodeAnswer(True), {"people": list(pending["people"]), "until": until.timestamp()}


def lookup_people(access: dict | None) -> list[int]:
    """The people a session's look-up still opens (none once LOOKUP_ACCESS_SECONDS have passed)."""
    if not access or timezone.now().timestamp() >= access.get("until", 0):
        return []
    return list(access.get("people", []))
