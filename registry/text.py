import datetime
import unicodedata

from django.utils import formats, timezone


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics (Đ → D), as SMS gateways and ICAO machine-readable names need."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def date_text(value: datetime.date | datetime.datetime | None) -> str:
    """A date as people read it (the formats module: 25/12/2026); an aware moment gives its day in Viet Nam's time,
    never its day in UTC."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")
