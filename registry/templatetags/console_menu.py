"""The console's menu, drawn once per language, set of permissions and alert count in each process (registry/drawn.py)."""
from django import template
from django.contrib.auth.context_processors import PermWrapper
from django.utils.translation import get_language

from registry.drawn import drawn, form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def console_menu(context) -> str:
    user, serious_open = context["user"], context.get("serious_open") or 0
    return drawn("registry/partials/console_menu.html", (get_language(), frozenset(user.get_all_permissions()),
                                                         serious_open),
                 {"perms": PermWrapper(user), "serious_open": serious_open})


@register.simple_tag(takes_context=True)
def language_switch(context) -> str:
    """The language form of every page: the same for everyone in a language but for the form token and the page's
    own address, which it goes back to."""
    request, token = context.get("request"), form_token(context)
    return drawn("partials/language_switch.html", (get_language(), bool(token)), {"csrf_token": ""},
                 fills={"next_path": request.get_full_path() if request is not None else "/",
                        **({"csrf_token": token} if token else {})})
