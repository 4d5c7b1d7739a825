"""The count of serious reactions nobody has acknowledged, flagged on every console page of those who follow them.

Counting on every page cost each console request a query; the count is kept in the cache per area instead, and a
reaction reported serious or followed up drops the kept counts of every area it lies in (its site, district,
province and the nation). BADGE_CACHE_SECONDS bounds anything else; with the cache down the count is read from the
database.
"""
from django.conf import settings

from registry.kept import kept_for, kept_forget, kept_set
from registry.models import Facility
from registry.selectors import Jurisdiction, jurisdiction_of

from .models import Reaction
from .selectors import reaction_list

KEY = "vaccination.alerts.serious_open:{}"


def _area(j: Jurisdiction) -> str:
    if j.is_site:
        return f"site:{j.facility_id}"
    if j.is_district:
        return f"district:{j.district_code}"
    if j.is_province:
        return f"province:{j.province_code}"
    return "national"


def serious_open_count(user) -> int:
    seconds = settings.BADGE_CACHE_SECONDS
    key = KEY.format(_area(jurisdiction_of(user)))
    kept = kept_for(user, key) if seconds > 0 else None
    if isinstance(kept, int):
        return kept
    count = reaction_list(user=user).filter(serious=True, status=Reaction.Status.NEW).count()
    kept_set(key, count, seconds)
    return count


def serious_open_forget(site_id: int | None) -> None:
    """A reaction at this site changed: every area it lies in counts again."""
    keys = [KEY.format("national")]
    site = Facility.objects.select_related("unit").filter(pk=site_id).first() if site_id else None
    if site is not None:
        keys.append(KEY.format(f"site:{site.pk}"))
        if site.unit is not None:
            keys += [KEY.format(f"district:{site.unit.district_code}"),
                     KEY.format(f"province:{site.unit.province_code}")]
    kept_forget(*keys)
