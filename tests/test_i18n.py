"""Vietnamese by default, English on request, and the choice sticks."""
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


def test_home_is_vietnamese_by_default(client, db):
    page = client.get("/").content.decode()
    assert 'lang="vi"' in page
    assert "Đăng ký tiêm chủng" in page or "đăng ký tiêm" in page.lower()
    assert "Register for vaccination" not in page


def test_english_switch_sticks(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page and "Register for vaccination" in page
    assert client.get(reverse("console:login")).content.decode().count("Staff sign-in") >= 1
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert 'lang="vi"' in client.get("/").content.decode()


def test_console_login_in_vietnamese(client, db):
    page = client.get(reverse("console:login")).content.decode()
    assert "Tên đăng nhập" in page and "Mật khẩu" in page


def test_compiled_catalogues_are_committed():
    for language in ("vi", "en"):
        assert (ROOT / "locale" / language / "LC_MESSAGES" / "django.mo").stat().st_size > 0


def test_english_browser_still_gets_vietnamese_until_it_chooses(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in page
