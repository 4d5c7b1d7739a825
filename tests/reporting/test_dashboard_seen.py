"""What an officer reads on the dashboard: distinct words for severe and serious reactions, days of supply that
mean something, and a coverage map with every province labelled, coloured on a stated scale and linked."""
import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reporting import tilemap
from registry.models import AdministrativeUnit, Vaccine
from reporting.models import DoseDaily, ReactionDaily
from tests import factories as f
from tests.vaccination.conftest import lot  # noqa: F401 - fixture

Level = f.Level


def _section(page: str, heading: str) -> str:
    return page.split(f"<h2>{heading}</h2>")[1].split("</section>")[0]


def _dashboard(console_client, user, **query) -> str:
    return console_client(user).get(reverse("reporting:dashboard"), query).content.decode()


def test_severe_and_serious_reactions_have_different_words(world, console_client):
    district = f.unit(Level.DISTRICT, 1)
    ReactionDaily.objects.create(day=timezone.localdate(), district=district, province_code=1, severity="severe",
                                 serious=True, count=2, folded=True)
    ReactionDaily.objects.create(day=timezone.localdate(), district=district, province_code=1, severity="mild",
                                 count=5, folded=True)
    card = _section(_dashboard(console_client, world["national"]), "Phản ứng sau tiêm")
    labels = re.findall(r"<li>([^<:]+):", card)
    assert labels == ["Nhẹ", "Trung bình", "Nặng", "Nghiêm trọng"]
    assert "Nặng: <strong>2</strong>" in card and "Nghiêm trọng: <strong>2</strong>" in card


def _days_of_supply(page: str) -> str:
    card = _section(page, "Tồn kho và số ngày đủ dùng")
    return re.search(r"<tbody><tr><td>[^<]+</td><td>[^<]+</td><td>([^<]+)</td>", card).group(1)


def _used(site, vaccine, per_day: int, days: int = 7):
    today = timezone.localdate()
    DoseDaily.objects.bulk_create([
        DoseDaily(day=today - datetime.timedelta(days=d), site=site, province_code=site.unit.province_code,
                  district_code=site.unit.district_code, vaccine=vaccine, dose_number=1, count=per_day, folded=True)
        for d in range(days)])


def test_days_of_supply_when_nothing_was_used_says_so(world, console_client, lot):  # noqa: F811
    assert _days_of_supply(_dashboard(console_client, world["national"])) == "Chưa dùng trong 7 ngày qua"


def test_days_of_supply_past_a_year_is_not_a_five_digit_count(world, console_client, lot):  # noqa: F811
    _used(world["site_phuc_xa"], lot.vaccine, per_day=1, days=1)  # 10,000 in stock, one dose in the week
    assert _days_of_supply(_dashboard(console_client, world["national"])) == "Hơn một năm"


def test_days_of_supply_at_a_real_pace(world, console_client, lot):  # noqa: F811
    _used(world["site_phuc_xa"], lot.vaccine, per_day=100)  # 10,000 in stock at 100 a day
    assert _days_of_supply(_dashboard(console_client, world["national"])) == "100"


def test_the_map_labels_colours_and_links_every_province(world, console_client):
    site = world["site_phuc_xa"]
    adults = int(f.unit(Level.PROVINCE, 1).population * settings.ADULT_POPULATION_SHARE)
    DoseDaily.objects.create(day=timezone.localdate(), site=site, province_code=1, district_code=1,
                             vaccine=Vaccine.objects.get(code="astrazeneca"), dose_number=1,
                             count=int(adults * 0.65), folded=True)
    page = _dashboard(console_client, world["national"])
    tiles = re.findall(r'<li class="tile r-(\d+) c-(\d+) step-(\w+)"><a href="\?province=(\d+)" title="([^"]+)">'
                       r'<span class="tile-name">([^<]+)</span> <span class="tile-figure">([^<]+)</span></a></li>', page)
    assert len(tiles) == 63 and len({(row, column) for row, column, *_ in tiles}) == 63
    by_code = {int(code): (step, title, name, figure) for _r, _c, step, code, title, name, figure in tiles}
    assert by_code[1] == ("3", "Thành phố Hà Nội: 65,0% đã tiêm ít nhất 1 mũi, 0,0% đã tiêm đủ liều cơ bản",
                          "Hà Nội", "65%")
    assert by_code[79][2] == "TP. HCM" and by_code[46][2] == "Huế" and by_code[96] == (
        "0", by_code[96][1], "Cà Mau", "0%")
    legend = page.split('<ul class="legend">')[1].split("</ul>")[0]
    assert re.findall(r'class="swatch (step-\w+)"></span> ([^<]+)</li>', legend) == [
        ("step-0", "0–19%"), ("step-1", "20–39%"), ("step-2", "40–59%"), ("step-3", "60–79%"),
        ("step-4", "Từ 80% trở lên"), ("step-none", "Chưa có số liệu dân số")]
    assert 'aria-hidden="true"' not in page.split('class="tile-map"')[0][-200:]  # the map is not hidden


@pytest.mark.parametrize("percent, step", [(None, None), (0, 0), (19.9, 0), (20, 1), (59.99, 2), (60, 3),
                                           (80, 4), (131.2, 4)])
def test_scale_steps(percent, step):
    assert tilemap.step_of(percent) == step


def test_every_province_has_a_place_on_the_grid(db):
    codes = set(AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("code", flat=True))
    assert set(tilemap.POSITIONS) == codes and len(set(tilemap.POSITIONS.values())) == 63


def test_the_report_period_is_filled_in_whatever_the_language(world, console_client):
    """A date input only takes yyyy-mm-dd; a value written dd/mm/yyyy leaves it empty and the download refuses."""
    page = _dashboard(console_client, world["national"])
    today = timezone.localdate()
    assert f'value="{today:%Y-%m-%d}"' in page and f'value="{today - datetime.timedelta(days=6):%Y-%m-%d}"' in page
