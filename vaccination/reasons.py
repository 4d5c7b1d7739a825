"""Reasons the system writes on a registration or a stock movement, read in the language of the page.

A reason is stored as text in the language of whoever caused it (a citizen cancelling on a Vietnamese phone, beat
running in LANGUAGE_CODE), so an English page would show Vietnamese. Each reason the code writes is listed here
(tests/registry/test_labels.py holds the code to the list); a stored reason that is one of them, in any
language, is shown as its translation in the active language. An officer's own words are shown as typed.
"""
import functools
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

SYSTEM_REASONS = [
    _noop("Cancelled by the citizen"),
    _noop("Appointment cancelled by the citizen"),
    _noop("Did not come to the appointment"),
    _noop("Next dose due"),
    _noop("Vaccinated without a registration"),
    _noop("Registered by %(organisation)s"),
    _noop("Joined the list of %(organisation)s"),
    _noop("Received at national level"),
    _noop("Opened vials at the end of the session"),
]


def _pattern(text: str) -> re.Pattern:
    """A stored reason's shape: the sentence, each %(name)s standing for any text."""
    parts = re.split(r"%\((\w+)\)s", text)
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+)" for i, part in enumerate(parts)))


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    patterns = []
    for msgid in SYSTEM_REASONS:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                patterns.append((msgid, _pattern(gettext(msgid))))
        patterns.append((msgid, _pattern(msgid)))
    return patterns


def reason_text(stored: str) -> str:
    """`stored` in the active language when the system wrote it; as it is otherwise."""
    for msgid, pattern in _patterns():
        if match := pattern.fullmatch(stored):
            return gettext(msgid) % match.groupdict() if match.groupdict() else gettext(msgid)
    return stored
