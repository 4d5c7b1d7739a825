from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def level_for(doses: int, series: int | None) -> tuple[str, str]:
    """The level people know, and its colour: none (grey), 1 dose (yellow), 2+ doses (green), booster (blue)."""
    if doses <= 0:
        return str(_("Not vaccinated")), "level-none"
    label = ngettext("Vaccinated with %(count)s dose", "Vaccinated with %(count)s doses", doses) % {"count": doses}
    if series and doses > series:
        return label, "level-booster"
    if series and doses >= series:
        return label, "level-full"
    return label, "level-partial"
