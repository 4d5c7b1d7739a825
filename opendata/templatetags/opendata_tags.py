from django import template
from django.utils.formats import number_format

register = template.Library()

# Coverage bands of the province map and its legend: lower bound of each band, in percent.
BANDS = (0, 20, 40, 60, 80)


@register.filter
def figure(value, min_cell=10):
    """A published count as people read it (12.345 in Vietnamese, 12,345 in English); a suppressed one as <10."""
    if value is None:
        return f"<{min_cell}"
    return number_format(value, force_grouping=True)


@register.filter
def band(percent):
    """The map colour class of a coverage percentage: band-0 (under 20 %) … band-4 (80 % and more), band-none
    when it is not known (no population, or a suppressed count). A class, not a style=: the CSP allows none."""
    if percent is None:
        return "band-none"
    return f"band-{sum(1 for bound in BANDS[1:] if percent >= bound)}"
