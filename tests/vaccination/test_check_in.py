"""A site checks in only the people it booked today or found today (QR, ID/phone search, walk-in); nobody else."""
import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from registry.models import StaffAssignment
from tests import factories as f
from vaccination.models import Visit
from vaccination.services.visit_steps import visit_check_in
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import session_create, session_schedule_auto

TODAY = timezone.localdate()


@pytest.fixture
def lan_booked_today(world, lot, people):
    ids = [people["lan"]["registration"].pk]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=TODAY,
                             start_time=datetime.time(0, 0), end_time=datetime.time(23, 30), slot_minutes=30,
                             people_per_slot=5, lot_id=lot.pk)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    return session


def test_a_person_by_id_alone_cannot_be_checked_in(world, people, console_client):
    """The sequential id of someone the site never found (here a citizen of Huế) opens nothing."""
    hue = people["hue"]["person"]
    client = console_client(world["site_staff_phuc_xa"])
    response = client.post(reverse("vaccination_console:site_check_in_post", args=[hue.pk]))
    assert response.status_code == 404
    assert not Visit.objects.filter(person=hue).exists()
    with pytest.raises(Http404):
        visit_check_in(actor=world["site_staff_phuc_xa"], person_id=hue.pk)
    assert not Visit.objects.exists()


def test_booked_here_today_is_checked_in_without_a_search(world, people, lan_booked_today):
    visit = visit_check_in(actor=world["site_staff_phuc_xa"], person_id=people["lan"]["person"].pk)
    assert visit.appointment.session == lan_booked_today and not visit.walk_in


def test_booked_at_another_site_is_not_this_sites_to_check_in(world, people, lan_booked_today):
    other = f.staff("staff_truc_bach", StaffAssignment.Role.SITE, facility=world["site_truc_bach"])
    with pytest.raises(Http404):
        visit_check_in(actor=other, person_id=people["lan"]["person"].pk)


@pytest.mark.parametrize("how", ["health_qr", "declaration_qr", "id_number", "phone"])
def test_found_by_scan_or_search_can_be_checked_in(world, people, console_client, how):
    from citizens.models import HealthDeclaration, Person

    hue = people["hue"]["person"]
    Person.objects.filter(pk=hue.pk).update(id_number="046080001234")
    declaration = HealthDeclaration.objects.create(person=hue, declared_by=people["hue"]["account"], symptoms=[])
    hue.refresh_from_db()
    query = {"health_qr": hue.qr_text, "declaration_qr": declaration.qr_text, "id_number": "046080001234",
             "phone": "0912 000 105"}[how]
    client = console_client(world["site_staff_phuc_xa"])
    page = client.get(reverse("vaccination_console:site_check_in"), {"q": query}).content.decode()
    assert "Hồ Thị Huế" in page
    response = client.post(reverse("vaccination_console:site_check_in_post", args=[hue.pk]))
    visit = Visit.objects.get(person=hue)
    assert response["Location"] == reverse("vaccination_console:site_visit", args=[visit.pk])
    assert visit.walk_in and visit.site == world["site_phuc_xa"]


def test_a_find_by_one_site_does_not_open_the_person_to_another(world, people, console_client):
    from vaccination.selectors import people_for_check_in

    hue = people["hue"]["person"]
    console_client(world["site_staff_phuc_xa"]).get(reverse("vaccination_console:site_check_in"),
                                                    {"q": hue.qr_text})
    other = f.staff("staff_truc_bach", StaffAssignment.Role.SITE, facility=world["site_truc_bach"])
    assert not people_for_check_in(user=other).filter(pk=hue.pk).exists()
    assert people_for_check_in(user=world["site_staff_phuc_xa"]).filter(pk=hue.pk).exists()


def test_yesterdays_find_has_expired(world, people, console_client):
    from registry.models import AuditEvent
    from vaccination.selectors import people_for_check_in

    hue = people["hue"]["person"]
    console_client(world["site_staff_phuc_xa"]).get(reverse("vaccination_console:site_check_in"),
                                                    {"q": hue.qr_text})
    AuditEvent.objects.filter(action="person.code_resolved").update(at=timezone.now() - datetime.timedelta(days=1))
    assert not people_for_check_in(user=world["site_staff_phuc_xa"]).filter(pk=hue.pk).exists()


@pytest.mark.parametrize("role", ["national", "province_ha_noi", "district_ba_dinh"])
def test_only_site_staff_have_people_to_check_in(world, people, lan_booked_today, role):
    from vaccination.selectors import people_for_check_in

    assert not people_for_check_in(user=world[role]).exists()
