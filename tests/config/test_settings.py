"""Settings come from the environment; production refuses to start without a real SECRET_KEY."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "REDIS_URL", "DEBUG", "DATABASE_URL")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


SETUP = "import django; django.setup(); from django.conf import settings; "


def test_production_refuses_without_secret_key():
    result = _run(SETUP, DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _run(SETUP + "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
                  DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True"


def test_without_redis_tasks_run_in_process():
    result = _run(SETUP + "from config.celery import app; print(app.conf.task_always_eager, app.conf.broker_url)",
                  DJANGO_SETTINGS_MODULE="config.settings.local")
    assert result.stdout.split() == ["True", "memory://localhost/"], result.stderr


def test_with_redis_tasks_go_to_redis():
    result = _run(SETUP + "from config.celery import app; print(app.conf.task_always_eager, app.conf.broker_url)",
                  DJANGO_SETTINGS_MODULE="config.settings.local", REDIS_URL="redis://127.0.0.1:6379/5")
    assert result.stdout.split() == ["False", "redis://127.0.0.1:6379/5"], result.stderr


def test_database_url_is_honoured():
    result = _run(SETUP + "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])",
                  DJANGO_SETTINGS_MODULE="config.settings.local",
                  DATABASE_URL="postgres://postgres@127.0.0.1:5432/vaccination")
    assert result.stdout.split() == ["django.db.backends.postgresql", "vaccination"], result.stderr


def test_bad_boolean_is_a_clear_error():
    result = _run(SETUP, DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="maybe")
    assert "DEBUG must be a boolean" in result.stderr


def test_env_example_names_every_setting():
    example = (ROOT / ".env.example").read_text()
    for name in ["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "SMS_BACKEND",
                 "CERT_SIGNING_KEY_FILE", "OTP_REQUIRED_FOR_ALL_STAFF"]:
        assert f"{name}=" in example, name


def test_health_endpoint(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
