"""Every vaccination console URL refuses an officer from another province or district (404, like a missing row)."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.conftest import HUE
from tests.vaccination.conftest import department, scan
from vaccination.models import Appointment, Registration, Session
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import session_create, session_schedule_auto


TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def ha_noi_session(world, lot, people):
    ids = [people[k]["registration"].pk for k in ("lan", "minh", "hoa")]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=TOMORROW,
                             start_time=datetime.time(8), end_time=datetime.time(9), slot_minutes=30,
                             people_per_slot=1, lot_id=lot.pk)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    return session


@pytest.fixture
def outsiders(world):
    """A Huế province officer and a Huế district officer."""
    from registry.models import StaffAssignment

    hue_district = f.staff("district_thuan_hoa", StaffAssignment.Role.DISTRICT,
                           unit=f.unit(f.Level.DISTRICT, 474))
    department(HUE)
    return {"province_hue": world["province_hue"], "district_thuan_hoa": hue_district}


@pytest.mark.parametrize("outsider", ["province_hue", "district_thuan_hoa"])
def test_other_area_gets_404_on_every_object_url(world, people, ha_noi_session, outsiders, console_client, outsider):
    client = console_client(outsiders[outsider])
    registration = people["lan"]["registration"]
    appointment = Appointment.objects.filter(session=ha_noi_session).first()
    before = (Session.objects.get(pk=ha_noi_session.pk).booked,
              list(Appointment.objects.values_list("pk", "status")))
    gets = [
        reverse("vaccination_console:registration_detail", args=[registration.pk]),
        reverse("vaccination_console:session_detail", args=[ha_noi_session.pk]),
        reverse("vaccination_console:stock") + f"?facility={world['site_phuc_xa'].pk}",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = []
    if outsider == "district_thuan_hoa":
        posts = [
            (reverse("vaccination_console:session_schedule", args=[ha_noi_session.pk]), {}),
            (reverse("vaccination_console:session_book", args=[ha_noi_session.pk]),
             {"registration": people["hoa"]["registration"].pk}),
            (reverse("vaccination_console:appointment_no_show", args=[appointment.pk]), {}),
        ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    after = (Session.objects.get(pk=ha_noi_session.pk).booked,
             list(Appointment.objects.values_list("pk", "status")))
    assert after == before


def test_lists_show_only_the_own_area(world, people, ha_noi_session, outsiders, console_client):
    client = console_client(outsiders["province_hue"])
    page = client.get(reverse("vaccination_console:registration_list"), {"status": ""}).content.decode()
    assert "Hồ Thị Huế" in page and "Nguyễn Thị Lan" not in page
    assert "Trạm Y tế Phường Phúc Xá" not in client.get(reverse("vaccination_console:session_list")).content.decode()
    client = console_client(outsiders["district_thuan_hoa"])
    assert "Nguyễn Thị Lan" not in client.get(reverse("vaccination_console:waiting_list")).content.decode()


def test_bulk_action_from_another_province_changes_nothing(world, people, console_client):
    client = console_client(world["province_hue"])
    client.post(reverse("vaccination_console:registration_action"), {
        "action": "approve", "ids": [people["lan"]["registration"].pk]})
    client.post(reverse("vaccination_console:registration_action"), {
        "action": "reject", "ids": [people["lan"]["registration"].pk], "reason": "x"})
    assert Registration.objects.get(pk=people["lan"]["registration"].pk).status == "submitted"


def test_transfer_to_another_province_is_refused(world, lot, console_client):
    client = console_client(world["district_ba_dinh"])
    client.post(reverse("vaccination_console:stock_transfer"), {
        "to_facility": world["site_vy_da"].pk, "lot": lot.pk, "quantity": 10})
    assert not world["site_vy_da"].balances.exists()


@pytest.mark.parametrize("role, status", [
    ("site_staff_phuc_xa", 403), ("district_ba_dinh", 200), ("province_ha_noi", 200), ("national", 200),
])
def test_registration_queue_by_role(world, people, console_client, role, status):
    assert console_client(world[role]).get(reverse("vaccination_console:registration_list")).status_code == status


def test_citizen_pages_refuse_other_peoples_records(world, people, ha_noi_session, client):
    client.force_login(people["tan"]["account"])
    lan = people["lan"]
    assert client.get(reverse("vaccination:person_vaccinations", args=[lan["person"].pk])).status_code == 404
    assert client.get(reverse("vaccination:register", args=[lan["person"].pk])).status_code == 404
    assert client.post(reverse("vaccination:registration_cancel", args=[lan["registration"].pk])).status_code == 404
    appointment = Appointment.objects.get(registration=lan["registration"])
    assert client.post(reverse("vaccination:appointment_cancel", args=[appointment.pk])).status_code == 404
    assert Appointment.objects.get(pk=appointment.pk).status == "booked"



def test_registration_queue_has_no_n_plus_one(world, people, console_client, django_assert_max_num_queries,
                                              django_user_model):
    from tests.vaccination.conftest import citizen_person, register

    client = console_client(world["province_ha_noi"])
    url = reverse("vaccination_console:registration_list")
    client.get(url)
    for index in range(30):
        account, person = citizen_person(django_user_model, f"09140{index:05d}", f"Người {index}", 1)
        register(account, person)
    with django_assert_max_num_queries(16):
        page = client.get(url, {"status": ""}).content.decode()
    assert "Người 29" in page


def test_another_site_cannot_open_this_sites_visits_or_sessions(world, lot, people, ha_noi_session, console_client):
    from registry.models import StaffAssignment
    from vaccination.models import Visit
    from vaccination.services.visit_steps import visit_check_in

    other = console_client(f.staff("staff_truc_bach", StaffAssignment.Role.SITE, facility=world["site_truc_bach"]))
    scan(world["site_staff_phuc_xa"], people["lan"]["person"])
    visit = visit_check_in(actor=world["site_staff_phuc_xa"], person_id=people["lan"]["person"].pk)
    for name in ["site_visit"]:
        assert other.get(reverse(f"vaccination_console:{name}", args=[visit.pk])).status_code == 404
    for name in ["site_screen", "site_inject", "site_observe"]:
        assert other.post(reverse(f"vaccination_console:{name}", args=[visit.pk]), {}).status_code == 404
    assert other.get(reverse("vaccination_console:site_session_close", args=[ha_noi_session.pk])).status_code == 404
    assert Visit.objects.get(pk=visit.pk).step == "checked_in"
    page = other.get(reverse("vaccination_console:site_day")).content.decode()
    assert "Nguyễn Thị Lan" not in page
    for name in ["site_day", "site_check_in", "site_observation"]:
        assert console_client(world["district_ba_dinh"]).get(reverse(f"vaccination_console:{name}")).status_code == 403
