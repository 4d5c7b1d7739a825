from celery import shared_task

from .services.messaging import _backoff, sms_deliver, sms_due_ids


@shared_task(name="citizens.tasks.sms_send", ignore_result=True)
def sms_send(message_id: int) -> str:
    """Deliver one outbox message; on failure schedule the next try (the periodic sweep also finds it)."""
    outcome = sms_deliver(message_id=message_id)
    if outcome == "retry" and not sms_send.app.conf.task_always_eager:
        from .models import SmsMessage

        attempts = SmsMessage.objects.filter(pk=message_id).values_list("attempts", flat=True).first() or 1
        try:
            sms_send.apply_async((message_id,), countdown=_backoff(attempts).total_seconds(), retry=False)
        except Exception:  # noqa: BLE001 - the sweep picks it up
            pass
    return outcome


@shared_task(name="citizens.tasks.sms_send_due", ignore_result=True)
def sms_send_due() -> int:
    """Every minute: send whatever is pending and due, whether its task was lost or it waits for a retry."""
    sent = 0
    for message_id in sms_due_ids():
        if sms_deliver(message_id=message_id) == "sent":
            sent += 1
    return sent


@shared_task(name="citizens.tasks.sms_send_many", ignore_result=True)
def sms_send_many(message_ids: list[int]) -> int:
    """Deliver a batch written by notify_many; failures wait for the periodic sweep's retry."""
    return sum(1 for message_id in message_ids if sms_deliver(message_id=message_id) == "sent")
