"""What the site's nurse sees: a refused screening keeps what was typed, observation cannot be cut short without a
reason, and the check-in card shows the health notes of the person's profile."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AuditEvent
from tests.vaccination.test_site import booked  # noqa: F401 - fixture
from vaccination.models import Visit
from vaccination.services.visit_steps import visit_check_in, visit_inject, visit_observe, visit_screen

Step = Visit.Step


def _visit(world, people, key="lan"):
    return visit_check_in(actor=world["site_staff_phuc_xa"], person_id=people[key]["person"].pk)


def test_a_refused_screening_comes_back_with_every_tick_and_vital_sign(world, people, booked, console_client):
    visit = _visit(world, people)
    client = console_client(world["site_staff_phuc_xa"])
    response = client.post(reverse("vaccination_console:site_screen", args=[visit.pk]), {
        "answer_anaphylaxis": "on", "answer_chronic_disease": "on", "temperature": "37.2", "pulse": "88",
        "systolic": "128", "diastolic": "84", "outcome": "screened"}, follow=True)
    page = response.content.decode()
    assert "Có dấu hiệu chống chỉ định: không tiêm cho người này tại đây." in page  # the refusal, beside its field
    for name in ("answer_anaphylaxis", "answer_chronic_disease"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*checked', page), name
    assert not re.search(r'<input[^>]*name="answer_pregnant_early"[^>]*checked', page)
    for name, value in (("temperature", "37.2"), ("pulse", "88"), ("systolic", "128"), ("diastolic", "84")):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"', page), name
    assert re.search(r'<input[^>]*value="screened"[^>]*checked', page)
    visit.refresh_from_db()
    assert visit.step == Step.CHECKED_IN and visit.temperature is None  # nothing partial written


def test_a_screening_form_with_a_bad_figure_names_the_field_and_keeps_the_rest(world, people, booked, console_client):
    visit = _visit(world, people)
    client = console_client(world["site_staff_phuc_xa"])
    page = client.post(reverse("vaccination_console:site_screen", args=[visit.pk]), {
        "answer_allergy_other": "on", "temperature": "73", "pulse": "88", "outcome": "screened"}, follow=True
    ).content.decode()
    assert "Nhiệt độ" in page and re.search(r'<input[^>]*name="answer_allergy_other"[^>]*checked', page)
    assert re.search(r'<input[^>]*name="pulse"[^>]*value="88"', page)


def _observing(world, people, lot):
    staff = world["site_staff_phuc_xa"]
    visit = _visit(world, people)
    visit_screen(actor=staff, visit_id=visit.pk, answers={}, outcome=Step.SCREENED, temperature=36.6)
    visit_inject(actor=staff, visit_id=visit.pk, lot_id=lot.pk, idempotency_key="obs-1")
    return Visit.objects.get(pk=visit.pk)


def test_observation_ended_early_needs_a_reason_which_is_kept(world, lot, people, booked, settings):
    from django.core.exceptions import ValidationError

    staff = world["site_staff_phuc_xa"]
    visit = _observing(world, people, lot)
    with pytest.raises(ValidationError) as refused:
        visit_observe(actor=staff, visit_id=visit.pk, note="Bình thường")
    assert "early_reason" in refused.value.message_dict
    assert "Chưa hết thời gian theo dõi" in " ".join(refused.value.messages)
    assert Visit.objects.get(pk=visit.pk).step == Step.OBSERVING
    visit_observe(actor=staff, visit_id=visit.pk, note="Bình thường", early_reason="Người nhà đưa về, đã dặn theo dõi")
    visit.refresh_from_db()
    assert visit.step == Step.DONE
    event = AuditEvent.objects.get(action="visit.observe", target_id=str(visit.pk))
    assert event.changes["ended_early"]["reason"] == "Người nhà đưa về, đã dặn theo dõi"
    assert 0 < event.changes["ended_early"]["minutes_left"] <= settings.OBSERVATION_MINUTES


def test_observation_over_needs_no_reason(world, lot, people, booked):
    visit = _observing(world, people, lot)
    Visit.objects.filter(pk=visit.pk).update(observe_until=timezone.now() - datetime.timedelta(seconds=1))
    visit_observe(actor=world["site_staff_phuc_xa"], visit_id=visit.pk, note="Bình thường")
    assert Visit.objects.get(pk=visit.pk).step == Step.DONE


def test_the_observation_page_warns_and_asks_for_the_reason(world, lot, people, booked, console_client):
    visit = _observing(world, people, lot)
    client = console_client(world["site_staff_phuc_xa"])
    page = client.get(reverse("vaccination_console:site_visit", args=[visit.pk])).content.decode()
    assert "Lý do kết thúc sớm" in page
    page = client.post(reverse("vaccination_console:site_observe", args=[visit.pk]),
                       {"note": "Bình thường, không sốt"}, follow=True).content.decode()
    assert "Lý do kết thúc sớm" in page and 'value="Bình thường, không sốt"' in page  # what was typed stays
    assert Visit.objects.get(pk=visit.pk).step == Step.OBSERVING


def test_the_check_in_card_shows_chronic_diseases_and_allergies(world, people, console_client):
    lan = people["lan"]["person"]
    lan.chronic_conditions, lan.allergies = "Tăng huyết áp, đái tháo đường type 2", "Penicillin"
    lan.save()
    client = console_client(world["site_staff_phuc_xa"])
    page = client.get(reverse("vaccination_console:site_check_in"), {"q": lan.qr_text}).content.decode()
    assert "Bệnh mạn tính" in page and "Tăng huyết áp, đái tháo đường type 2" in page
    assert "Penicillin" in page
    visit = visit_check_in(actor=world["site_staff_phuc_xa"], person_id=lan.pk)
    page = client.get(reverse("vaccination_console:site_visit", args=[visit.pk])).content.decode()
    assert "Tăng huyết áp, đái tháo đường type 2" in page and "Penicillin" in page
