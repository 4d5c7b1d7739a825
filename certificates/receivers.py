"""Where vaccination facts start certificate work: after commit, through a Celery task."""
import logging

log = logging.getLogger(__name__)


def _queue(dose_ids: list[int], *, force: bool) -> None:
    from .tasks import certificates_issue

    try:
        certificates_issue.delay(dose_ids, force)
    except Exception:  # noqa: BLE001 - the beat sweep signs whatever is still missing
        log.warning("certificate signing for doses %s left to the sweep: the task queue is unreachable", dose_ids,
                    exc_info=True)


def on_doses_confirmed(sender, dose_ids, **kwargs):
    _queue(list(dose_ids), force=False)


def on_dose_corrected(sender, dose_id, **kwargs):
    _queue([dose_id], force=True)
