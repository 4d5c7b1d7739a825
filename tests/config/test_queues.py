"""Each kind of work has its own Celery queue, so a big import never delays a sign-up code."""
import time

import pytest
from django.db import transaction

from config.celery import QUEUES, TASK_QUEUES, app


def _registered_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_is_routed_to_one_of_the_queues():
    tasks = _registered_tasks()
    unrouted = sorted(tasks - TASK_QUEUES.keys())
    assert not unrouted, f"add these tasks to TASK_QUEUES in config/celery.py: {unrouted}"
    for name in tasks:
        queue = app.amqp.router.route({}, name, (), {})["queue"].name
        assert queue == TASK_QUEUES[name] and queue in QUEUES, name


def test_codes_imports_and_certificates_go_to_separate_queues():
    assert TASK_QUEUES["citizens.tasks.sms_send"] == "sms"
    assert TASK_QUEUES["vaccination.tasks.import_check"] == TASK_QUEUES["vaccination.tasks.import_apply"] == "imports"
    assert TASK_QUEUES["certificates.tasks.certificates_issue"] == "certificates"
    assert TASK_QUEUES["reporting.tasks.rollups_fold"] == "reports"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_sign_up_code_is_sent_while_imports_wait(tmp_path):
    """A worker of the sms queue delivers a code at once although import work is queued and nobody takes it."""
    import redis
    from django.conf import settings

    from citizens.models import SmsMessage
    from citizens.services.messaging import sms_queue
    from tests.workers import celery_worker
    from vaccination.tasks import imports_fail_stale

    with celery_worker(tmp_path, queues=("sms",)) as (sms_log, lines):
        for _ in range(20):
            imports_fail_stale.delay()
        with transaction.atomic():
            message = sms_queue(phone="+84912345678", text="Ma xac thuc 246810", purpose="signup")
        deadline = time.monotonic() + 30
        while SmsMessage.objects.get(pk=message.pk).status != SmsMessage.Status.SENT:
            assert time.monotonic() < deadline, "the code was not sent:\n" + "".join(lines[-40:])
            time.sleep(0.2)
        assert "Ma xac thuc 246810" in sms_log.read_text(encoding="utf-8")
        assert redis.Redis.from_url(settings.REDIS_URL).llen("imports") == 20
        assert not any("Received task: vaccination.tasks.imports_fail_stale" in line for line in lines)


def test_docker_compose_runs_a_worker_for_every_queue_and_one_beat():
    import re
    from pathlib import Path

    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    consumed = []
    for service in compose["services"].values():
        command = service.get("command") or ""
        if isinstance(command, str) and " worker " in f" {command} ":
            consumed += re.search(r"-Q (\S+)", command).group(1).split(",")
    assert sorted(consumed) == sorted(QUEUES)  # every queue, each by one group of workers
    beats = [s for s in compose["services"].values() if " beat" in str(s.get("command"))]
    assert len(beats) == 1
