from celery import shared_task
from django.conf import settings

from .services.messaging import sms_deliver, sms_due_ids, sms_next_attempt


@shared_task(bind=True, name="citizens.tasks.sms_send", ignore_result=True, max_retries=None)
def sms_send(self, message_id: int) -> str:
    """Deliver one outbox message; on failure Celery retries the task when the message's back-off is over.

    The row keeps its state between tries, so a retry that is lost (broker down, worker killed) is still found by
    the periodic sweep `sms_send_due`; `sms_deliver` skips a message whose back-off is not over, so the two never
    spend an attempt twice.
    """
    outcome = sms_deliver(message_id=message_id)
    if outcome != "retry" or self.request.called_directly or self.request.is_eager:
        # In-process (no broker) a retry would run at once, without its back-off: the sweep sends it when due.
        return outcome
    when = sms_next_attempt(message_id)
    if when is None:  # sent or given up meanwhile by another worker
        return outcome
    raise self.retry(eta=when, max_retries=settings.SMS_MAX_ATTEMPTS)


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
