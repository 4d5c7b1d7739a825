"""The axe-core hook itself: it checks each document a journey acts on, and it sees what a person cannot read.

The link-style buttons ("Gửi lại mã", "Xếp lịch", "Không đến", "Hủy đăng ký tiêm"…) are drawn with the portal's own
stylesheet on the backgrounds they sit on: a card, a table row, the light green appointment box.
"""
import pytest

from . import axe

pytestmark = [pytest.mark.e2e]

LINK_BUTTONS = """<!doctype html><html lang="vi"><head><title>Nút dạng liên kết</title>
<link rel="stylesheet" href="{static}css/site.css"></head><body><main>
<h1>Nút dạng liên kết</h1>
<section class="card"><form><button type="button" class="link">Gửi lại mã</button>
<button type="button" class="link">Tạo mã mới</button></form></section>
<table><tbody><tr><td><button type="button" class="link">Xếp lịch</button></td>
<td><button type="button" class="link">Không đến</button></td></tr></tbody></table>
<div class="appointment"><p><a class="link" href="#">Hủy lịch hẹn này</a></p></div>
<p><a class="link" href="#">Hủy đăng ký tiêm</a></p>
</main></body></html>"""


def _serve(page, html: str) -> None:
    page.route("http://axe.test/**", lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))


def test_link_style_buttons_are_readable_where_they_sit(live_server, page):
    # The page is served as if from the portal, so the portal's real stylesheet loads beside it.
    url = live_server.url + "/axe-test/"
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                                body=LINK_BUTTONS.format(static="/static/")))
    page.goto(url)
    axe.check(page)
    assert axe.checked_urls[-1] == url
    assert axe.violations == []
    for name in ("Gửi lại mã", "Xếp lịch", "Không đến"):
        colour = page.get_by_role("button", name=name).evaluate("b => getComputedStyle(b).color")
        assert colour == "rgb(8, 76, 55)", name  # the portal's link colour (--brand-dark), from its stylesheet


def test_the_hook_reports_invisible_text_and_checks_each_new_document(page):
    _serve(page, """<!doctype html><html lang="vi"><head><title>Trắng trên trắng</title>
    <link rel="stylesheet" href="/white.css"></head><body><main><h1>Trắng trên trắng</h1>
    <button type="button" class="ghost">Gửi lại mã</button><a href="/next">Tiếp</a></main></body></html>""")
    page.route("http://axe.test/white.css", lambda route: route.fulfill(
        status=200, content_type="text/css", body=".ghost { color: #fff; background: none; border: 0; }"))
    page.route("http://axe.test/next", lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=(
        '<!doctype html><html lang="vi"><head><title>Tiếp</title></head><body><main><h1>Tiếp</h1>'
        '<p>Trang sạch.</p></main></body></html>')))
    page.goto("http://axe.test/")
    before = len(axe.checked_urls)
    page.get_by_role("link", name="Tiếp").click()  # acting on a page checks it first
    assert axe.checked_urls[before:] == ["http://axe.test/"]
    found, axe.violations[:] = list(axe.violations), []
    assert len(found) == 1 and "[serious] color-contrast" in found[0] and "Gửi lại mã" in found[0]
    page.reload()  # the new document is checked in its turn: it is clean
    assert axe.checked_urls[before:] == ["http://axe.test/", "http://axe.test/next"] and axe.violations == []
