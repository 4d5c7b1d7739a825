"""Registration statuses and reasons as phrases in the reader's language."""
from django import template

from ..models import Registration
from ..reasons import reason_text

register = template.Library()


@register.filter
def registration_status(code: str) -> str:
    """A status code of a registration's history ("submitted") as its phrase; "" stays "" (the first event)."""
    return str(Registration.Status(code).label) if code in Registration.Status.values else code


@register.filter
def reason(text: str) -> str:
    return reason_text(text) if text else text
