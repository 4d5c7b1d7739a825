"""The dashboard around its kept figures is drawn once per shape, menu and language (registry/drawn.py): each
officer's page is the page the templates draw for them, with their own area, counts, address and form token."""
import re

from django.test import Client
from django.urls import reverse

from registry.drawn import _drawn
from tests.drawn_pages import MESSAGES, tokens_as_one, with_a_message
from tests.reporting.test_dashboard import facts  # noqa: F401
from tests.vaccination.conftest import department, lot, people  # noqa: F401

DASHBOARD = reverse("reporting:dashboard")
def test_each_officers_page_is_what_the_templates_draw_for_them(facts, world, console_client, rf):  # noqa: F811
    for officer, query in [("national", ""), ("national", "?sort=doses"), ("national", "?province=1"),
                           ("province_ha_noi", ""), ("district_ba_dinh", "")]:
        client = console_client(world[officer])
        pages = [tokens_as_one(client.get(DASHBOARD + query).content.decode()) for _ in range(2)]
        assert pages[0] == pages[1]  # drawn, then from the kept drawing
        with_a_message(rf, client)
        rendered = client.get(DASHBOARD + query).content.decode()
        assert "Đã lưu." in rendered  # the normal render, which shows the message
        assert MESSAGES.sub("", tokens_as_one(rendered)) == MESSAGES.sub("", pages[0]), (officer, query)
        client.logout()
    assert any(key[:3] == ("reporting/dashboard.html", "page", "vi") for key in _drawn)


def test_the_counts_and_the_sign_out_token_are_each_officers_own(facts, world, console_client):  # noqa: F811
    province = console_client(world["province_ha_noi"])
    page = province.get(DASHBOARD).content.decode()
    waiting = re.search(r"Chờ duyệt <strong>(\d+)</strong>", page).group(1)
    assert "Hà Nội" in page.split("<title>")[1].split("</title>")[0]
    assert int(waiting) == facts_waiting(1)
    token = re.search(r'action="%s" method="post" class="inline"><input type="hidden" name="csrfmiddlewaretoken" '
                      r'value="([^"]+)"' % re.escape(reverse("console:logout")), page).group(1)
    province.handler.enforce_csrf_checks = True
    assert province.post(reverse("console:logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert province.get(DASHBOARD).status_code == 302  # signed out: back to the sign-in page


def facts_waiting(province_code: int) -> int:
    from vaccination.models import Registration

    return Registration.objects.filter(status="submitted", province_code=province_code).count()
