from celery import shared_task

from . import services


@shared_task
def exposure_notify(exposure_id: int) -> int:
    """Tell the people who checked in during an exposure's window (queued after the declaration commits)."""
    return services.exposure_notify(exposure_id=exposure_id)


@shared_task
def visits_purge() -> int:
    """Beat, hourly: visits past their retention are deleted."""
    return services.visits_purge()
