"""Parts of every page drawn once per process for what they depend on, with the request's own values put in.

The menu, the language switch and the citizen's links are on every page and took longer to draw than many
pages' own content (each link, translation and form token is a template tag). What they show depends on a few
things only (the language, the permissions, a count), so each is drawn once per such key and kept in a small
dictionary (never shared between processes, emptied when full). What belongs to the request (its form token,
its own address) is drawn as a marker and replaced, escaped, on every page.

Whole pages are drawn the same way where many readers see one page but for a few values: the verification page
for visitors without a session, the dashboard for staff with no message waiting. Their values are put in by name
(`shaped`); what a template branches on is part of the key, so each kind of page is drawn once.
"""
import re

from django.conf import settings
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .html import esc

LIMIT = 512
# Each drawing kept as its text split at the markers: [text, name, text, name, …, text].
_drawn: dict[tuple, list[str]] = {}
_MARKER = re.compile(r"drawn-fill-([a-z0-9_]+)-3b1e")


def fill_marker(name: str) -> str:
    """What the kept drawing holds in place of the request's `name` (letters, digits and underscores: escaping
    keeps it)."""
    return f"drawn-fill-{name}-3b1e"


def drawn(template_name: str, key: tuple, context, fills: dict[str, str] | None = None) -> SafeString:
    """`template_name` drawn with `context` (a dict, or a function returning it, called only to draw) once per `key`
    in this process. `fills` gives this request's value for each marker (`fill_marker(name)`) that the context put
    where the value goes."""
    parts = _drawn.get((template_name, *key))
    if parts is None:
        parts = _MARKER.split(get_template(template_name).render(
            {**(context() if callable(context) else context), **{name: fill_marker(name) for name in fills or {}}}))
        if len(_drawn) >= LIMIT:
            _drawn.clear()
        _drawn[(template_name, *key)] = parts
    if len(parts) == 1:
        return mark_safe(parts[0])
    # Put in at the kept places only, so that a value holding a marker (a visitor's text) is never filled in itself;
    # each value escaped where the page shows it (a result carries values its page does not show).
    fills = fills or {}
    page = parts.copy()
    page[1::2] = [esc(fills[name]) if name in fills else fill_marker(name) for name in parts[1::2]]
    return mark_safe("".join(page))


def shaped(value, name: str, fills: dict, *, literal: frozenset = frozenset()) -> tuple:
    """`value` (dicts and lists of texts, numbers, true/false and None) as its shape and as a copy to draw with, in
    which every text and number shown is a marker named after its place (`name`), its value put in `fills`.
    The shape is what a template can branch on: the keys, how many items, every true/false/None, empty text or zero,
    and the values of the `literal` keys, which a template compares; values of one shape draw alike but for the
    markers."""
    if isinstance(value, dict):
        parts = [(key, (item, item) if key in literal else shaped(item, f"{name}_{index}", fills, literal=literal))
                 for index, (key, item) in enumerate(value.items())]
        return tuple((key, part[0]) for key, part in parts), {key: part[1] for key, part in parts}
    if isinstance(value, list | tuple):
        parts = [shaped(item, f"{name}_{index}", fills, literal=literal) for index, item in enumerate(value)]
        return tuple(part[0] for part in parts), [part[1] for part in parts]
    if value is None or isinstance(value, bool) or value == "" or value == 0:
        return value, value
    fills[name] = value
    return "shown", fill_marker(name)


def form_token(context) -> str:
    """The page's form token as `{% csrf_token %}` reads it ("" where the page has none)."""
    token = str(context.get("csrf_token") or "")
    return "" if token == "NOTPROVIDED" else token


class _DrawnRequest:
    """The request a whole page is drawn for once: its visitor, and its address as a marker filled in on every page."""

    def __init__(self, user):
        self.user = user

    def get_full_path(self) -> str:
        return fill_marker("page_path")


def visitor_without_state(request) -> bool:
    """Nothing of the visitor's own can be on the page: no session (so no account and no messages kept there), no
    message in a cookie, nobody signed in by other means."""
    return (settings.SESSION_COOKIE_NAME not in request.COOKIES and CookieStorage.cookie_name not in request.COOKIES
            and not request.user.is_authenticated)


def _page(request, template_name: str, key: tuple, context, fills: dict, *, user, given: dict) -> SafeString:
    """The page drawn with what the context processors give `user` (`given`, besides the user, no messages and the
    page's address and form token as markers), once per `key` and language; the request's values put in."""
    def drawing() -> dict:
        return {"request": _DrawnRequest(user), "user": user, "messages": (), **given,
                **(context() if callable(context) else context)}

    return drawn(template_name, ("page", get_language(), *key), drawing,
                 fills={"csrf_token": get_token(request), "page_path": request.get_full_path(), **fills})


def drawn_page(request, template_name: str, key: tuple, context, fills: dict[str, str]) -> SafeString:
    """A whole page for a `visitor_without_state`, drawn once per `key` and language in this process; the page's
    address and form token are put in on each request, with `fills`. The caller renders the page for anyone else."""
    return _page(request, template_name, ("anyone", *key), context, fills, user=AnonymousUser(), given={})


def drawn_console_page(request, template_name: str, key: tuple, context, fills: dict, *,
                       serious_open: int) -> SafeString | None:
    """A console page for a staff member, drawn once per `key`, language, set of permissions (the menu) and count of
    serious reactions waiting (the menu's badge), as the context processors give them; None when a message waits
    for them, which the caller's normal render shows."""
    if len(get_messages(request)):
        return None
    user = request.user
    return _page(request, template_name, ("console", frozenset(user.get_all_permissions()), serious_open, *key),
                 context, fills, user=user, given={"serious_open": serious_open, "perms": PermWrapper(user)})


def drawn_citizen_page(request, template_name: str, key: tuple, context, *, unread: int) -> SafeString | None:
    """A page of a signed-in citizen, drawn once per `key` (which says everything the page shows of its data),
    language, account and unread count (the header's badge); None when a message waits for them, which the
    caller's normal render shows."""
    if len(get_messages(request)):
        return None
    user = request.user
    return _page(request, template_name, ("citizen", user.pk, unread, *key), context, {}, user=user,
                 given={"unread_notifications": unread})
