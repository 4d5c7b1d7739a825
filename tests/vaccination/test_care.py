"""Reactions reach the right people and nobody else; the response center answers and corrects."""
import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from citizens.models import Notification
from registry.models import AuditEvent, StaffAssignment
from tests import factories as f

from vaccination.models import Dose, HelpRequest, Reaction, StockBalance
from vaccination.services.dose_recording import dose_record
from vaccination.services.reactions import (
    dose_correct, help_request_submit, person_correct, reaction_follow_up, reaction_report,
)


@pytest.fixture
def dose(world, lot, people):
    dose, _created = dose_record(actor=world["site_staff_phuc_xa"], person_id=people["lan"]["person"].pk,
                                 site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key="dose-lan")
    return dose


@pytest.fixture
def other_district(world):
    return f.staff("district_hoan_kiem", StaffAssignment.Role.DISTRICT, unit=f.unit(f.Level.DISTRICT, 2))


def test_citizen_reports_and_the_right_people_see_it(world, people, dose, client, console_client, other_district):
    lan = people["lan"]
    client.force_login(lan["account"])
    onset = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("vaccination:reaction_report", args=[dose.pk]), {
        "onset_at": onset, "symptoms": ["fever", "breathing"], "severity": "moderate", "description": "Khó thở nhẹ"})
    assert response.status_code == 302
    reaction = Reaction.objects.get()
    assert reaction.serious  # difficulty breathing is flagged whatever the severity chosen
    for role, sees in [("site_staff_phuc_xa", True), ("district_ba_dinh", True), ("province_ha_noi", True),
                       ("national", True), ("province_hue", False)]:
        page = console_client(world[role]).get(reverse("vaccination_console:reaction_list"))
        assert ("Nguyễn Thị Lan" in page.content.decode()) is sees, role
        detail = console_client(world[role]).get(reverse("vaccination_console:reaction_detail", args=[reaction.pk]))
        assert detail.status_code == (200 if sees else 404), role
    page = console_client(other_district).get(reverse("vaccination_console:reaction_list")).content.decode()
    assert "Nguyễn Thị Lan" not in page
    # the serious flag shows on every console page of the province
    home = console_client(world["province_ha_noi"]).get(reverse("console:home")).content.decode()
    assert '<span class="badge"' in home


def test_follow_up_and_the_citizen_sees_the_status(world, people, dose, client, console_client):
    reaction = reaction_report(actor=people["lan"]["account"], dose_id=dose.pk, onset_at=timezone.now(),
                               symptoms=["fever"], severity="mild")
    assert not reaction.serious
    with pytest.raises(Http404):
        reaction_follow_up(actor=world["province_hue"], reaction_id=reaction.pk, status="acknowledged")
    with pytest.raises(Exception):
        reaction_follow_up(actor=world["national"], reaction_id=reaction.pk, status="acknowledged")  # view only
    console_client(world["site_staff_phuc_xa"]).post(
        reverse("vaccination_console:reaction_detail", args=[reaction.pk]),
        {"status": "contacted", "note": "Đã gọi điện, hạ sốt"})
    assert Reaction.objects.get(pk=reaction.pk).status == "contacted"
    client.force_login(people["lan"]["account"])
    page = client.get(reverse("vaccination:person_vaccinations", args=[people["lan"]["person"].pk])).content.decode()
    assert "Đã liên hệ" in page


def test_cannot_report_on_someone_elses_dose(world, people, dose):
    with pytest.raises(Http404):
        reaction_report(actor=people["minh"]["account"], dose_id=dose.pk, onset_at=timezone.now(),
                        symptoms=[], severity="mild")


def test_reaction_before_the_dose_is_refused(world, people, dose):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        reaction_report(actor=people["lan"]["account"], dose_id=dose.pk,
                        onset_at=dose.given_at - datetime.timedelta(hours=2), symptoms=[], severity="mild")


def test_missing_dose_is_quick_to_fix(world, lot, people, client, console_client):
    minh = people["minh"]
    client.force_login(minh["account"])
    client.post(reverse("vaccination:help_request", args=[minh["person"].pk]), {
        "kind": "missing_dose", "message": "Tôi đã tiêm ở trạm Phúc Xá nhưng chưa thấy mũi 1",
        "site": world["site_phuc_xa"].pk, "dose_date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "dose_vaccine": lot.vaccine_id})
    help_request = HelpRequest.objects.get()
    assert help_request.facility == world["site_phuc_xa"]
    assert console_client(world["province_hue"]).get(
        reverse("vaccination_console:help_detail", args=[help_request.pk])).status_code == 404
    staff = console_client(world["site_staff_phuc_xa"])
    given = (timezone.localtime(timezone.now()) - datetime.timedelta(days=3)).strftime("%Y-%m-%dT09:00")
    staff.post(reverse("vaccination_console:help_detail", args=[help_request.pk]), {
        "form": "dose", "lot": lot.pk, "given_at": given, "dose_number": 1})
    dose = Dose.objects.get(person=minh["person"])
    assert dose.source == "correction" and dose.dose_number == 1
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == 999
    help_request.refresh_from_db()
    assert help_request.status == "closed" and "Mũi 1" in help_request.answer
    assert Notification.objects.filter(person=minh["person"], title="Trả lời từ Trung tâm đáp ứng").exists()
    client.force_login(minh["account"])  # the staff sign-in above shared this test client
    page = client.get(reverse("vaccination:person_vaccinations", args=[minh["person"].pk])).content.decode()
    assert "Đã tiêm 1 mũi vắc xin" in page


def test_wrong_details_go_to_the_district_and_are_corrected_with_audit(world, people, dose, other_district):
    lan = people["lan"]
    help_request = help_request_submit(actor=lan["account"], person_id=lan["person"].pk, kind="wrong_details",
                                       message="Sai ngày sinh")
    assert help_request.facility == world["centre_ba_dinh"]
    person_correct(actor=world["district_ba_dinh"], person_id=lan["person"].pk, reason="Theo CCCD",
                   date_of_birth=datetime.date(1981, 2, 3))
    event = AuditEvent.objects.get(action="person.correct")
    assert event.changes["before"]["date_of_birth"] == "1980-01-01"
    assert event.changes["after"]["date_of_birth"] == "1981-02-03"
    with pytest.raises(Http404):  # a district that did not vaccinate her
        person_correct(actor=other_district, person_id=lan["person"].pk, reason="x")


def test_dose_correction_moves_stock_and_is_audited(world, lot, people, dose, other_district):
    from registry.models import Vaccine
    from vaccination.services.stock import lot_receive, stock_transfer
    from tests.vaccination.conftest import department

    other = lot_receive(actor=world["national"], vaccine=Vaccine.objects.get(code="astrazeneca"), lot_number="AZ-002",
                        expiry_date=timezone.localdate() + datetime.timedelta(days=90), quantity=10)
    stock_transfer(actor=world["national"], to_facility_id=department(1).pk, lot_id=other.pk, quantity=10)
    stock_transfer(actor=world["province_ha_noi"], to_facility_id=world["centre_ba_dinh"].pk, lot_id=other.pk,
                   quantity=10)
    stock_transfer(actor=world["district_ba_dinh"], to_facility_id=world["site_phuc_xa"].pk, lot_id=other.pk,
                   quantity=10)
    dose_correct(actor=world["site_staff_phuc_xa"], dose_id=dose.pk, reason="Ghi nhầm lô", lot=other)
    site = world["site_phuc_xa"]
    assert StockBalance.objects.get(facility=site, lot=lot).quantity == 1000
    assert StockBalance.objects.get(facility=site, lot=other).quantity == 9
    event = AuditEvent.objects.get(action="dose.correct")
    assert event.changes["before"]["lot_id"] == str(lot.pk) and event.changes["after"]["lot_id"] == str(other.pk)
    assert Notification.objects.filter(person=people["lan"]["person"],
                                       title="Thông tin tiêm chủng của bạn đã được sửa").exists()
    with pytest.raises(Http404):
        dose_correct(actor=other_district, dose_id=dose.pk, reason="x", void=True)

