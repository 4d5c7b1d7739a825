"""The SMS outbox and notifications."""
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from registry.bulk import insert_columns, reserve_ids

from ..models import Notification, Person, SmsMessage
from ..selectors import unread_forget
from ..sms import SmsDeliveryError, sms_transmit

log = logging.getLogger(__name__)
Status = SmsMessage.Status


def sms_enqueue(message_id: int) -> None:
    """Hand the message to a worker; if the broker is down the periodic sweep sends it later."""
    from ..tasks import sms_send

    try:
        sms_send.apply_async((message_id,), retry=False)
    except Exception:  # noqa: BLE001 - the row is safe in the outbox whatever went wrong here
        log.warning("SMS %s stays in the outbox: the task queue is unreachable", message_id, exc_info=True)


def sms_queue(*, phone: str, text: str, purpose: str, requested_ip: str | None = None) -> SmsMessage:
    """Write the message to the outbox; it is handed to a worker once the caller's transaction commits."""
    message = SmsMessage.objects.create(
        phone=phone, text=text, purpose=purpose, requested_ip=requested_ip, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: sms_enqueue(message.pk))
    return message


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SMS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def sms_deliver(*, message_id: int) -> str:
    """Send one outbox message if it is still pending and due. Safe to call twice: a sent message is never resent,
    and one waiting for its back-off is left alone (a task's retry and the periodic sweep may both come for it).

    The row stays locked while the gateway is called, so two workers never send the same message.
    """
    with transaction.atomic():
        message = (
            SmsMessage.objects.select_for_update(skip_locked=True)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()),
                    pk=message_id, status=Status.PENDING)
            .first()
        )
        if message is None:
            return "skipped"
        message.attempts += 1
        try:
            sms_transmit(phone=message.phone, text=message.text, reference=f"sms-{message.pk}")
        except SmsDeliveryError as error:
            message.last_error = str(error)[:300]
            if message.attempts >= settings.SMS_MAX_ATTEMPTS:
                message.status = Status.FAILED
                message.next_attempt_at = None
            else:
                message.next_attempt_at = timezone.now() + _backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            if message.status == Status.FAILED:
                log.error("SMS %s failed for good after %s attempts: %s", message.pk, message.attempts, error)
                return "failed"
            log.warning("SMS %s not sent (attempt %s), next try at %s: %s", message.pk, message.attempts,
                        message.next_attempt_at.isoformat(), error)
            return "retry"
        message.status = Status.SENT
        message.sent_at = timezone.now()
        message.next_attempt_at = None
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at", "next_attempt_at"])
        return "sent"


def sms_next_attempt(message_id: int) -> datetime.datetime | None:
    """When a pending message may be tried again (None once it is sent or has failed for good)."""
    return SmsMessage.objects.filter(pk=message_id, status=Status.PENDING).values_list(
        "next_attempt_at", flat=True).first()


def sms_due_ids(*, limit: int = 500) -> list[int]:
    """Pending messages whose time has come: never handed to a worker, or waiting for a retry."""
    return list(
        SmsMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def notify(*, person: Person, title: str, body: str = "", link: str = "", sms_text: str | None = None,
           sms_purpose: str = SmsMessage.Purpose.NOTICE) -> Notification:
    """Tell a person something: a notification for the account that holds or cares for them, and an SMS if asked."""
    recipient = person.account or person.managed_by
    sms = None
    phone = person.phone or (recipient.phone if recipient else "")
    if sms_text and phone:
        sms = sms_queue(phone=phone, text=sms_text, purpose=sms_purpose)
    notification = Notification.objects.create(person=person, recipient=recipient, title=title, body=body, link=link,
                                               sms=sms)
    unread_forget(notification.recipient_id)
    return notification


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    marked = rows.update(read_at=timezone.now())
    unread_forget(user.pk)
    return marked


@dataclass
class Notice:
    """What to tell one person. Give `person` (with `account` and `managed_by` loaded), or only `person_id`:
    bulk callers then skip building a Person per row and the recipients are read in one query."""
    person: Person | None = None
    title: str = ""
    body: str = ""
    link: str = ""
    sms_text: str | None = None
    sms_purpose: str = SmsMessage.Purpose.NOTICE
    person_id: int | None = None


def _recipients(notices: list[Notice]) -> list[tuple[int, int | None, str]]:
    """(person id, recipient account id, phone to text) per notice: the person's phone, else their account's."""
    missing = {n.person_id for n in notices if n.person is None}
    known = {}
    if missing:
        for pk, phone, account, account_phone, manager, manager_phone in Person.objects.filter(
                pk__in=missing).values_list("pk", "phone", "account_id", "account__phone", "managed_by_id",
                                            "managed_by__phone"):
            recipient, recipient_phone = (account, account_phone) if account else (manager, manager_phone)
            known[pk] = (pk, recipient, phone or recipient_phone or "")
    result = []
    for notice in notices:
        if notice.person is None:
            result.append(known[notice.person_id])
            continue
        recipient = notice.person.account or notice.person.managed_by
        result.append((notice.person.pk, recipient.pk if recipient else None,
                       notice.person.phone or (recipient.phone if recipient else "")))
    return result


def _enqueue_many(message_ids: list[int]) -> None:
    from ..tasks import sms_send_many

    try:
        sms_send_many.apply_async((message_ids,), retry=False)
    except Exception:  # noqa: BLE001 - the periodic sweep sends them
        log.warning("%s SMS stay in the outbox: the task queue is unreachable", len(message_ids), exc_info=True)


@transaction.atomic
def notify_many(notices: list[Notice]) -> int:
    """`notify` for many people at once, written set-wise; the SMS go to one task after commit."""
    now = timezone.now()
    recipients = _recipients(notices)
    texted = [index for index, notice in enumerate(notices) if notice.sms_text and recipients[index][2]]
    if connection.vendor == "postgresql":
        ids = reserve_ids(SmsMessage, len(texted))
        insert_columns(SmsMessage, {
            "id": ids, "phone": [recipients[i][2] for i in texted], "text": [notices[i].sms_text for i in texted],
            "purpose": [notices[i].sms_purpose for i in texted], "next_attempt_at": now}, len(texted))
        sms_of = dict(zip(texted, ids))
        insert_columns(Notification, {
            "person": [person for person, _recipient, _phone in recipients],
            "recipient": [recipient for _person, recipient, _phone in recipients],
            "title": [n.title for n in notices], "body": [n.body for n in notices], "link": [n.link for n in notices],
            "sms": [sms_of.get(index) for index in range(len(notices))]}, len(notices))
    else:
        messages = SmsMessage.objects.bulk_create([
            SmsMessage(phone=recipients[i][2], text=notices[i].sms_text, purpose=notices[i].sms_purpose,
                       next_attempt_at=now) for i in texted], batch_size=2000)
        sms_of = {index: message.pk for index, message in zip(texted, messages)}
        Notification.objects.bulk_create([
            Notification(person_id=person, recipient_id=recipient, title=notice.title, body=notice.body,
                         link=notice.link, sms_id=sms_of.get(index))
            for index, (notice, (person, recipient, _phone)) in enumerate(zip(notices, recipients))
        ], batch_size=2000)
        ids = list(sms_of.values())
    unread_forget(*{recipient for _person, recipient, _phone in recipients})
    if ids:
        transaction.on_commit(lambda: _enqueue_many(ids))
    return len(notices)
