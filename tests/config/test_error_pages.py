"""Outside DEBUG, errors show the portal's own pages in the person's language, never Django's or a traceback."""
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ENGLISH = {settings.LANGUAGE_COOKIE_NAME: "en"}


def _page(client, url, status, *, english=False, **extra):
    if english:
        client.cookies.load(ENGLISH)
    response = client.get(url, **extra)
    assert response.status_code == status
    page = response.content.decode()
    assert f'<html lang="{"en" if english else "vi"}">' in page
    assert 'href="/static/css/site.css"' in page
    return page


def test_missing_page_in_vietnamese(client, db):
    page = _page(client, "/khong-co-trang-nay/", 404)
    assert "Không tìm thấy trang" in page
    assert "Về trang chủ" in page


def test_missing_page_in_english(client, db):
    page = _page(client, "/no-such-page/", 404, english=True)
    assert "Page not found" in page
    assert "Not Found" not in page  # Django's own page says "Not Found"


def test_console_object_out_of_reach_gets_the_same_page(world, console_client):
    client = console_client(world["district_ba_dinh"])
    page = _page(client, reverse("console:facility_detail", args=[world["site_vy_da"].pk]), 404)
    assert "Không tìm thấy trang" in page


@pytest.mark.urls("tests.config.error_urls")
@pytest.mark.parametrize("english", [False, True])
def test_server_error_page(client, db, english):
    client.raise_request_exception = False
    page = _page(client, "/failing/500/", 500, english=english)
    if english:
        assert "Something went wrong" in page
        assert "call the hotline 1900 9095" in page
    else:
        assert "Đã xảy ra lỗi" in page
        assert "gọi đường dây nóng 1900 9095" in page
    assert "RuntimeError" not in page and "a fault the person must not see" not in page


@pytest.mark.urls("tests.config.error_urls")
def test_forbidden_page(client, db):
    page = _page(client, "/failing/403/", 403)
    assert "Không có quyền truy cập" in page
    page = _page(client, "/failing/403/", 403, english=True)
    assert "Access denied" in page


@pytest.mark.urls("tests.config.error_urls")
def test_bad_request_page(client, db):
    page = _page(client, "/failing/400/", 400)
    assert "Yêu cầu không hợp lệ" in page
    assert "a malformed request" not in page
    page = _page(client, "/failing/400/", 400, english=True)
    assert "Bad request" in page


def test_expired_form_page(db):
    """A form sent without its CSRF token (a page left open past its session, cookies blocked) explains itself."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in page
    assert "tải lại trang" in page
    assert "CSRF" not in page
