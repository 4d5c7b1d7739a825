"""The portal's links, drawn once per language, kind of visitor and unread count in each process (registry/drawn.py)."""
from django import template
from django.utils.translation import get_language

from registry.drawn import drawn, form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def citizen_nav(context) -> str:
    user, unread, token = context.get("user"), context.get("unread_notifications") or 0, form_token(context)
    citizen = user is not None and user.is_authenticated and not user.is_staff
    return drawn("citizens/partials/nav.html", (get_language(), citizen, unread if citizen else 0, bool(token)),
                 {"citizen": citizen, "unread_notifications": unread, "csrf_token": ""},
                 fills={"csrf_token": token} if token and citizen else None)
