"""The open figures of an area as the public pages read them: from Django's cache when it has them.

The cache is a convenience, never a dependency: when Redis is down (or answers garbage) the figures are computed
afresh from the rollups and the page still answers.
"""
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from reporting.selectors import area_public

from .figures import area_figures

logger = logging.getLogger(__name__)

CACHE_VERSION = 1


def _cache_key(province: int | None, district: int | None) -> str:
    return f"opendata:{CACHE_VERSION}:{get_language() or 'vi'}:{province or 0}:{district or 0}"


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # any cache failure (connection refused, timeout, bad data) means: compute
        logger.warning("open figures: cache unavailable, computing the figures", exc_info=True)
        return None


def _cache_set(key: str, value: dict) -> None:
    try:
        cache.set(key, value, settings.OPEN_DATA_CACHE_SECONDS)
    except Exception:
        logger.warning("open figures: cache unavailable, figures not kept", exc_info=True)


def open_figures(*, province: int | None = None, district: int | None = None) -> dict:
    """The published figures of the nation, a province or one of its districts (404 for an unknown area)."""
    if settings.OPEN_DATA_CACHE_SECONDS <= 0:
        return area_figures(area_public(province=province, district=district))
    key = _cache_key(province, district)
    figures = _cache_get(key)
    if isinstance(figures, dict):
        return figures
    figures = area_figures(area_public(province=province, district=district))
    _cache_set(key, figures)
    return figures
