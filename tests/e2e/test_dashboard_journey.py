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


def test_dashboard_read_on_a_desktop_and_on_a_phone(live_server, browser, page):
    """Every column of the stages table shows whole on a desktop; the map is labelled, coloured on a stated scale,
    linked to each province and fits a phone; severe and serious reactions are told apart."""
    load_reference_data()
    seed_demo()
    seed_vaccination_demo()  # Trần Văn Minh's registration waits for approval; the doses were a month ago and more
    url = live_server.url
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    staff_sign_in(desktop, url, "quocgia", DEMO_PASSWORD)
    desktop.goto(url + "/console/reporting/")

    stages = desktop.locator("section", has=desktop.get_by_role("heading", name="Đăng ký đang chờ theo từng bước"))
    assert stages.locator(".table-wrap").evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth")
    last = stages.get_by_role("columnheader", name="Không đến")
    assert last.evaluate("th => th.scrollWidth <= th.clientWidth && th.getBoundingClientRect().right"
                         " <= th.closest('.table-wrap').getBoundingClientRect().right")
    reactions = desktop.locator("section", has=desktop.get_by_role("heading", name="Phản ứng sau tiêm")).inner_text()
    assert "Nặng: 0" in reactions and "Nghiêm trọng: 0" in reactions
    stock = desktop.locator("section", has=desktop.get_by_role("heading", name="Tồn kho và số ngày đủ dùng"))
    assert "Chưa dùng trong 7 ngày qua" in stock.inner_text()

    tiles = desktop.locator(".tile-map li")
    assert tiles.count() == 63
    assert desktop.locator(".tile-map").get_by_role("link", name="Hà Nội 0%").count() == 1
    assert "Từ 80% trở lên" in desktop.locator(".legend").inner_text()
    desktop.locator(".tile-map").get_by_role("link", name="Huế", exact=False).click()
    desktop.get_by_role("heading", name="Bảng điều hành: Thành phố Huế").wait_for()
    # The same officer on a phone, 390 px wide, in the same session (an authenticator code is good only once).
    page.context.add_cookies(desktop.context.cookies())
    desktop.context.close()
    page.goto(url + "/console/reporting/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # each tile's name and figure fit inside it, in text no smaller than 10 px
    overflowing = page.locator(".tile-map a").evaluate_all(
        "links => links.filter(a => a.scrollWidth > a.clientWidth + 1 || a.scrollHeight > a.clientHeight + 1"
        " || parseFloat(getComputedStyle(a).fontSize) < 10).map(a => a.textContent)")
    assert overflowing == []
    split_words = page.locator(".tile-map .tile-name").evaluate_all("""names => names.filter(name => {
        const text = name.firstChild;
        let start = 0;
        return text.data.split(" ").some(word => {
          const range = document.createRange();
          range.setStart(text, start);
          range.setEnd(text, start + word.length);
          start += word.length + 1;
          return range.getClientRects().length > 1;  // the word was broken across two lines
        });
      }).map(name => name.textContent)""")
    assert split_words == []
    page.locator(".tile-map").get_by_role("link", name="TP. HCM", exact=False).click()
    page.get_by_role("heading", name="Bảng điều hành: Thành phố Hồ Chí Minh").wait_for()
