"""The open figures of an area as the public pages read them: from Django's cache when it has them.

The cache is a convenience, never a dependency: when Redis is down (or answers garbage) the figures are computed
afresh from the rollups and the page still answers.
"""
from django.conf import settings
from django.utils.translation import get_language

from registry.kept import kept_get, kept_set
from reporting.selectors import area_public

from .figures import area_figures

CACHE_VERSION = 1


def _cache_key(province: int | None, district: int | None) -> str:
    return f"opendata:{CACHE_VERSION}:{get_language() or 'vi'}:{province or 0}:{district or 0}"


def open_figures(*, province: int | None = None, district: int | None = None) -> dict:
    """The published figures of the nation, a province or one of its districts (404 for an unknown area)."""
    if settings.OPEN_DATA_CACHE_SECONDS <= 0:
        return area_figures(area_public(province=province, district=district))
    key = _cache_key(province, district)
    figures = kept_get(key)  # a cache that fails is a miss: the figures are computed
    if isinstance(figures, dict):
        return figures
    figures = area_figures(area_public(province=province, district=district))
    kept_set(key, figures, settings.OPEN_DATA_CACHE_SECONDS)
    return figures
