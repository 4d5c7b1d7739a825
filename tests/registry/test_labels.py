"""Every status and audit action a person sees is a phrase in their language, never a code, and a reason the
system wrote in one language reads in the language of the page."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from registry.audit import ACTION_LABELS, action_label
from registry.services import organisation_register
from tests.vaccination.conftest import people  # noqa: F401 - fixture
from vaccination.models import Registration
from vaccination.reasons import SYSTEM_REASONS
from vaccination.services.registrations import registration_cancel

SOURCES = [path for app in ("registry", "citizens", "vaccination", "certificates", "reporting", "opendata", "places",
                            "clinics")
           for path in (Path(settings.BASE_DIR) / app).rglob("*.py") if "migrations" not in path.parts]


def _actions_in_the_code() -> set[str]:
    """Each action string an audit row is written with: action="…", action=f"stock.{kind}" (for each kind), the
    names of actions kept in constants (…ACTION = "…", FOUND_AT_SITE), and both arms of a conditional."""
    from vaccination.models import StockMovement

    found = set()
    for path in SOURCES:
        text = path.read_text()
        for line in text.splitlines():
            if re.search(r"action\b|ACTION\b|FOUND_AT_SITE", line, re.IGNORECASE):
                found.update(re.findall(r'"([a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*)"', line))
        if 'action=f"stock.{kind}"' in text:
            found.update(f"stock.{kind}" for kind in (StockMovement.Kind.WASTED, StockMovement.Kind.ADJUSTED))
    # Permission names ("vaccination.record_dose") share the shape; they are not actions.
    permissions = {f"{app}.{codename}" for app, codename in _permissions()}
    return {name for name in found if name not in permissions and not name.endswith((".py", ".html", ".json"))}


def _permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.values_list("content_type__app_label", "codename")


@pytest.mark.django_db
def test_every_audit_action_written_by_the_code_has_a_label_in_both_languages():
    actions = _actions_in_the_code()
    assert {"dose.record", "registration.submit", "organisation.register", "stock.wasted",
            "person.identity_change", "organisation.link_declined"} <= actions  # the scan sees every form
    missing = sorted(actions - set(ACTION_LABELS))
    assert missing == [], f"add these to registry.audit.ACTION_LABELS: {missing}"
    for action in actions:
        with translation.override("vi"):
            vietnamese = action_label(action)
        with translation.override("en"):
            english = action_label(action)
        assert vietnamese != english and action not in (vietnamese, english), action


def test_an_action_nobody_labelled_reads_as_a_phrase_not_a_code():
    with translation.override("vi"):
        assert action_label("something.new") == "Thao tác khác (something.new)"


def _organisation(world, django_user_model):
    account = django_user_model.objects.create_citizen("0912000990", "Mật-khẩu-dài-2021", full_name="Bà Chủ")
    from registry.models import AdministrativeUnit

    return organisation_register(actor=account, kind="company", name="Công ty Ánh Dương",
                                 registration_number="0101234567", unit=AdministrativeUnit.objects.get(
                                     level="ward", code=1), address="", contact_name="Bà Chủ")


@pytest.mark.parametrize("language, phrase, raw", [("vi", "Đăng ký tổ chức", "organisation.register"),
                                                   ("en", "Organisation registered", "organisation.register")])
def test_the_organisation_history_says_what_happened(world, django_user_model, console_client, language, phrase,
                                                     raw):
    organisation = _organisation(world, django_user_model)
    client = console_client(world["province_ha_noi"])
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    page = client.get(reverse("console:organisation_detail", args=[organisation.pk])).content.decode()
    assert phrase in page and raw not in page


def _cancelled(people):
    lan = people["lan"]
    with translation.override("vi"):  # the citizen's phone is in Vietnamese: the reason is written so
        registration_cancel(actor=lan["account"], registration_id=lan["registration"].pk)
    return Registration.objects.get(pk=lan["registration"].pk)


def test_the_registration_history_reads_in_english_in_english(world, people, console_client):
    registration = _cancelled(people)
    assert registration.status_reason == "Người dân tự hủy"  # written in the citizen's language
    client = console_client(world["province_ha_noi"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("vaccination_console:registration_detail", args=[registration.pk])).content.decode()
    history = page.split("<tbody>")[-1].split("</tbody>")[0]
    assert "Submitted" in history and "Cancelled" in history and "Cancelled by the citizen" in history
    assert "submitted" not in history and "cancelled<" not in history  # no raw codes
    assert registration.status_reason not in page  # the Vietnamese reason does not leak onto an English page
    assert "Cancelled by the citizen" in page.split("<dl")[1].split("</dl>")[0]  # the status line too


def test_the_registration_history_reads_in_vietnamese_in_vietnamese(world, people, console_client):
    registration = _cancelled(people)
    page = console_client(world["province_ha_noi"]).get(
        reverse("vaccination_console:registration_detail", args=[registration.pk])).content.decode()
    history = page.split("<tbody>")[-1].split("</tbody>")[0]
    with translation.override("vi"):
        for status in ("submitted", "cancelled"):
            assert str(Registration.Status(status).label) in history
    assert ">submitted<" not in history and ">cancelled<" not in history


def test_the_citizens_earlier_registrations_read_in_their_language(people, client):
    registration = _cancelled(people)
    client.force_login(people["lan"]["account"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("vaccination:person_vaccinations", args=[people["lan"]["person"].pk])).content.decode()
    assert "Cancelled by the citizen" in page and registration.status_reason not in page


def test_system_reasons_written_in_either_language_are_recognised():
    from vaccination.reasons import reason_text

    for msgid in SYSTEM_REASONS:
        sample = msgid % {"organisation": "Công ty Ánh Dương"} if "%(" in msgid else msgid
        with translation.override("vi"):
            written = translation.gettext(msgid) % {"organisation": "Công ty Ánh Dương"} if "%(" in msgid \
                else translation.gettext(msgid)
        with translation.override("en"):
            assert reason_text(written) == sample
    assert reason_text("Sai ngày sinh, đã gọi lại") == "Sai ngày sinh, đã gọi lại"  # an officer's own words stay


def test_every_reason_the_code_writes_is_known():
    written = set()
    for path in SOURCES:
        for match in re.finditer(r'(?<![\w])reason=_\("([^"]+)"\)', path.read_text()):
            written.add(match.group(1))
    # Identity changes keep their reason in the audit row only (before/after), never on a page.
    registration_reasons = {r for r in written if not r.startswith(("The account", "Changed "))}
    assert registration_reasons and registration_reasons <= set(SYSTEM_REASONS), registration_reasons - set(
        SYSTEM_REASONS)
