"""Reads: a citizen's own venues, visits and exposures; an officer's venues in their jurisdiction, as counts."""
import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from citizens.selectors import people_for
from registry.selectors import scope

from .models import Exposure, ExposureContact, Venue, Visit, venue_code_clean


def venues_of(user) -> QuerySet[Venue]:
    """The venues an account holder registered."""
    if not user.is_authenticated or user.is_staff:
        return Venue.objects.none()
    return Venue.objects.filter(owner=user).select_related("ward__parent__parent").order_by("name", "pk")


def venue_by_code(code: str) -> Venue | None:
    code = venue_code_clean(code)
    if not code:
        return None
    return Venue.objects.select_related("ward__parent__parent").filter(code=code).first()


def visits_for(user) -> QuerySet[Visit]:
    """Places visited by the account holder and the people in their care, newest first."""
    return (Visit.objects.filter(person__in=people_for(user)).select_related("venue__ward__parent__parent", "person")
            .order_by("-visited_at", "-pk"))


def exposure_contacts_for(user) -> QuerySet[ExposureContact]:
    """The exposures the account's people were told of, newest first (one row per person told)."""
    return (ExposureContact.objects.filter(person__in=people_for(user))
            .select_related("exposure__venue__ward__parent__parent", "person")
            .order_by("-exposure__declared_at", "-exposure_id", "person_id"))


def venue_list(*, user, query: str = "") -> QuerySet[Venue]:
    """Venues in the staff member's jurisdiction (the ward's district or province)."""
    qs = Venue.objects.select_related("ward__parent__parent")
    query = (query or "").strip()
    if query:
        code = venue_code_clean(query)
        qs = qs.filter(name__icontains=query) | qs.filter(code=code)
    return scope(qs, user=user, unit="ward").order_by("name", "pk")


def venue_visit_days(*, venue: Venue) -> list[dict]:
    """Visits per local day at one venue, newest day first: counts only, never who."""
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return list(Visit.objects.filter(venue=venue).annotate(day=TruncDate("visited_at", tzinfo=local))
                .values("day").annotate(visits=Count("pk"), people=Count("person", distinct=True))
                .order_by("-day"))


def venue_exposures(*, venue: Venue) -> QuerySet[Exposure]:
    return venue.exposures.select_related("declared_by").order_by("-declared_at", "-pk")


def window_visit_count(*, venue: Venue, starts_at: datetime.datetime, ends_at: datetime.datetime) -> int:
    return Visit.objects.filter(venue=venue, visited_at__gte=starts_at, visited_at__lte=ends_at).count()
