"""Comparing a page drawn once (registry/drawn.py) with the page the templates draw for the same visitor."""
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client

# The messages a normal render shows, which a drawn page never holds: taken out to compare the two.
MESSAGES = re.compile(r'\s*<div role="status"><ul class="messages">.*?</ul></div>', re.S)


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


def with_a_message(rf, client: Client) -> None:
    """A message waiting for the visitor (as after an action), which the next page shows once: a page with a message
    is rendered, never drawn."""
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.SUCCESS, "Đã lưu.")
    response = HttpResponse()
    storage.update(response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[CookieStorage.cookie_name].value
