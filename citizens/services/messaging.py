"""The SMS outbox and notifications."""
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Notification, Person, SmsMessage
from ..sms import SmsDeliveryError, sms_transmit

log = logging.getLogger(__name__)
Status = SmsMessage.Status


def _enqueue(message_id: int) -> None:
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
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SMS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def sms_deliver(*, message_id: int) -> str:
    """Send one outbox message if it is still pending and due. Safe to call twice: a sent message is never resent.

    The row stays locked while the gateway is called, so two workers never send the same message.
    """
    with transaction.atomic():
        message = (
            SmsMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Status.PENDING)
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
            log.warning("SMS %s not sent (attempt %s): %s", message.pk, message.attempts, error)
            return "retry" if message.status == Status.PENDING else "failed"
        message.status = Status.SENT
        message.sent_at = timezone.now()
        message.next_attempt_at = None
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at", "next_attempt_at"])
        return "sent"


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
    return Notification.objects.create(person=person, recipient=recipient, title=title, body=body, link=link, sms=sms)


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


@dataclass
class Notice:
    person: Person
    title: str
    body: str = ""
    link: str = ""
    sms_text: str | None = None
    sms_purpose: str = SmsMessage.Purpose.NOTICE


def _enqueue_many(message_ids: list[int]) -> None:
    from ..tasks import sms_send_many

    try:
        sms_send_many.apply_async((message_ids,), retry=False)
    except Exception:  # noqa: BLE001 - the periodic sweep sends them
        log.warning("%s SMS stay in the outbox: the task queue is unreachable", len(message_ids), exc_info=True)


@transaction.atomic
def notify_many(notices: list[Notice]) -> int:
    """`notify` for many people at once, written set-wise; the SMS go to one task after commit.

    Each Notice's person must come with `account` and `managed_by` loaded (select_related).
    """
    now = timezone.now()
    messages, sms_for = [], {}
    for index, notice in enumerate(notices):
        recipient = notice.person.account or notice.person.managed_by
        phone = notice.person.phone or (recipient.phone if recipient else "")
        if notice.sms_text and phone:
            sms_for[index] = len(messages)
            messages.append(SmsMessage(phone=phone, text=notice.sms_text, purpose=notice.sms_purpose,
                                       next_attempt_at=now))
    SmsMessage.objects.bulk_create(messages, batch_size=2000)
    Notification.objects.bulk_create([
        Notification(person=notice.person, recipient=notice.person.account or notice.person.managed_by,
                     title=notice.title, body=notice.body, link=notice.link,
                     sms=messages[sms_for[index]] if index in sms_for else None)
        for index, notice in enumerate(notices)
    ], batch_size=2000)
    ids = [message.pk for message in messages]
    if ids:
        transaction.on_commit(lambda: _enqueue_many(ids))
    return len(notices)
