"""The dashboard's figures are kept in the cache for DASHBOARD_CACHE_SECONDS per area and language: a second
visit reads no rollup, the page says when its figures were computed, and no area's kept figures reach an officer
of another area."""
import datetime
import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.vaccination.conftest import lot, people  # noqa: F401
from vaccination.services.dose_recording import dose_record

URL = "reporting:dashboard"


@pytest.fixture
def kept(settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _rollup_reads(client, **query) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse(URL), query).content.decode()
    return page, sum("reporting_" in (q["sql"] or "") for q in queries.captured_queries)


def _dose(world, lot, people):  # noqa: F811
    dose_record(actor=world["site_staff_phuc_xa"], person_id=people["lan"]["person"].pk,
                site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key="cache-1", dose_number=1,
                given_at=timezone.now() - datetime.timedelta(minutes=5))


def test_a_second_visit_reads_the_kept_figures_until_they_expire(kept, world, lot, people, console_client,  # noqa: F811
                                                                 settings):
    client = console_client(world["national"])
    first, reads = _rollup_reads(client)
    assert reads > 0 and 'data-figure="total">0<' in first
    assert re.search(r"Số liệu tính đến \d\d/\d\d/\d{4} \d\d:\d\d\.", first)
    _dose(world, lot, people)
    again, reads = _rollup_reads(client)
    assert reads == 0 and 'data-figure="total">0<' in again  # the kept figures, as the page says
    cache.clear()  # Redis restarted: this process still has the figures, as old as the page says
    again, reads = _rollup_reads(client)
    assert reads == 0 and 'data-figure="total">0<' in again
    settings.DASHBOARD_CACHE_SECONDS = 1
    time.sleep(1.1)  # the figures are now older than the setting: computed afresh, in the cache and the process
    fresh, reads = _rollup_reads(client)
    assert reads > 0 and 'data-figure="total">1<' in fresh


def test_kept_figures_are_per_language_and_order(kept, world, console_client):
    client = console_client(world["national"])
    _rollup_reads(client)
    client.cookies["django_language"] = "en"
    page, reads = _rollup_reads(client)
    assert reads > 0 and "Figures as of" in page
    _page, reads = _rollup_reads(client, sort="total")
    assert reads > 0


def test_an_officer_never_reads_another_areas_kept_figures(kept, world, lot, people, console_client):  # noqa: F811
    _dose(world, lot, people)
    national = console_client(world["national"])
    ha_noi = national.get(reverse(URL), {"province": 1}).content.decode()
    assert 'data-figure="total">1<' in ha_noi
    hue = console_client(world["province_hue"])
    page = hue.get(reverse(URL), {"province": 1}).content.decode()  # asks for Hà Nội, gets its own province
    assert 'data-figure="total">0<' in page and "Thành phố Huế" in page
    assert hue.get(reverse(URL), {"district": 1}).status_code == 404


def test_a_cache_outage_computes_the_figures(kept, world, console_client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    page, reads = _rollup_reads(console_client(world["national"]))
    assert reads > 0 and 'data-figure="total">0<' in page
