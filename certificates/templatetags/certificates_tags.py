from django import template

from ..selectors import certificate_expiry

register = template.Library()


@register.simple_tag
def current_certificate_expiry(person):
    """When the person's valid certificate expires, or None (for pages of other apps that show it)."""
    return certificate_expiry(person)
