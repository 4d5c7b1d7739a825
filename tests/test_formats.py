"""Dates and numbers take one path: Django's localisation with the portal's formats (config/formats). Dates read
d/m/Y in both languages, thousands are grouped with "." in Vietnamese and "," in English, and an identifier
printed into a page (a form value, a link) is never grouped."""
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _render(text: str, language: str, **context) -> str:
    with translation.override(language):
        return Template(text).render(Context(context))


@pytest.mark.parametrize("language, number, decimal", [("vi", "12.345.678", "36,7"), ("en", "12,345,678", "36.7")])
def test_numbers_are_grouped_in_the_pages_language(language, number, decimal):
    from decimal import Decimal

    assert _render("{{ n }} {{ t }}", language, n=12345678, t=Decimal("36.7")) == f"{number} {decimal}"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_read_day_first_in_both_languages_and_in_viet_nams_time(language):
    moment = datetime.datetime(2026, 12, 24, 17, 30, tzinfo=datetime.UTC)  # 00:30 on the 25th in Viet Nam
    text = _render('{{ m|date:"SHORT_DATE_FORMAT" }} {{ m|date:"SHORT_DATETIME_FORMAT" }} {{ d|date }}', language,
                   m=moment, d=datetime.date(2026, 3, 4))
    assert text == "25/12/2026 25/12/2026 00:30 04/03/2026"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_typed_date_is_read_day_first(language):
    from django import forms

    with translation.override(language):
        field = forms.DateField()
        assert field.clean("04/03/2026") == datetime.date(2026, 3, 4)
        assert field.clean("2026-03-04") == datetime.date(2026, 3, 4)  # what <input type="date"> sends


def test_the_hand_written_number_helpers_are_gone():
    from reporting import tables
    from reporting.templatetags import humanize_vn

    assert not hasattr(humanize_vn, "dots") and not hasattr(tables, "dots")
    for path in TEMPLATES.rglob("*.html"):
        assert not re.search(r"\|\s*(dots|mul|sub100)\b", path.read_text()), path


# An attribute whose value prints a primary key, a code or a count: grouped, 1234 would be sent back as "1.234".
_IDENTIFIER_IN_ATTRIBUTE = re.compile(
    r'(?:value|href|max|min|data-[a-z-]+)="[^"]*\{\{\s*([\w.]*(?:pk|\.id|\.code|done|length[^}]*))\s*\}\}')


def test_identifiers_printed_into_attributes_are_never_grouped():
    offenders = [f"{path.relative_to(TEMPLATES)}: {match.group(1)}"
                 for path in TEMPLATES.rglob("*.html")
                 for match in _IDENTIFIER_IN_ATTRIBUTE.finditer(path.read_text())
                 if "unlocalize" not in match.group(1)]
    assert offenders == []


def test_a_grouped_identifier_would_break_the_form():
    """Why the rule above matters: with grouping on, a bare {{ pk }} of 1234 prints as "1.234"."""
    assert _render('<input value="{{ pk }}">', "vi", pk=1234) == '<input value="1.234">'
    assert _render('{% load l10n %}<input value="{{ pk|unlocalize }}">', "vi", pk=1234) == '<input value="1234">'


def test_the_dashboard_writes_figures_in_the_readers_language(world, console_client):
    client = console_client(world["national"])
    vi = client.get(reverse("reporting:dashboard")).content.decode()
    assert "150.000.000" in vi
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = client.get(reverse("reporting:dashboard")).content.decode()
    assert "150,000,000" in en and "150.000.000" not in en


def test_the_console_shows_times_in_viet_nams_time(world, console_client):
    """The audit log shows an event written at 17:30 UTC as 00:30 the next day."""
    from registry.models import AuditEvent

    AuditEvent.objects.create(at=datetime.datetime(2026, 12, 24, 17, 30, tzinfo=datetime.UTC), action="staff.sign_in",
                              actor_label="national")
    page = console_client(world["national"]).get(reverse("console:audit_list")).content.decode()
    assert "25/12/2026 00:30" in page
    assert timezone.get_current_timezone_name() == "Asia/Ho_Chi_Minh"
