"""Staff sessions last a working day; citizens stay signed in on their phone for a month (both settable)."""
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.citizens.conftest import last_code
from tests.factories import PASSWORD, CitizenFactory

HOUR, DAY = 3600, 24 * 3600


def _lasts(client, response) -> int:
    """How long the browser keeps the session cookie and the server keeps the session, in seconds (checked equal)."""
    cookie = response.cookies["sessionid"]
    stored = Session.objects.get(session_key=cookie.value)
    remaining = (stored.expire_date - timezone.now()).total_seconds()
    assert abs(remaining - int(cookie["max-age"])) < 60
    return int(cookie["max-age"])


def _cached_copy_expires(session) -> None:
    """With SESSION_ENGINE cached_db the session is read from the cache first (the database holds it too)."""
    if hasattr(session, "cache_key"):
        caches[settings.SESSION_CACHE_ALIAS].delete(session.cache_key)


def test_sessions_are_read_from_the_cache_and_kept_in_the_database(world, client, settings):
    """A session costs no database query per page, and a cache outage signs nobody out: every session is also
    written to the database, which serves it when the cache has lost it or cannot be reached."""
    settings.SESSION_ENGINE = "registry.sessions"  # the default wherever REDIS_URL is set
    client.post(reverse("console:login"), {"username": "district_ba_dinh", "password": PASSWORD})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("console:home")).status_code == 200
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    caches[settings.SESSION_CACHE_ALIAS].clear()  # Redis restarted
    assert client.get(reverse("console:home")).status_code == 200
    assert Session.objects.filter(session_key=client.session.session_key).exists()


def test_a_cache_outage_is_served_by_the_database(world, client, settings, monkeypatch):
    """Sign-in, pages and sign-out all work while every cache call fails (Django's cached_db gives a 500)."""
    settings.SESSION_ENGINE = "registry.sessions"
    cache = caches[settings.SESSION_CACHE_ALIAS]

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for name in ("get", "set", "delete", "has_key", "__contains__"):
        monkeypatch.setattr(cache, name, down)
    response = client.post(reverse("console:login"), {"username": "district_ba_dinh", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("console:home")).status_code == 200
    client.post(reverse("console:logout"))
    assert client.get(reverse("console:home")).status_code == 302


def test_a_cached_session_lives_at_most_the_cache_length(world, client, settings):
    """A session ended while Redis was unreachable stays in Redis at most SESSION_CACHE_SECONDS."""
    settings.SESSION_ENGINE = "registry.sessions"
    settings.SESSION_CACHE_SECONDS = 120
    client.post(reverse("console:login"), {"username": "district_ba_dinh", "password": PASSWORD})
    store = client.session
    assert store._cache_seconds(store.get_expiry_age()) == 120


def test_staff_session_lasts_eight_hours(world, client):
    response = client.post(reverse("console:login"), {"username": "district_ba_dinh", "password": PASSWORD})
    assert response.status_code == 302
    assert _lasts(client, response) == 8 * HOUR
    assert client.get(reverse("console:home")).status_code == 200


def test_staff_session_length_is_a_setting(world, client, settings):
    settings.STAFF_SESSION_SECONDS = 2 * HOUR
    response = client.post(reverse("console:login"), {"username": "district_ba_dinh", "password": PASSWORD})
    assert _lasts(client, response) == 2 * HOUR


def test_staff_session_ends_after_its_time(world, client, settings):
    """A console left open past the working day asks for the password again."""
    client.post(reverse("console:login"), {"username": "district_ba_dinh", "password": PASSWORD})
    assert client.get(reverse("console:home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))  # what 8 hours of waiting does to the stored session
    _cached_copy_expires(client.session)  # and to its copy in the cache, kept for the session's own length
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:login"))


def test_citizen_session_lasts_thirty_days(client, db):
    CitizenFactory(phone="+84912345678")
    response = client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": PASSWORD})
    assert response["Location"] == reverse("citizens:book")
    assert _lasts(client, response) == 30 * DAY


def test_citizen_session_after_sign_up_lasts_the_citizen_length(client, db, settings):
    settings.CITIZEN_SESSION_SECONDS = 7 * DAY
    client.post(reverse("citizens:signup"), {"full_name": "Nguyễn Thị Lan", "phone": "0912345678"})
    response = client.post(reverse("citizens:signup_verify"), {
        "code": last_code("+84912345678"), "password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == reverse("citizens:book")
    assert _lasts(client, response) == 7 * DAY


def test_any_other_session_gets_the_short_default(settings, client, django_user_model, db):
    """/admin/ signs in through Django's own view; it gets the default, which is the staff length."""
    assert settings.SESSION_COOKIE_AGE == settings.STAFF_SESSION_SECONDS == 8 * HOUR
    root = django_user_model.objects.create_superuser("root", PASSWORD, full_name="Root")
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    response = client.post(reverse("admin:login"), {
        "username": "root", "password": PASSWORD, "otp_device": device.persistent_id,
        "otp_token": f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"})
    assert response.status_code == 302
    assert _lasts(client, response) == 8 * HOUR
