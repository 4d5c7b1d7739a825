"""Open figures: what anyone sees without signing in, with small counts suppressed so that no one is identified."""
import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import Vaccine
from reporting.models import DoseDaily
from tests.conftest import BA_DINH, HA_NOI, HOAN_KIEM, HUE
from tests.vaccination.conftest import lot, people  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def rollup(site, vaccine: str, dose_number: int, count: int, *, days_ago: int = 0, folded: bool = True):
    """What the dose rollups hold: a folded total or a writer's unfolded change (both are read as one sum)."""
    unit = site.unit
    vaccine = Vaccine.objects.get(code=vaccine)
    DoseDaily.objects.create(
        day=timezone.localdate() - datetime.timedelta(days=days_ago), site=site, province_code=unit.province_code,
        district_code=unit.district_code, vaccine=vaccine, dose_number=dose_number,
        completes_series=dose_number == vaccine.doses_in_series, count=count, folded=folded)


@pytest.fixture
def figures(world):
    """Ba Đình: 40 first AstraZeneca doses (30 folded + 10 not yet folded), 25 second, 4 first Pfizer doses;
    Hoàn Kiếm: 3 first doses; Huế: 50 first doses."""
    rollup(world["site_phuc_xa"], "astrazeneca", 1, 30, days_ago=40)
    rollup(world["site_phuc_xa"], "astrazeneca", 1, 10, days_ago=2, folded=False)
    rollup(world["site_truc_bach"], "astrazeneca", 2, 25, days_ago=1)
    rollup(world["site_truc_bach"], "pfizer", 1, 4, days_ago=1)
    rollup(world["site_phuc_tan"], "astrazeneca", 1, 3, days_ago=1)
    rollup(world["site_vy_da"], "astrazeneca", 1, 50, days_ago=3)
    return world


def _json(client, *codes):
    response = client.get(reverse("opendata:area_json", args=codes))
    assert response.status_code == 200
    return response.json()


COUNT_FIELDS = {"people_first_dose", "people_fully_vaccinated", "boosters", "doses"}


def _counts(document) -> set:
    """Every count anywhere in a JSON document (codes, populations and percentages left aside)."""
    if isinstance(document, list):
        return set().union(set(), *(_counts(v) for v in document))
    if isinstance(document, dict):
        found = {v for k, v in document.items() if k in COUNT_FIELDS and v is not None}
        return found.union(*(_counts(v) for v in document.values() if isinstance(v, (dict, list))))
    return set()


def test_a_small_district_is_suppressed_and_left_out_of_its_provinces_total(client, figures):
    page = client.get(reverse("opendata:area", args=[HA_NOI]))
    assert page.status_code == 200
    html = page.content.decode()
    row = html.split("Quận Hoàn Kiếm</a></th>")[1].split("</tr>")[0]
    assert "&lt;10" in row and ">3<" not in row
    assert 'data-figure="first">40<' in html  # Ba Đình's 40 only: 43 − 40 would give Hoàn Kiếm's 3 away
    assert "Số từ 1 đến 9 không được công bố" in html  # the note, in Vietnamese by default

    province = _json(client, HA_NOI)
    districts = {row["code"]: row for row in province["areas"]}
    assert districts[HOAN_KIEM]["people_first_dose"] is None
    assert districts[BA_DINH]["people_first_dose"] == 40
    assert province["totals"]["people_first_dose"] == 40
    assert province["suppression"]["min_cell"] == 10


def test_no_published_figure_can_be_subtracted_to_give_a_suppressed_one(client, figures):
    """Every total is the sum of the shown cells beside it — by area and by vaccine, at every level — so a
    total minus what is shown is 0 and reveals nothing; no page publishes the true 43, 44 or 47 either."""
    national = _json(client)
    province = _json(client, HA_NOI)
    district = _json(client, HA_NOI, BA_DINH)
    for document in (national, province, district):
        for field in ("people_first_dose", "people_fully_vaccinated", "boosters"):
            total = document["totals"][field] or 0
            assert total == sum(row[field] or 0 for row in document["vaccines"]), (document["area"], field)
            if document["areas"]:
                assert total == sum(row[field] or 0 for row in document["areas"]), (document["area"], field)
    assert {row["code"]: row["people_first_dose"] for row in national["areas"]}[HA_NOI] == 40
    assert national["totals"]["people_first_dose"] == 90
    vaccines = {row["code"]: row for row in district["vaccines"]}
    assert vaccines["pfizer"]["people_first_dose"] is None  # Ba Đình's 4 Pfizer doses
    assert district["totals"]["people_first_dose"] == 40 and district["totals"]["people_fully_vaccinated"] == 25
    published = _counts(national) | _counts(province) | _counts(district)
    assert not published & {3, 4, 43, 44, 47, 93, 97}


def test_doses_per_day_suppress_small_days_in_the_chart_and_its_table(client, figures):
    district = _json(client, HA_NOI, BA_DINH)
    days = {row["date"]: row["doses"] for row in district["doses_per_day"]}
    today = timezone.localdate()
    assert days[(today - datetime.timedelta(days=1)).isoformat()] == 25  # 25 + Pfizer's 4: a day of Ba Đình's sites
    assert days[(today - datetime.timedelta(days=2)).isoformat()] == 10
    assert len(days) == 30
    hoan_kiem = _json(client, HA_NOI, HOAN_KIEM)
    assert {row["doses"] for row in hoan_kiem["doses_per_day"]} == {0, None}
    html = client.get(reverse("opendata:area", args=[HA_NOI, HOAN_KIEM])).content.decode()
    assert f"<tr><td>{(today - datetime.timedelta(days=1)):%d/%m/%Y}</td><td>&lt;10</td></tr>" in html
    assert html.count("<rect") == 30


def test_csv_carries_the_date_the_licence_and_the_suppression(client, figures, settings):
    response = client.get(reverse("opendata:area_csv", args=[HA_NOI]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    head, _, body = text.partition("\ntable,")
    assert "CC BY 4.0" in head and timezone.localdate().isoformat() in head
    rows = list(csv.DictReader(io.StringIO("table," + body)))
    by_code = {row["code"]: row for row in rows if row["table"] == "area"}
    assert by_code[str(HOAN_KIEM)]["people_first_dose"] == "<10"
    assert by_code[str(BA_DINH)]["people_first_dose"] == "40"
    assert [row for row in rows if row["table"] == "total"][0]["people_first_dose"] == "40"


def test_json_names_its_date_licence_and_the_next_level(client, figures, settings):
    settings.OPEN_DATA_LICENCE = "Giấy phép dữ liệu mở của Bộ Y tế"
    settings.OPEN_DATA_LICENCE_URL = "https://moh.gov.vn/open-data-licence"
    national = _json(client)
    assert national["licence"] == {"name": "Giấy phép dữ liệu mở của Bộ Y tế",
                                   "url": "https://moh.gov.vn/open-data-licence"}
    assert national["date"] == timezone.localdate().isoformat() and national["as_of"].endswith("+07:00")
    ha_noi = {row["code"]: row for row in national["areas"]}[HA_NOI]
    assert ha_noi["url"].endswith(reverse("opendata:area_json", args=[HA_NOI]))
    assert len(national["areas"]) == 63
    assert ha_noi["coverage_first_dose_pct"] is not None and national["totals"]["population"] > 90_000_000


def test_coverage_against_the_adult_population_where_it_is_known(client, figures, settings):
    from registry.models import AdministrativeUnit

    hue = AdministrativeUnit.objects.get(level="province", code=HUE)
    hue.population = 1000
    hue.save()
    settings.ADULT_POPULATION_SHARE = 0.5
    row = {row["code"]: row for row in _json(client)["areas"]}[HUE]
    assert row["adult_population"] == 500 and row["coverage_first_dose_pct"] == 10.0
    district = _json(client, HA_NOI, BA_DINH)
    assert district["totals"]["coverage_first_dose_pct"] is None  # no district population published yet


def test_the_national_page_has_a_province_map_with_a_legend(client, figures):
    html = client.get(reverse("opendata:area")).content.decode()
    assert html.count('<li class="tile ') == 63
    assert 'href="/open-data/46/"' in html
    assert "Chú giải" in html and "Từ 80% trở lên" in html


def test_unknown_areas_are_404(client, world):
    assert client.get("/open-data/99/").status_code == 404
    assert client.get(reverse("opendata:area_json", args=[HUE, BA_DINH])).status_code == 404  # not in Huế
    assert client.get("/open-data/1/9999/figures.csv").status_code == 404


def test_english_switch(client, figures):
    client.post(reverse("set_language"), {"language": "en", "next": "/open-data/"})
    html = client.get(reverse("opendata:area")).content.decode()
    assert "Vaccination figures: Việt Nam" in html and "People with at least one dose" in html
    assert "Counts from 1 to 9 are not published" in html


def test_cached_for_the_configured_time_and_read_without_the_rollups(client, figures, settings,
                                                                    django_assert_max_num_queries):
    settings.OPEN_DATA_CACHE_SECONDS = 300
    first = _json(client, HA_NOI)
    rollup(figures["site_phuc_xa"], "astrazeneca", 1, 500)
    with django_assert_max_num_queries(0):
        again = _json(client, HA_NOI)
    assert again["totals"]["people_first_dose"] == first["totals"]["people_first_dose"] == 40
    settings.OPEN_DATA_CACHE_SECONDS = 0
    assert _json(client, HA_NOI)["totals"]["people_first_dose"] == 540


def test_figures_still_answer_when_the_cache_is_down(client, figures, settings):
    """Redis refusing connections is not a 500: the figures are computed afresh."""
    settings.CACHES = {"default": {"BACKEND": "registry.cache.ReusingRedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    assert client.get(reverse("opendata:area", args=[HA_NOI])).status_code == 200
    assert _json(client, HA_NOI)["totals"]["people_first_dose"] == 40


def test_the_home_page_links_to_the_open_figures(client, world):
    html = client.get("/").content.decode()
    assert 'href="/open-data/"' in html
    assert client.get(reverse("opendata:api")).status_code == 200


def test_a_cell_with_any_small_count_is_left_out_of_every_measure(client, world):
    """Hoàn Kiếm's AstraZeneca cell has 12 first doses but 2 second: publishing 12 beside all doses (14) would give
    the 2 away, so the whole cell is left out; Huế's 20 + 15 are published."""
    rollup(world["site_phuc_tan"], "astrazeneca", 1, 12)
    rollup(world["site_phuc_tan"], "astrazeneca", 2, 2)
    rollup(world["site_vy_da"], "astrazeneca", 1, 20)
    rollup(world["site_vy_da"], "astrazeneca", 2, 15)
    hoan_kiem = _json(client, HA_NOI, HOAN_KIEM)["totals"]
    assert hoan_kiem["people_first_dose"] is None and hoan_kiem["doses"] is None
    national = _json(client)
    assert national["totals"]["people_first_dose"] == 20 and national["totals"]["doses"] == 35
    assert {row["code"]: row["people_first_dose"] for row in national["areas"]}[HA_NOI] is None


def test_priority_groups_are_counted_from_the_registrations_of_recorded_doses(world, lot, people):
    from opendata.models import PriorityGroupCount
    from opendata.services import priority_counts_refresh
    from vaccination.services.dose_recording import dose_record
    from vaccination.services.reactions import dose_correct

    doses = {}
    for key in ("lan", "minh", "hoa"):
        doses[key], _created = dose_record(
            actor=world["site_staff_phuc_xa"], person_id=people[key]["person"].pk, site_id=world["site_phuc_xa"].pk,
            lot_id=lot.pk, idempotency_key=f"open-{key}", dose_number=1)
    dose_correct(actor=world["site_staff_phuc_xa"], dose_id=doses["hoa"].pk, reason="Ghi nhầm người", void=True)
    priority_counts_refresh()
    counts = {(row.district_code, row.priority_number): (row.first, row.full, row.booster)
              for row in PriorityGroupCount.objects.all()}
    assert counts == {(BA_DINH, 9): (1, 0, 0), (BA_DINH, 1): (1, 0, 0)}
    priority_counts_refresh()  # run twice (beat, a retry): the same rows, not twice as many
    assert PriorityGroupCount.objects.count() == 2


def test_priority_groups_hide_a_second_group_so_the_headline_cannot_isolate_a_small_one(client, world):
    """Ba Đình's 25 AstraZeneca first doses: 12 in group 1, 11 in group 2, 2 in group 9. Hiding the 2 alone
    would leave 25 − 12 − 11 = 2; the next smallest group is hidden with it."""
    from opendata.models import PriorityGroupCount

    rollup(world["site_phuc_xa"], "astrazeneca", 1, 25)
    az = Vaccine.objects.get(code="astrazeneca").pk
    for group, n in ((1, 12), (2, 11), (9, 2)):
        PriorityGroupCount.objects.create(province_code=HA_NOI, district_code=BA_DINH, vaccine_id=az,
                                          priority_number=group, first=n, computed_at=timezone.now())
    document = _json(client, HA_NOI, BA_DINH)
    groups = {row["number"]: row["people_first_dose"] for row in document["priority_groups"]["rows"]}
    assert groups[1] == 12 and groups[2] is None and groups[9] is None and groups[5] == 0
    assert document["totals"]["people_first_dose"] == 25
    html = client.get(reverse("opendata:area", args=[HA_NOI, BA_DINH])).content.decode()
    assert "Đếm theo phiếu đăng ký lúc" in html


def test_a_code_too_big_for_the_database_is_404_not_500(client, world):
    assert client.get(f"/open-data/{10 ** 20}/").status_code == 404
    assert client.get(f"/open-data/1/{10 ** 20}/figures.json").status_code == 404
