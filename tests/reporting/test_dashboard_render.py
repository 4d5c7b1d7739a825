"""The dashboard at national scale: its long tables are built once per row, every value still escaped, and the
page reads each figure in as few queries as the figures need."""
import datetime

from django.urls import reverse
from django.utils import timezone

from reporting.models import DoseDaily
from tests import factories as f
from tests.conftest import TRUC_BACH
from tests.vaccination.conftest import lot  # noqa: F401 - fixture
from vaccination.models import Lot

Level = f.Level


def _doses(site, vaccine, *, days: int, per_day: int):
    today = timezone.localdate()
    DoseDaily.objects.bulk_create([
        DoseDaily(day=today - datetime.timedelta(days=d), site=site, province_code=site.unit.province_code,
                  district_code=site.unit.district_code, vaccine=vaccine, dose_number=1 + d % 2,
                  completes_series=d % 2 == 1, count=per_day, folded=True) for d in range(days)])


def test_national_page_in_bounded_queries_with_right_figures(world, console_client, django_assert_max_num_queries):
    from registry.models import Vaccine

    vaccine = Vaccine.objects.get(code="astrazeneca")
    _doses(world["site_phuc_xa"], vaccine, days=40, per_day=1234)
    client = console_client(world["national"])
    client.get(reverse("reporting:dashboard"))
    # session, user, device, role, 2 × permissions, then the figures: per day, breakdown, provinces, totals,
    # stages, province names, stock, pace, reactions, serious reactions on the console header
    with django_assert_max_num_queries(16):
        page = client.get(reverse("reporting:dashboard")).content.decode()
    assert 'data-figure="total">49.360<' in page and 'data-figure="today">1.234<' in page
    # Hà Nội's row: 20 first doses a day × 1234, 20 completing doses, no boosters, all 49,360
    row = page.split('<a href="?province=1">Thành phố Hà Nội</a></td>')[1].split("</tr>")[0]
    assert row.startswith("<td>24.680") and row.endswith("<td>0</td><td>49.360</td>")
    assert page.count("<rect ") == 30 and f"<title>{timezone.localdate():%d/%m}: 1.234</title>" in page


def test_names_are_escaped_in_rows_built_in_python(world, console_client, lot):  # noqa: F811
    site = f.site(TRUC_BACH, code="xss")
    site.name = '<script>alert("x")</script>'
    site.save()
    _doses(site, Lot.objects.get(pk=lot.pk).vaccine, days=1, per_day=5)
    client = console_client(world["national"])
    page = client.get(reverse("reporting:dashboard"), {"province": 1, "district": 1}).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page and "<script>alert" not in page
