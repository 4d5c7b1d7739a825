from celery import shared_task
from django.conf import settings

from .partitions import partitions_ensure
from .throttle import throttle_purge


@shared_task
def throttle_counters_purge() -> int:
    return throttle_purge()


@shared_task
def partitions_ensure_ahead() -> int:
    """Beat, daily: next months' partitions exist before their first row arrives."""
    return len(partitions_ensure(months_ahead=settings.PARTITION_MONTHS_AHEAD))
