"""Parts of every page drawn once per process for what they depend on, with the request's own values put in.

The menu, the language switch and the citizen's links are on every page and took longer to draw than many
pages' own content (each link, translation and form token is a template tag). What they show depends on a few
things only (the language, the permissions, a count), so each is drawn once per such key and kept in a small
dictionary (never shared between processes, emptied when full). What belongs to the request (its form token,
its own address) is drawn as a marker and replaced, escaped, on every page.
"""
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from .html import esc

LIMIT = 512
_drawn: dict[tuple, str] = {}


def fill_marker(name: str) -> str:
    """What the kept drawing holds in place of the request's `name` (letters and dashes: escaping keeps it)."""
    return f"drawn-fill-{name}-3b1e"


def drawn(template_name: str, key: tuple, context: dict, fills: dict[str, str] | None = None) -> SafeString:
    """`template_name` drawn with `context` once per `key` in this process. `fills` gives this request's value for
    each marker (`fill_marker(name)`) that the context put where the value goes."""
    html = _drawn.get((template_name, *key))
    if html is None:
        html = get_template(template_name).render(
            {**context, **{name: fill_marker(name) for name in fills or {}}})
        if len(_drawn) >= LIMIT:
            _drawn.clear()
        _drawn[(template_name, *key)] = html
    for name, value in (fills or {}).items():
        html = html.replace(fill_marker(name), esc(value))
    return mark_safe(html)


def form_token(context) -> str:
    """The page's form token as `{% csrf_token %}` reads it ("" where the page has none)."""
    token = str(context.get("csrf_token") or "")
    return "" if token == "NOTPROVIDED" else token
