"""The pages a rush of new visitors opens first (home, sign-up, sign-in) are drawn once per language for visitors
without a session (registry/drawn.py): the same pages the templates draw, with a form token that works."""
import re

from django.test import Client
from django.urls import reverse

from registry.drawn import _drawn
from tests.drawn_pages import drawn_and_rendered


def test_the_drawn_pages_are_what_the_templates_draw(db):
    signin = reverse("citizens:signin")
    pages = [reverse("citizens:home"), reverse("citizens:signup"), signin, signin + "?next=/people/1/",
             signin + '?next="><script>x</script>', signin + "?next=https://elsewhere.example/"]
    for _ in range(2):  # drawn, then from the kept drawing
        for path in pages:
            drawn, rendered = drawn_and_rendered("GET", path)
            assert drawn == rendered, path
    for template in ("citizens/home.html", "citizens/signup.html", "citizens/signin.html"):
        assert any(key[:2] == (template, "page") for key in _drawn), template


def test_the_sign_in_page_goes_back_where_it_was_asked_from_and_only_there(db):
    signin = reverse("citizens:signin")
    page = Client().get(signin + "?next=/people/1/").content.decode()
    assert '<input type="hidden" name="next" value="/people/1/">' in page
    elsewhere = Client().get(signin + "?next=https://elsewhere.example/").content.decode()
    assert '<input type="hidden" name="next" value="">' in elsewhere


def test_a_sign_up_from_the_drawn_page_carries_a_token_that_works(db):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("citizens:signup")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = client.post(reverse("citizens:signup"), {"full_name": "Nguyễn Văn Mới", "phone": "0912300999",
                                                      "csrfmiddlewaretoken": token})
    assert answer.status_code == 302 and answer["Location"] == reverse("citizens:signup_verify")
