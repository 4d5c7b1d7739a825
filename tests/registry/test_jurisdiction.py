"""Each role sees exactly its own jurisdiction, in selectors and on every console URL."""
import pytest
from django.urls import reverse

from registry.models import Organisation
from registry.selectors import facility_list, organisation_list, unit_list
from registry.services import organisation_confirm

FACILITIES = ["centre_ba_dinh", "centre_hoan_kiem", "centre_thuan_hoa",
              "site_phuc_xa", "site_truc_bach", "site_phuc_tan", "site_vy_da"]
ORGANISATIONS = ["org_ha_noi", "org_hoan_kiem", "org_hue"]

VISIBLE_FACILITIES = {
    "national": set(FACILITIES),
    "province_ha_noi": {"centre_ba_dinh", "centre_hoan_kiem", "site_phuc_xa", "site_truc_bach", "site_phuc_tan"},
    "province_hue": {"centre_thuan_hoa", "site_vy_da"},
    "district_ba_dinh": {"centre_ba_dinh", "site_phuc_xa", "site_truc_bach"},
    "site_staff_phuc_xa": {"site_phuc_xa"},
}
VISIBLE_ORGANISATIONS = {
    "national": set(ORGANISATIONS),
    "province_ha_noi": {"org_ha_noi", "org_hoan_kiem"},
    "province_hue": {"org_hue"},
    "district_ba_dinh": {"org_ha_noi"},
    "site_staff_phuc_xa": None,  # site staff have no organisation pages at all
}
ROLES = list(VISIBLE_FACILITIES)


def _names(world, objects, keys):
    ids = {obj.pk for obj in objects}
    return {key for key in keys if world[key].pk in ids}


@pytest.mark.parametrize("role", ROLES)
def test_facility_selector_matches_jurisdiction(world, role):
    assert _names(world, facility_list(user=world[role]), FACILITIES) == VISIBLE_FACILITIES[role]


@pytest.mark.parametrize("role", ROLES)
def test_organisation_selector_matches_jurisdiction(world, role):
    expected = VISIBLE_ORGANISATIONS[role] or set()
    assert _names(world, organisation_list(user=world[role]), ORGANISATIONS) == expected


def test_units_in_jurisdiction(world):
    assert unit_list(user=world["national"]).count() == 63 + 696 + 10051
    ha_noi = unit_list(user=world["province_ha_noi"])
    assert ha_noi.filter(level="province").get().code == 1
    assert not ha_noi.exclude(province_code=1).exists()
    ba_dinh = unit_list(user=world["district_ba_dinh"])
    assert set(ba_dinh.values_list("district_code", flat=True)) == {1}
    assert not unit_list(user=world["site_staff_phuc_xa"]).exists()


def test_citizens_and_unassigned_see_nothing(world, django_user_model):
    from tests.factories import CitizenFactory

    citizen = CitizenFactory()
    unassigned = django_user_model.objects.create_user("nobody", "x-Password-1", full_name="Nobody")
    for user in (citizen, unassigned):
        assert not facility_list(user=user).exists()
        assert not organisation_list(user=user).exists()


@pytest.mark.parametrize("role", ROLES)
def test_facility_pages_match_jurisdiction(world, console_client, role):
    client = console_client(world[role])
    listing = client.get(reverse("console:facility_list"))
    assert listing.status_code == 200
    shown = {key for key in FACILITIES if world[key].name in listing.content.decode()}
    assert shown == VISIBLE_FACILITIES[role]
    for key in FACILITIES:
        response = client.get(reverse("console:facility_detail", args=[world[key].pk]))
        assert response.status_code == (200 if key in VISIBLE_FACILITIES[role] else 404), key


@pytest.mark.parametrize("role", ROLES)
def test_organisation_pages_match_jurisdiction(world, console_client, role):
    client = console_client(world[role])
    visible = VISIBLE_ORGANISATIONS[role]
    listing = client.get(reverse("console:organisation_list"))
    if visible is None:
        assert listing.status_code == 403
        for key in ORGANISATIONS:
            assert client.get(reverse("console:organisation_detail", args=[world[key].pk])).status_code == 403
        return
    assert listing.status_code == 200
    shown = {key for key in ORGANISATIONS if world[key].name in listing.content.decode()}
    assert shown == visible
    for key in ORGANISATIONS:
        response = client.get(reverse("console:organisation_detail", args=[world[key].pk]))
        assert response.status_code == (200 if key in visible else 404), key


@pytest.mark.parametrize("role", ["province_ha_noi", "province_hue"])
def test_province_confirms_only_its_own_organisations(world, console_client, role):
    client = console_client(world[role])
    for key in ORGANISATIONS:
        response = client.post(reverse("console:organisation_confirm", args=[world[key].pk]))
        confirmed = Organisation.objects.get(pk=world[key].pk).confirmed_at is not None
        if key in VISIBLE_ORGANISATIONS[role]:
            assert response.status_code == 302 and confirmed
        else:
            assert response.status_code == 404 and not confirmed


@pytest.mark.parametrize("role", ["national", "district_ba_dinh", "site_staff_phuc_xa"])
def test_other_roles_cannot_confirm_organisations(world, console_client, role):
    response = console_client(world[role]).post(
        reverse("console:organisation_confirm", args=[world["org_ha_noi"].pk]))
    assert response.status_code == 403
    assert Organisation.objects.get(pk=world["org_ha_noi"].pk).confirmed_at is None


def test_service_refuses_another_province(world):
    with pytest.raises(Organisation.DoesNotExist):
        organisation_confirm(actor=world["province_ha_noi"], organisation_id=world["org_hue"].pk)
    assert Organisation.objects.get(pk=world["org_hue"].pk).confirmed_at is None


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_shows_only_staff_of_the_area(world, console_client, role):
    client = console_client(world[role])
    response = client.get(reverse("console:audit_list"))
    if role in ("district_ba_dinh", "site_staff_phuc_xa"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    organisation_confirm(actor=world["province_hue"], organisation_id=world["org_hue"].pk)
    page = client.get(reverse("console:audit_list")).content.decode()
    sees_hue = world["org_hue"].name in page
    assert sees_hue == (role in ("national", "province_hue"))


# Every console URL must appear here with the test that proves its jurisdiction; a new URL fails
# until it is added. Sign-in pages have no jurisdiction; tests/registry/test_console_auth.py covers them.
COVERED_URL_NAMES = {
    "console:home": "test_console_auth.py::test_district_officer_signs_in_without_second_factor",
    "console:login": "test_console_auth.py", "console:logout": "test_console_auth.py::test_sign_out",
    "console:otp_verify": "test_console_auth.py", "console:otp_setup": "test_console_auth.py",
    "console:facility_list": "test_facility_pages_match_jurisdiction",
    "console:facility_detail": "test_facility_pages_match_jurisdiction",
    "console:organisation_list": "test_organisation_pages_match_jurisdiction",
    "console:organisation_detail": "test_organisation_pages_match_jurisdiction",
    "console:organisation_confirm": "test_province_confirms_only_its_own_organisations",
    "console:audit_list": "test_audit_log_shows_only_staff_of_the_area",
    "citizens_console:code_lookup": "tests/citizens/test_staff_lookup.py::test_only_site_staff_resolve_codes",
    "vaccination_console:registration_list": "tests/vaccination/test_console_scope.py::test_lists_show_only_the_own_area",
    "vaccination_console:registration_action": "test_console_scope.py::test_bulk_action_from_another_province_changes_nothing",
    "vaccination_console:registration_detail": "test_console_scope.py::test_other_area_gets_404_on_every_object_url",
    "vaccination_console:waiting_list": "test_console_scope.py::test_lists_show_only_the_own_area",
    "vaccination_console:stock": "test_console_scope.py::test_other_area_gets_404_on_every_object_url",
    "vaccination_console:stock_receive": "tests/vaccination/test_stock.py::test_only_national_level_receives",
    "vaccination_console:stock_transfer": "test_console_scope.py::test_transfer_to_another_province_is_refused",
    "vaccination_console:stock_adjust": "tests/vaccination/test_stock.py::test_wastage_and_adjustment_with_reason",
    "vaccination_console:session_list": "test_console_scope.py::test_lists_show_only_the_own_area",
    "vaccination_console:session_create": "tests/vaccination/test_sessions.py::test_session_pages_for_the_district",
    "vaccination_console:session_detail": "test_console_scope.py::test_other_area_gets_404_on_every_object_url",
    "vaccination_console:session_schedule": "test_console_scope.py::test_other_area_gets_404_on_every_object_url",
    "vaccination_console:session_book": "test_console_scope.py::test_other_area_gets_404_on_every_object_url",
    "vaccination_console:appointment_no_show": "test_console_scope.py::test_other_area_gets_404_on_every_object_url",
    **{f"vaccination_console:{name}": "test_console_scope.py::test_another_site_cannot_open_this_sites_visits_or_sessions"
       for name in ["site_day", "site_check_in", "site_visit", "site_screen", "site_inject", "site_observe",
                    "site_observation", "site_session_close"]},
    "vaccination_console:site_check_in_post": "test_check_in.py::test_a_person_by_id_alone_cannot_be_checked_in",
    "vaccination_console:site_walk_in": "tests/vaccination/test_site.py::test_walk_in_and_end_of_session",
    "vaccination_console:reaction_list": "tests/vaccination/test_care.py::test_citizen_reports_and_the_right_people_see_it",
    "vaccination_console:reaction_detail": "test_care.py::test_citizen_reports_and_the_right_people_see_it",
    "vaccination_console:help_list": "tests/vaccination/test_care.py::test_missing_dose_is_quick_to_fix",
    "vaccination_console:help_detail": "tests/vaccination/test_care.py::test_missing_dose_is_quick_to_fix",
    "vaccination_console:site_confirm": "tests/vaccination/test_site.py::test_confirming_signs_the_certificate",
    **{f"vaccination_console:{name}": "tests/imports/test_dose_import.py::test_other_staff_cannot_see_a_sites_import"
       for name in ["site_import_list", "site_import_detail", "site_import_confirm", "site_import_report"]},
    "reporting:dashboard": "tests/reporting/test_dashboard.py::test_province_and_district_see_only_their_area",
    "reporting:report": "tests/reporting/test_dashboard.py::test_daily_report_and_doses_csv",
    "reporting:doses_csv": "tests/reporting/test_dashboard.py::test_daily_report_and_doses_csv",
    "certificates_console:recall": "tests/certificates/test_certificates.py::test_recall_page_is_national_only",
    "places_console:venue_list": "test_jurisdiction_apps.py::test_venue_pages_match_jurisdiction",
    "places_console:venue_detail": "test_jurisdiction_apps.py::test_venue_pages_match_jurisdiction",
    **{f"clinics_console:{name}": "test_jurisdiction_apps.py::test_clinic_day_and_marking_only_at_the_own_facility"
       for name in ["day", "publish", "booking_attended", "booking_no_show"]},
    "clinics_console:consultation_list": "test_jurisdiction_apps.py::test_consultation_pages_match_jurisdiction",
    "clinics_console:consultation_new": "test_jurisdiction_apps.py::test_consultation_pages_match_jurisdiction",
}


def test_every_console_url_is_in_the_matrix():
    """Read from the urlconf itself, so a console URL in a new module cannot escape (every URL with a parameter,
    console or portal, is also walked for every role by tests/test_url_ownership.py)."""
    from tests.ownership import url_patterns

    names = {name for name, _namespaces, route, _params in url_patterns() if route.startswith("console/")}
    assert names == set(COVERED_URL_NAMES)


ROLE_QUESTIONS = {  # who answers yes to which of the role helpers
    "national": "is_national", "province_ha_noi": "is_province", "district_ba_dinh": "is_district",
    "site_staff_phuc_xa": "is_site",
}


@pytest.mark.parametrize("role", list(ROLE_QUESTIONS))
def test_each_role_answers_yes_to_its_own_question_only(world, role):
    from registry.selectors import jurisdiction_of

    j = jurisdiction_of(world[role])
    assert {q for q in ROLE_QUESTIONS.values() if getattr(j, q)} == {ROLE_QUESTIONS[role]}


def test_the_facility_each_role_works_from(world):
    from registry.models import AdministrativeUnit, Facility
    from registry.selectors import NOBODY, facility_of, jurisdiction_of
    from registry.services import facility_create

    hanoi = AdministrativeUnit.objects.get(level="province", code=1)
    department = facility_create(actor=None, kind=Facility.Kind.PROVINCE_DEPARTMENT, code="so-y-te-1",
                                 name="Sở Y tế Hà Nội", unit=hanoi)
    assert facility_of(jurisdiction_of(world["site_staff_phuc_xa"])) == world["site_phuc_xa"]
    assert facility_of(jurisdiction_of(world["district_ba_dinh"])) == world["centre_ba_dinh"]
    assert facility_of(jurisdiction_of(world["province_ha_noi"])) == department
    assert facility_of(jurisdiction_of(world["province_hue"])) is None  # Huế has no department in this world
    assert facility_of(NOBODY) is None
