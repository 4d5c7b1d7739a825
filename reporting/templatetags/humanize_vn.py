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
