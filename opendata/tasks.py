from celery import shared_task

from .services import priority_counts_refresh as _priority_counts_refresh


@shared_task(name="opendata.tasks.priority_counts_refresh", ignore_result=True)
def priority_counts_refresh() -> int:
    return _priority_counts_refresh()
