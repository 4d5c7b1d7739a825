from celery import shared_task

from .throttle import throttle_purge


@shared_task
def throttle_counters_purge() -> int:
    return throttle_purge()
