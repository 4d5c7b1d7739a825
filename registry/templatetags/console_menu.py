"""The console's menu, drawn once per language, set of permissions and alert count in each process.

Every console page shows it, and its sixteen links, permission checks and translations took longer to draw than
many pages' own content. What it shows depends on nothing else, so the drawn menu is kept in a small dictionary
(never shared between processes, emptied when full) under exactly those three things.
"""
from django import template
from django.contrib.auth.context_processors import PermWrapper
from django.template.loader import get_template
from django.utils.translation import get_language

register = template.Library()
DRAWN_LIMIT = 512
_drawn: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def console_menu(context) -> str:
    user, serious_open = context["user"], context.get("serious_open") or 0
    key = (get_language(), frozenset(user.get_all_permissions()), serious_open)
    html = _drawn.get(key)
    if html is None:
        html = get_template("registry/partials/console_menu.html").render(
            {"perms": PermWrapper(user), "serious_open": serious_open})
        if len(_drawn) >= DRAWN_LIMIT:
            _drawn.clear()
        _drawn[key] = html
    return html
