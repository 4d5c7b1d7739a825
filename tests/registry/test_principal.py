"""The signed-in user, their permissions, jurisdiction and second factor are read from the cache after the first
page (registry/principal.py), and every change to them is seen on the very next request."""
import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.models import StaffAssignment
from tests.factories import PASSWORD

AUTH_TABLES = ("citizens_user", "otp_totp_totpdevice", "registry_staffassignment", "auth_permission")
QUEUE = "vaccination_console:registration_list"


def _auth_reads(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in AUTH_TABLES)]


def test_after_the_first_page_the_user_comes_from_the_cache(world, console_client):
    client = console_client(world["province_ha_noi"])
    status, first = _auth_reads(client, reverse(QUEUE))
    assert status == 200 and first  # the first page reads the user, device, assignment and permissions
    status, second = _auth_reads(client, reverse(QUEUE))
    assert status == 200 and second == []
    page = client.get(reverse(QUEUE)).content.decode()
    # the jurisdiction kept with the user still scopes the page: Hà Nội's districts in the filter, not Huế's
    assert "Ba Đình" in page and "Thuận Hóa" not in page


def test_a_page_reads_the_cache_once_with_its_session(world, console_client, monkeypatch):
    """The session, the user, their second factor and the menu's alert count: one round trip to the cache (with
    Redis sessions the session itself comes in it; with database sessions everything else does)."""
    cache, reads, depth = caches["default"], [], []
    client = console_client(world["province_ha_noi"])
    for _ in range(2):  # the first page keeps the user; the second learns what a page of theirs reads
        client.get(reverse(QUEUE))

    def counted(name, read):
        def call(*args, **kwargs):  # a round trip each, not the gets a local cache's get_many makes inside
            if not depth:
                reads.append(name)
            depth.append(name)
            try:
                return read(*args, **kwargs)
            finally:
                depth.pop()
        return call

    for name in ("get", "get_many", "has_key"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    page = client.get(reverse(QUEUE))
    assert page.status_code == 200 and "Ba Đình" in page.content.decode()
    assert reads == ["get_many"]


def test_the_cache_can_be_turned_off(world, console_client, settings):
    settings.AUTH_CACHE_SECONDS = 0
    client = console_client(world["province_ha_noi"])
    client.get(reverse(QUEUE))
    status, second = _auth_reads(client, reverse(QUEUE))
    assert status == 200 and second


def test_a_role_taken_away_is_refused_on_the_next_request(world, console_client):
    client = console_client(world["district_ba_dinh"])
    assert client.get(reverse(QUEUE)).status_code == 200
    StaffAssignment.objects.get(user=world["district_ba_dinh"]).delete()
    assert client.get(reverse(QUEUE)).status_code == 403


def test_a_permission_taken_away_is_refused_on_the_next_request(world, console_client):
    user = world["district_ba_dinh"]
    client = console_client(user)
    assert client.get(reverse(QUEUE)).status_code == 200
    user.groups.clear()
    assert client.get(reverse(QUEUE)).status_code == 403


def test_a_group_losing_a_permission_is_seen_by_its_members_at_once(world, console_client):
    user = world["district_ba_dinh"]
    client = console_client(user)
    assert client.get(reverse(QUEUE)).status_code == 200
    group = user.groups.get()
    group.permissions.remove(group.permissions.get(codename="view_registration"))
    assert client.get(reverse(QUEUE)).status_code == 403


def test_a_deactivated_account_is_signed_out_on_the_next_request(world, console_client):
    user = world["district_ba_dinh"]
    client = console_client(user)
    assert client.get(reverse(QUEUE)).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(reverse(QUEUE))["Location"].startswith(settings.CONSOLE_LOGIN_PATH)


def test_a_password_changed_elsewhere_ends_this_session(world, console_client):
    user = world["district_ba_dinh"]
    client = console_client(user)
    assert client.get(reverse(QUEUE)).status_code == 200
    user.set_password("mot-mat-khau-moi-dai")
    user.save()
    assert client.get(reverse(QUEUE))["Location"].startswith(settings.CONSOLE_LOGIN_PATH)


def test_a_second_factor_device_removed_asks_for_the_code_again(world, console_client):
    user = world["province_ha_noi"]
    client = console_client(user)
    assert client.get(reverse(QUEUE)).status_code == 200
    TOTPDevice.objects.filter(user=user).get().delete()
    assert client.get(reverse(QUEUE))["Location"] == reverse("console:otp_setup")


def test_another_users_session_never_gets_a_kept_user(world, console_client, client):
    """The kept copy is found by the session's user id and must match the session's password hash."""
    console_client(world["district_ba_dinh"]).get(reverse(QUEUE))
    from django.test import Client

    other = Client()
    other.force_login(world["site_staff_phuc_xa"])
    assert other.get(reverse(QUEUE)).status_code == 403  # site staff may not see the queue


@pytest.mark.parametrize("failing", ["get", "get_many", "set", "delete_many"])
def test_a_cache_outage_is_served_by_the_database(world, console_client, monkeypatch, failing):
    cache = caches["default"]

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    client = console_client(world["district_ba_dinh"])
    assert client.get(reverse(QUEUE)).status_code == 200
    monkeypatch.setattr(cache, failing, down)
    assert client.get(reverse(QUEUE)).status_code == 200
    world["district_ba_dinh"].groups.clear()
    monkeypatch.undo()
    if failing == "delete_many":  # the change could not drop the kept copy: the TTL bounds how long it lives
        caches["default"].clear()
    assert client.get(reverse(QUEUE)).status_code == 403


def test_a_value_kept_or_forgotten_during_a_request_is_read_afresh(db):
    """What a request read ahead with its user never hides a change the same request made."""
    from types import SimpleNamespace

    from registry.kept import kept_for, kept_forget, kept_set, kept_with_user

    user = SimpleNamespace(pk=987654)
    kept_set("test.badge:987654", 1, 60)
    assert kept_for(user, "test.badge:987654") == 1  # read alone; the next request reads it with the user
    _user, user.kept_with_user = kept_with_user(user.pk, "test.user:987654")
    assert user.kept_with_user == {"test.badge:987654": 1}
    kept_forget("test.badge:987654")
    assert kept_for(user, "test.badge:987654") is None
    kept_set("test.badge:987654", 2, 60)
    assert kept_for(user, "test.badge:987654") == 2
