from celery import shared_task

from .rollups import rollups_fold as _rollups_fold


@shared_task(name="reporting.tasks.rollups_fold", ignore_result=True)
def rollups_fold() -> int:
    return _rollups_fold()
