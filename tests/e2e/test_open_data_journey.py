"""The public portal on a phone: from the home page to the open figures of the nation, a province and a district,
without signing in; small counts suppressed; the CSV download; the English switch."""
import csv
import io

import pytest
from django.utils import timezone

from registry.models import AdministrativeUnit, Facility, Vaccine
from registry.reference_data import load_reference_data
from reporting.models import DoseDaily

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _rollup(ward_code: int, vaccine: str, dose_number: int, count: int) -> None:
    ward = AdministrativeUnit.objects.get(level="ward", code=ward_code)
    site, _created = Facility.objects.get_or_create(
        kind=Facility.Kind.SITE, code=f"site-{ward_code}", defaults={"name": f"Trạm Y tế {ward.name}", "unit": ward})
    vaccine = Vaccine.objects.get(code=vaccine)
    DoseDaily.objects.create(day=timezone.localdate(), site=site, province_code=ward.province_code,
                             district_code=ward.district_code, vaccine=vaccine, dose_number=dose_number,
                             completes_series=dose_number == vaccine.doses_in_series, count=count, folded=True)


def test_the_public_portal_on_a_phone(live_server, page, tmp_path):
    load_reference_data()
    _rollup(1, "astrazeneca", 1, 1200)  # Phúc Xá, Ba Đình, Hà Nội
    _rollup(1, "astrazeneca", 2, 800)
    _rollup(37, "astrazeneca", 1, 4)  # Phúc Tân, Hoàn Kiếm: too few to publish
    _rollup(19777, "pfizer", 1, 500)  # Vỹ Dạ, Huế
    url = live_server.url

    page.goto(url + "/")
    page.get_by_role("link", name="Số liệu tiêm chủng cho mọi người").click()
    page.get_by_role("heading", name="Số liệu tiêm chủng: Việt Nam").wait_for()
    assert page.locator('[data-figure="first"]').inner_text() == "1.700"
    assert page.locator('[data-figure="full"]').inner_text() == "800"
    assert page.locator("svg.chart rect").count() == 30
    assert page.locator(".tile-map li").count() == 63
    assert page.get_by_role("heading", name="Chú giải").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "wider than the phone"

    page.locator(".tile-map").get_by_role("link", name="Hà Nội").click()
    page.get_by_role("heading", name="Số liệu tiêm chủng: Thành phố Hà Nội").wait_for()
    hoan_kiem = page.locator("table.open-areas tr", has_text="Quận Hoàn Kiếm")
    assert "<10" in hoan_kiem.inner_text()
    assert page.locator('[data-figure="first"]').inner_text() == "1.200"  # 1.204 would give Hoàn Kiếm's 4 away
    assert "Số từ 1 đến 9 không được công bố" in page.locator(".suppression-note").inner_text()

    page.locator("table.open-areas").get_by_role("link", name="Quận Ba Đình").click()
    page.get_by_role("heading", name="Số liệu tiêm chủng: Quận Ba Đình").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "wider than the phone"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về (CSV)").click()
    target = tmp_path / "ba-dinh.csv"
    download_info.value.save_as(target)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("# ") and "CC BY 4.0" in lines[1]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[2:]))))
    assert rows[0]["table"] == "total" and rows[0]["people_first_dose"] == "1200"

    page.get_by_label("Ngôn ngữ").select_option("en")
    page.get_by_role("button", name="Đổi").click()
    page.get_by_role("heading", name="Vaccination figures: Quận Ba Đình").wait_for()
    page.get_by_role("link", name="Open data (JSON)").click()
    assert '"people_first_dose": 1200' in page.content()
