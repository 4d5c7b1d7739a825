from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value, min_cell=10):
    """A published count as people read it (12.345 in Vietnamese, 12,345 in English); a suppressed one as <10."""
    if value is None:
        return f"<{min_cell}"
    return number_format(value, force_grouping=True)

