"""Comparing a page drawn once (registry/drawn.py) with the page the templates draw for the same visitor."""
import re

from django.conf import settings
from django.test import Client


def tokens_as_one(page: str) -> str:
    """Each form token is masked anew on every request: the same for the comparison."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="T"', page)


def drawn_and_rendered(method: str, path: str, data=None) -> tuple[str, str]:
    """The page for a visitor without state (drawn), and for one whose session holds nothing (rendered)."""
    drawn, rendered = Client(), Client()
    rendered.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    pages = []
    for client in (drawn, rendered):
        response = client.get(path) if method == "GET" else client.post(path, data)
        assert response.status_code == 200, (path, response.status_code)
        pages.append(tokens_as_one(response.content.decode()))
    return pages[0], pages[1]
