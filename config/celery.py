import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# One queue per kind of work, so that a big import or report never delays a sign-up code: each queue group has its
# own workers (docker-compose.yml: worker-sms, worker-certificates, worker-bulk for imports and reports,
# worker-default). Every task is named here; tests/config/test_queues.py fails for a task that is not.
QUEUES = ("sms", "certificates", "imports", "reports", "default")
TASK_QUEUES = {
    "citizens.tasks.sms_send": "sms",
    "citizens.tasks.sms_send_due": "sms",
    "citizens.tasks.sms_send_many": "sms",
    # A look-up code is a code like a sign-up's: it must not wait behind certificates being signed.
    "certificates.tasks.lookup_code_send": "sms",
    "certificates.tasks.certificates_issue": "certificates",
    "certificates.tasks.certificates_sweep": "certificates",
    "certificates.tasks.log_tree_head_sign": "certificates",
    "vaccination.tasks.import_check": "imports",
    "vaccination.tasks.import_apply": "imports",
    "vaccination.tasks.imports_fail_stale": "imports",
    "reporting.tasks.rollups_fold": "reports",
    "opendata.tasks.priority_counts_refresh": "reports",
    # Notices and reminders are written here; the SMS they cause go to the sms queue as their own tasks.
    "vaccination.tasks.registrations_notify": "default",
    "vaccination.tasks.appointment_reminders_send": "default",
    "vaccination.tasks.next_dose_reminders_send": "default",
    "clinics.tasks.booking_reminders_send": "default",
    "registry.tasks.throttle_counters_purge": "default",
    "registry.tasks.partitions_ensure_ahead": "default",
    # An exposure writes its notifications here; their SMS go to the sms queue as tasks of their own.
    "places.tasks.exposure_notify": "default",
    "places.tasks.visits_purge": "default",
}

app = Celery("vaccination")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_default_queue="default",
    task_routes={name: {"queue": queue} for name, queue in TASK_QUEUES.items()},
)
app.autodiscover_tasks()


@worker_init.connect
def _worker_never_eager(**_kwargs):
    """A worker hands the tasks its own tasks queue (a retry, a follow-up) to the broker, whatever the settings say:
    the test settings run tasks in-process for the test run, not inside a worker a test starts."""
    app.conf.task_always_eager = False
