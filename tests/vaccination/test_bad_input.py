"""Bad input on the console answers with a message naming the field, changes nothing, and never a 500."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vaccination.models import Dose, Lot, Registration, Session, StockBalance, StockMovement, Visit
from vaccination.services.visit_steps import visit_check_in, visit_inject, visit_screen
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import session_create, session_schedule_auto

TODAY = timezone.localdate()
HUGE = "9" * 30


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def booked_today(world, lot, people):
    """Lan and Minh booked today at Phúc Xá, both checked in and screened eligible."""
    staff = world["site_staff_phuc_xa"]
    ids = [people[k]["registration"].pk for k in ("lan", "minh")]
    registrations_approve(officer=world["province_ha_noi"], ids=ids)
    registrations_allocate(officer=world["province_ha_noi"], ids=ids)
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=TODAY,
                             start_time=datetime.time(0, 0), end_time=datetime.time(23, 30), slot_minutes=30,
                             people_per_slot=5, lot_id=lot.pk)
    session_schedule_auto(actor=world["district_ba_dinh"], session_id=session.pk)
    visits = {}
    for key in ("lan", "minh"):
        visit = visit_check_in(actor=staff, person_id=people[key]["person"].pk)
        visits[key] = visit_screen(actor=staff, visit_id=visit.pk, answers={}, outcome="screened", temperature=36.6)
    return session, visits


# -- stock quantities beyond any real movement --------------------------------------------------------------

def _ledger():
    return (list(StockBalance.objects.order_by("pk").values_list("pk", "quantity")), StockMovement.objects.count(),
            Lot.objects.count())


@pytest.mark.parametrize("role, name, data", [
    ("site_staff_phuc_xa", "stock_adjust", {"kind": "adjusted", "quantity": HUGE, "reason": "Kiểm kê"}),
    ("site_staff_phuc_xa", "stock_adjust", {"kind": "adjusted", "quantity": "-" + HUGE, "reason": "Kiểm kê"}),
    ("site_staff_phuc_xa", "stock_adjust", {"kind": "wasted", "quantity": "2147483648", "reason": "Vỡ"}),
    ("district_ba_dinh", "stock_transfer", {"to_facility": "site_truc_bach", "quantity": HUGE}),
    ("national", "stock_receive", {"vaccine": "astrazeneca", "lot_number": "AZ-HUGE", "quantity": HUGE}),
])
def test_a_huge_stock_quantity_is_a_form_error(world, lot, console_client, role, name, data):
    from registry.models import Vaccine

    data = {**data, "lot": lot.pk, "expiry_date": (TODAY + datetime.timedelta(days=90)).isoformat()}
    if "to_facility" in data:
        data["to_facility"] = world[data["to_facility"]].pk
    if "vaccine" in data:
        data["vaccine"] = Vaccine.objects.get(code=data["vaccine"]).pk
    before = _ledger()
    response = console_client(world[role]).post(reverse(f"vaccination_console:{name}"), data, follow=True)
    assert response.status_code == 200
    assert "Số liều" in _messages(response)  # the field is named
    assert "10.000.000" in _messages(response) or "10000000" in _messages(response)  # and the limit
    assert _ledger() == before


def test_a_huge_wastage_at_the_end_of_the_session_is_a_form_error(world, lot, people, booked_today, console_client):
    session, _visits = booked_today
    before = _ledger()
    response = console_client(world["site_staff_phuc_xa"]).post(
        reverse("vaccination_console:site_session_close", args=[session.pk]), {"wasted": HUGE})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Số liều hủy trong lọ đã mở" in page and "Nhập tối đa 10000000 liều" in page
    assert Session.objects.get(pk=session.pk).status == "planned" and _ledger() == before


# -- the idempotency key of the dose form --------------------------------------------------------------------

def test_a_key_already_used_for_another_person_is_refused_and_said(world, lot, people, booked_today, console_client):
    _session, visits = booked_today
    staff = world["site_staff_phuc_xa"]
    first = visit_inject(actor=staff, visit_id=visits["lan"].pk, lot_id=lot.pk, idempotency_key="reused")
    client = console_client(staff)
    response = client.post(reverse("vaccination_console:site_inject", args=[visits["minh"].pk]),
                           {"lot": lot.pk, "idempotency_key": "reused"}, follow=True)
    assert response.status_code == 200
    text = _messages(response)
    assert "người khác" in text and "Đã ghi nhận" not in text
    assert list(Dose.objects.values_list("pk", flat=True)) == [first.pk]
    assert Visit.objects.get(pk=visits["minh"].pk).step == "screened"
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == 999


def test_the_same_key_for_the_same_person_but_another_dose_is_refused(world, lot, people, booked_today):
    from django.core.exceptions import ValidationError

    from vaccination.services.dose_recording import dose_record

    staff = world["site_staff_phuc_xa"]
    lan = people["lan"]["person"]
    args = {"actor": staff, "person_id": lan.pk, "site_id": world["site_phuc_xa"].pk, "lot_id": lot.pk}
    dose, created = dose_record(idempotency_key="k-lan", dose_number=1, **args)
    assert created
    with pytest.raises(ValidationError) as error:
        dose_record(idempotency_key="k-lan", dose_number=2, override_reason="Đi công tác", **args)
    assert "idempotency_key" in error.value.message_dict
    assert Dose.objects.count() == 1
    again, created = dose_record(idempotency_key="k-lan", dose_number=1, **args)  # a true resend is still fine
    assert (again.pk, created) == (dose.pk, False)


def test_an_overlong_key_is_a_form_error(world, lot, people, booked_today, console_client):
    _session, visits = booked_today
    response = console_client(world["site_staff_phuc_xa"]).post(
        reverse("vaccination_console:site_inject", args=[visits["lan"].pk]),
        {"lot": lot.pk, "idempotency_key": "k" * 200}, follow=True)
    assert response.status_code == 200 and not Dose.objects.exists()
    assert _messages(response)


# -- "apply to all that match" with a filter the form refuses -------------------------------------------------

@pytest.mark.parametrize("bad_filter, field_label", [
    ({"date_from": "31/02/2021"}, "Đăng ký từ ngày"),
    ({"district": "474"}, "Quận/huyện"),  # not a district of Hà Nội (and not even a district id of it)
    ({"priority_group": "999999"}, "Nhóm đối tượng ưu tiên"),
    ({"age_band": "0-200"}, "Độ tuổi"),
])
@pytest.mark.parametrize("action", ["approve", "reject", "allocate"])
def test_apply_to_all_with_a_refused_filter_changes_nothing(world, people, console_client, bad_filter, field_label,
                                                            action):
    from registry.models import AdministrativeUnit

    if "district" in bad_filter:
        bad_filter = {"district": AdministrativeUnit.objects.get(level="district", code=474).pk}
    ha_noi = [people[k]["registration"].pk for k in ("lan", "minh", "hoa", "tan")]
    if action == "allocate":
        registrations_approve(officer=world["province_ha_noi"], ids=ha_noi)
    before = list(Registration.objects.order_by("pk").values_list("pk", "status"))
    response = console_client(world["province_ha_noi"]).post(reverse("vaccination_console:registration_action"), {
        "action": action, "all_matching": "1", "status": "", "reason": "Trùng hồ sơ", **bad_filter}, follow=True)
    assert response.status_code == 200
    assert list(Registration.objects.order_by("pk").values_list("pk", "status")) == before
    text = _messages(response)
    assert field_label in text and "Không có thay đổi nào" in text


def test_apply_to_all_with_a_valid_filter_still_works(world, people, console_client):
    from registry.models import AdministrativeUnit

    ba_dinh = AdministrativeUnit.objects.get(level="district", code=1)
    console_client(world["province_ha_noi"]).post(reverse("vaccination_console:registration_action"), {
        "action": "approve", "all_matching": "1", "status": "submitted", "district": ba_dinh.pk})
    statuses = dict(Registration.objects.values_list("person__full_name", "status"))
    assert statuses == {"Nguyễn Thị Lan": "approved", "Trần Văn Minh": "approved", "Lê Thị Hoa": "approved",
                        "Phạm Văn Tân": "submitted", "Hồ Thị Huế": "submitted"}


# -- where the console sends people back to ------------------------------------------------------------------

@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/", "http://testserver.evil/",
                                    "javascript:alert(1)", "/\\evil.example"])
def test_dose_confirmation_never_sends_the_browser_off_site(world, lot, people, booked_today, console_client, target):
    _session, visits = booked_today
    staff = world["site_staff_phuc_xa"]
    dose = visit_inject(actor=staff, visit_id=visits["lan"].pk, lot_id=lot.pk, idempotency_key="c-1")
    response = console_client(staff).post(reverse("vaccination_console:site_confirm"),
                                          {"dose": [dose.pk], "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("vaccination_console:site_day")
    assert Dose.objects.get(pk=dose.pk).confirmed_by == staff


def test_dose_confirmation_goes_back_to_a_page_of_this_site(world, lot, people, booked_today, console_client):
    session, visits = booked_today
    staff = world["site_staff_phuc_xa"]
    dose = visit_inject(actor=staff, visit_id=visits["lan"].pk, lot_id=lot.pk, idempotency_key="c-2")
    back = reverse("vaccination_console:site_session_close", args=[session.pk])
    response = console_client(staff).post(reverse("vaccination_console:site_confirm"), {"dose": [dose.pk],
                                                                                        "next": back})
    assert response["Location"] == back


def test_bulk_action_goes_back_to_the_queue_whatever_query_string_is_posted(world, people, console_client):
    response = console_client(world["province_ha_noi"]).post(reverse("vaccination_console:registration_action"), {
        "action": "approve", "ids": [people["lan"]["registration"].pk],
        "query_string": "x=1\r\nLocation: https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("vaccination_console:registration_list") + "?")
    assert "\n" not in response["Location"] and "evil.example/" not in response["Location"].split("?")[0]


@pytest.mark.parametrize("path", ["/console/vaccination/registrations/?status=approved&district=3&page=2",
                                  "/vaccination/people/1/?tab=doses&x=%2F%2Fevil"])
def test_sign_in_comes_back_to_the_whole_page_asked_for(client, path):
    from urllib.parse import parse_qs, urlsplit

    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path in ("/console/login/", "/signin/")
    assert parse_qs(location.query) == {"next": [path]}  # the filters survive, nothing leaks into the sign-in URL
