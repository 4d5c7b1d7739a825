from django import template

register = template.Library()


@register.filter
def dots(value):
    """12345678 → 12.345.678, as numbers are written in Vietnamese."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return value


@register.filter
def mul(value, factor):
    return int(value) * int(factor)


@register.filter
def sub100(value):
    return 100 - int(value)


@register.filter
def shade(percent):
    """A coverage percentage as one of 11 shades (0–10) of the province map; past 100 % stays the darkest.

    A class per shade instead of a style= attribute: the Content-Security-Policy allows no inline style.
    """
    try:
        return max(0, min(10, round(float(percent) / 10)))
    except (TypeError, ValueError):
        return 0
