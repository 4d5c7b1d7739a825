"""The serious-reaction flag of the console menu is counted once per area and kept, and every reaction change in
the area shows on the next page."""
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vaccination.services.dose_recording import dose_record
from vaccination.services.reactions import reaction_follow_up, reaction_report


def _flag(client) -> tuple[str | None, int]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("console:home")).content.decode()
    counts = sum("vaccination_reaction" in q["sql"] for q in queries.captured_queries)
    if '<span class="badge"' not in page:
        return None, counts
    return page.split('<span class="badge"', 1)[1].split(">", 1)[1].split("<", 1)[0], counts


def test_the_flag_follows_every_change_in_the_area(world, lot, people, console_client):
    dose, _created = dose_record(actor=world["site_staff_phuc_xa"], person_id=people["lan"]["person"].pk,
                                 site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key="alert-1")
    province = console_client(world["province_ha_noi"])
    assert _flag(province)[0] is None
    assert _flag(province) == (None, 0)  # kept: no count on the second page
    reaction = reaction_report(actor=people["lan"]["account"], dose_id=dose.pk, onset_at=timezone.now(),
                               symptoms=["breathing"], severity="moderate")
    assert _flag(province)[0] == "1"
    for role in ("district_ba_dinh", "site_staff_phuc_xa", "national"):
        assert _flag(console_client(world[role]))[0] == "1", role
    hue = console_client(world["province_hue"])
    assert _flag(hue)[0] is None  # another province's reaction is not flagged there
    reaction_follow_up(actor=world["district_ba_dinh"], reaction_id=reaction.pk, status="acknowledged")
    for role in ("province_ha_noi", "district_ba_dinh", "site_staff_phuc_xa", "national"):
        assert _flag(console_client(world[role]))[0] is None, role


def test_without_keeping_every_page_counts(world, console_client, settings):
    settings.BADGE_CACHE_SECONDS = 0
    client = console_client(world["province_ha_noi"])
    _flag(client)
    assert _flag(client)[1] == 1
