"""Every response carries a strict Content-Security-Policy and the other security headers; templates hold no
inline script or style that the policy would block."""
import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.config.test_production import PRODUCTION
from tests.config.test_production import production_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("url", ["/", "/console/login/", "/khong-co-trang-nay/"])
def test_pages_carry_a_policy_without_inline_script_or_style(client, db, url):
    response = client.get(url)
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_security_headers(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Server" not in response


def test_https_redirect_spares_the_health_check(client, db, settings):
    """As in production: plain HTTP is sent to HTTPS, except the load balancer's health probe."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    [exempt] = production_settings("SECURE_REDIRECT_EXEMPT", **PRODUCTION)
    settings.SECURE_REDIRECT_EXEMPT = ast.literal_eval(exempt)

    plain = client.get("/", HTTP_HOST="tiemchung.example.vn")
    assert plain.status_code == 301
    assert plain["Location"] == "https://tiemchung.example.vn/"
    assert client.get(reverse("health")).status_code == 200
    secure = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


INLINE = [
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<[^>]*\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"""(href|action|src)\s*=\s*["']?\s*javascript:""", re.I), "javascript: URL"),
]


def _inline(text: str) -> list[str]:
    found = []
    for pattern, what in INLINE:
        for match in pattern.finditer(text):
            found.append(f"{text.count(chr(10), 0, match.start()) + 1}: {what}: {match.group(0)[:80]}")
    return found


def test_templates_hold_no_inline_script_or_style():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        found += [f"{path.relative_to(TEMPLATES)}:{where}" for where in _inline(path.read_text(encoding="utf-8"))]
    assert not found, "the Content-Security-Policy blocks these:\n" + "\n".join(found)


@pytest.mark.parametrize("url", ["/", "/signin/", "/signup/", "/console/login/", "/admin/login/", "/no-such-page/"])
def test_rendered_pages_hold_no_inline_script_or_style(client, db, url):
    """Also what Python code and installed apps render (widgets, the admin), which the template scan cannot see."""
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert not _inline(response.content.decode())


@pytest.mark.parametrize("percent, shade", [(None, 0), (0, 0), (4.9, 0), (5.1, 1), (54.6, 5), (100, 10), (131.2, 10)])
def test_province_map_shades_without_style_attributes(percent, shade):
    """The coverage map colours each province by a class, one per tenth; above 100 % (children too) stays darkest."""
    from reporting.templatetags.humanize_vn import shade as shade_of

    assert shade_of(percent) == shade
