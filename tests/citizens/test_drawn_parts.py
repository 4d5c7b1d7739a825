"""The language switch and the portal's links are drawn once per process (registry/drawn.py): each page still
carries its own address and a form token that works, and each visitor sees their own links and count."""
import re

from django.contrib.auth import get_user_model
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from citizens.models import Person
from citizens.services.messaging import notify
from citizens.templatetags.citizen_nav import citizen_nav
from registry.templatetags.console_menu import language_switch


def _language_form(page: str) -> tuple[str, str]:
    form = page.split('class="language-switch"', 1)[1].split("</form>", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    return re.search(r'name="next" type="hidden" value="([^"]*)"', form).group(1), token


def test_the_language_form_goes_back_to_each_page_with_a_token_that_works(db):
    client = Client(enforce_csrf_checks=True)
    home = client.get(reverse("citizens:home")).content.decode()
    assert _language_form(home)[0] == reverse("citizens:home")
    odd = reverse("citizens:signin") + '?next=/a&b="<x>'
    back, token = _language_form(client.get(odd).content.decode())
    assert back == reverse("citizens:signin") + "?next=/a&amp;b=%22%3Cx%3E"  # its own address, escaped
    answer = client.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert "Electronic health book" in client.get(reverse("citizens:home")).content.decode()  # now in English


def test_the_kept_drawings_are_what_the_templates_draw(rf):
    request = rf.get("/a?b=c")
    request.user = get_user_model()(username="x", is_staff=False)
    with translation.override("en"):
        for _ in range(2):  # drawn, then from the kept drawing
            assert language_switch({"request": request, "csrf_token": "tok-1"}) == get_template(
                "partials/language_switch.html").render({"csrf_token": "tok-1", "next_path": "/a?b=c"})
            assert language_switch({"request": request, "csrf_token": "NOTPROVIDED"}) == get_template(
                "partials/language_switch.html").render({"csrf_token": "", "next_path": "/a?b=c"})
            assert citizen_nav({"user": request.user, "csrf_token": "tok-2", "unread_notifications": 3}) == \
                get_template("citizens/partials/nav.html").render(
                    {"citizen": True, "csrf_token": "tok-2", "unread_notifications": 3})


def test_each_citizen_sees_their_own_links_count_and_sign_out_token(signed_up, db):
    notify(person=Person.objects.get(account__phone="+84912345678"), title="Lịch tiêm")
    page = signed_up.get(reverse("citizens:book")).content.decode()
    assert re.search(r'class="badge"[^>]*>1</span>', page) and reverse("citizens:signout") in page
    stranger = Client()
    anonymous = stranger.get(reverse("citizens:home")).content.decode()
    assert reverse("citizens:signout") not in anonymous and 'class="badge"' not in anonymous
    assert reverse("citizens:signin") in anonymous
    token = re.search(r'action="%s" method="post" class="inline"><input type="hidden" name="csrfmiddlewaretoken" '
                      r'value="([^"]+)"' % re.escape(reverse("citizens:signout")), page).group(1)
    signed_up.handler.enforce_csrf_checks = True
    assert signed_up.post(reverse("citizens:signout"), {"csrfmiddlewaretoken": token}).status_code == 302
