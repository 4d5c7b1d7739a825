from django import template

from ..selectors import certificate_current

register = template.Library()


@register.simple_tag
def current_certificate(person):
    """The person's valid certificate, or None (for pages of other apps that show it)."""
    return certificate_current(person)
