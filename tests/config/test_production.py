"""Production settings: HTTPS only, strict headers, `check --deploy` silent, no noise at start-up."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": secrets.token_urlsafe(64),
              "ALLOWED_HOSTS": "tiemchung.example.vn"}


def _run(args: list[str], **env) -> subprocess.CompletedProcess:
    """A fresh interpreter with only the environment a deployment would give it."""
    clean = {k: v for k, v in os.environ.items()
             if k not in ("SECRET_KEY", "REDIS_URL", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS")
             and not k.startswith(("SECURE_", "DJANGO_"))}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def production_settings(names: str, **env) -> list[str]:
    code = ("import django; django.setup(); from django.conf import settings as s; "
            f"print(*[repr(getattr(s, n)) for n in {names.split()!r}], sep='|')")
    result = _run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_check_deploy_is_silent_with_the_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_silent_with_preload_on_too():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION,
                  SECURE_HSTS_PRELOAD="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


def test_production_is_https_only_by_default():
    values = production_settings("SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS SECURE_HSTS_PRELOAD SECURE_SSL_REDIRECT "
                       "SECURE_PROXY_SSL_HEADER SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE", **PRODUCTION)
    assert values == ["31536000", "True", "False", "True", "('HTTP_X_FORWARDED_PROTO', 'https')", "True", "True"]


def test_hsts_preload_and_redirect_are_settable():
    values = production_settings("SECURE_HSTS_PRELOAD SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS", **PRODUCTION,
                       SECURE_HSTS_PRELOAD="1", SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="600")
    assert values == ["True", "False", "600"]


def test_headers_are_strict_in_every_environment():
    for module in ("config.settings.production", "config.settings.local", "config.settings.test"):
        values = production_settings("SECURE_CONTENT_TYPE_NOSNIFF SECURE_REFERRER_POLICY X_FRAME_OPTIONS "
                           "SECURE_CROSS_ORIGIN_OPENER_POLICY", **{**PRODUCTION, "DJANGO_SETTINGS_MODULE": module})
        assert values == ["True", "'same-origin'", "'DENY'", "'same-origin'"], module


def test_start_up_prints_no_broker_hostname_warning():
    """Without Redis, tasks run in-process; queueing one must not log kombu's 'No hostname was supplied'."""
    code = ("import django; django.setup()\nfrom config.celery import app\n"
            "@app.task\ndef probe():\n    return 1\n"
            "print(probe.delay().get())")
    result = _run(["-c", code], DJANGO_SETTINGS_MODULE="config.settings.test")
    assert result.stdout.strip() == "1", result.stderr
    assert "No hostname was supplied" not in result.stderr + result.stdout


def test_manage_check_prints_no_warning():
    result = _run(["manage.py", "check"], DJANGO_SETTINGS_MODULE="config.settings.local")
    assert result.returncode == 0, result.stderr
    assert "No hostname was supplied" not in result.stderr + result.stdout
    assert result.stderr == ""
