"""The dashboard's map shade. Numbers are not formatted here: they go through Django's localisation
(USE_THOUSAND_SEPARATOR and config/formats), which groups them in the reader's language."""
from django import template

register = template.Library()


@register.filter
def shade(percent):
    """A coverage percentage as one of 11 shades (0–10) of the province map; past 100 % stays the darkest.

    A class per shade instead of a style= attribute: the Content-Security-Policy allows no inline style.
    """
    try:
        return max(0, min(10, round(float(percent) / 10)))
    except (TypeError, ValueError):
        return 0
