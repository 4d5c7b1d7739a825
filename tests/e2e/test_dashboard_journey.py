"""The national officer opens the dashboard, drills down to a province and a district, and downloads the report."""


import pytest
from openpyxl import load_workbook

from citizens.demo import DEMO_PASSWORD, seed_demo
from registry.reference_data import load_reference_data
from tests.e2e.conftest import staff_sign_in
from vaccination.demo import seed_vaccination_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_national_dashboard_drill_down_and_report(live_server, page, tmp_path):
    load_reference_data()
    seed_demo()
    seed_vaccination_demo()  # Phạm Văn Đức's two doses at Phúc Xá, Ba Đình
    url = live_server.url
    staff_sign_in(page, url, "quocgia", DEMO_PASSWORD)
    page.get_by_role("link", name="Bảng điều hành").first.click()
    page.get_by_role("heading", name="Bảng điều hành: Việt Nam").wait_for()
    assert page.locator('[data-figure="total"]').inner_text() == "2"
    assert page.locator("svg.chart rect").count() == 30
    page.locator("table.breakdown").get_by_role("link", name="Thành phố Hà Nội").click()
    page.get_by_role("heading", name="Bảng điều hành: Thành phố Hà Nội").wait_for()
    page.locator("table.breakdown").get_by_role("link", name="Quận Ba Đình").click()
    page.get_by_role("heading", name="Bảng điều hành: Quận Ba Đình").wait_for()
    assert "Trạm Y tế Phường Phúc Xá" in page.locator("table.breakdown").inner_text()
    page.get_by_label("Từ ngày").fill("2000-01-01")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải về (xlsx)").click()
    target = tmp_path / "report.xlsx"
    download_info.value.save_as(target)
    rows = list(load_workbook(target).active.iter_rows(min_row=2, values_only=True))
    assert sum(r[4] for r in rows) == 2 and {r[1] for r in rows} == {"Trạm Y tế Phường Phúc Xá"}
