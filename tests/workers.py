"""A real Celery worker on Redis, started by a test as production starts one: on the queues it is given."""
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from config.celery import QUEUES, app

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def celery_worker(tmp_path: Path, *, queues=QUEUES, env: dict[str, str] | None = None):
    """Yields (the SMS file the worker writes, the worker's output lines) while a worker consumes `queues`;
    `env` overrides the worker's environment (another SMS backend, shorter back-offs)."""
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # no message left over from an earlier run
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "SMS_BACKEND": "file",
        "SMS_FILE_PATH": str(tmp_path / "sms.log"),
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel=INFO", "-Q", ",".join(queues)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in process.stdout:
            lines.append(line)
            if " ready." in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    eager = app.conf.task_always_eager
    try:
        assert ready.wait(60), "the Celery worker did not start:\n" + "".join(lines[-30:])
        app.conf.task_always_eager = False
        yield tmp_path / "sms.log", lines
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        process.wait(20)
