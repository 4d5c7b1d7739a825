from celery import shared_task
from django.conf import settings

from .services.reminders import appointment_reminders_send as _appointment_reminders
from .services.reminders import next_dose_reminders_send as _next_dose_reminders
from .services.reminders import registrations_decision_notify


@shared_task(name="vaccination.tasks.registrations_notify", ignore_result=True)
def registrations_notify(ids: list[int], kind: str) -> int:
    return registrations_decision_notify(ids=ids, kind=kind)


@shared_task(name="vaccination.tasks.appointment_reminders_send", ignore_result=True)
def appointment_reminders_send() -> int:
    return _appointment_reminders()


@shared_task(name="vaccination.tasks.next_dose_reminders_send", ignore_result=True)
def next_dose_reminders_send() -> int:
    return _next_dose_reminders()


# A check that runs past the time beat would give up on it is stopped inside the task, which then marks the
# batch failed with a message instead of leaving it to the sweep.
@shared_task(name="vaccination.tasks.import_check", ignore_result=True, soft_time_limit=settings.IMPORT_STALE_SECONDS)
def import_check(batch_id: int) -> None:
    from .imports.services import import_check as check

    check(batch_id=batch_id)


@shared_task(name="vaccination.tasks.import_apply", ignore_result=True)
def import_apply(batch_id: int) -> None:
    from .imports.services import import_apply as apply

    apply(batch_id=batch_id)


@shared_task(name="vaccination.tasks.imports_fail_stale", ignore_result=True)
def imports_fail_stale() -> int:
    from .imports.services import imports_fail_stale as fail_stale

    return fail_stale()
