from celery import shared_task

from .services import booking_reminders_send as _booking_reminders


@shared_task(name="clinics.tasks.booking_reminders_send", ignore_result=True)
def booking_reminders_send() -> int:
    return _booking_reminders()
