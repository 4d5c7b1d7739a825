"""The rollups agree with the facts; each officer sees only their area; exports are what the facts say."""
import datetime
import io

import pytest
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook


from reporting.models import DoseDaily, ReactionDaily, RegistrationCount
from reporting.rollups import rollups_rebuild
from tests.conftest import PHUC_TAN, PHUC_XA, TRUC_BACH
from tests.vaccination.conftest import citizen_person, department, lot, people, register  # noqa: F401
from vaccination.models import Dose, Registration
from vaccination.services.dose_recording import dose_record
from vaccination.services.reactions import dose_correct, reaction_report
from vaccination.services.registrations import registrations_allocate, registrations_approve, registrations_reject
from vaccination.services.stock import stock_transfer


@pytest.fixture
def facts(world, lot, people, django_user_model):  # noqa: F811
    """Doses on several days and sites, registrations in several states, reactions, a correction."""
    stock_transfer(actor=world["district_ba_dinh"], to_facility_id=world["site_truc_bach"].pk, lot_id=lot.pk,
                   quantity=100)
    staff = {"site_phuc_xa": world["site_staff_phuc_xa"]}
    from registry.models import StaffAssignment
    from tests import factories as f

    staff["site_truc_bach"] = f.staff("tb", StaffAssignment.Role.SITE, facility=world["site_truc_bach"])
    now = timezone.now()
    doses = []
    for index in range(12):
        ward = [PHUC_XA, TRUC_BACH, PHUC_TAN][index % 3]
        account, person = citizen_person(django_user_model, f"09161{index:05d}", f"Người {index}", ward)
        site = "site_phuc_xa" if index % 2 else "site_truc_bach"
        for number in (1, 2) if index % 4 == 0 else (1,):
            dose, _created = dose_record(
                actor=staff[site], person_id=person.pk, site_id=world[site].pk, lot_id=lot.pk,
                idempotency_key=f"f-{index}-{number}", dose_number=number,
                given_at=now - datetime.timedelta(days=(40 if number == 1 and index % 4 == 0 else index % 5)))
            doses.append(dose)
    registrations_approve(officer=world["province_ha_noi"], ids=[people["lan"]["registration"].pk,
                                                                  people["minh"]["registration"].pk])
    registrations_allocate(officer=world["province_ha_noi"], ids=[people["lan"]["registration"].pk])
    registrations_reject(officer=world["province_ha_noi"], ids=[people["tan"]["registration"].pk], reason="Trùng")
    reaction_report(actor=doses[1].person.account, dose_id=doses[1].pk, onset_at=now, symptoms=["breathing"],
                    severity="moderate")
    dose_correct(actor=staff["site_truc_bach"], dose_id=doses[1].pk, reason="Sai ngày",
                 given_at=now - datetime.timedelta(days=3))
    dose_correct(actor=staff["site_truc_bach"], dose_id=doses[0].pk, reason="Ghi nhầm", void=True)
    return doses


def _figures(model, *key):
    """Each key's figure as the dashboards read it: the sum of its folded total and unfolded changes."""
    rows = model.objects.values_list(*key).annotate(n=Sum("count")).order_by()
    return sorted(row for row in rows if row[-1])


def rollup_snapshot():
    return (_figures(DoseDaily, "day", "site_id", "vaccine_id", "dose_number", "completes_series"),
            _figures(RegistrationCount, "district_id", "status"),
            _figures(ReactionDaily, "day", "district_id", "severity", "serious"))


def test_rollups_kept_in_step_agree_with_a_rebuild(facts):
    live = rollup_snapshot()
    rollups_rebuild()
    assert rollup_snapshot() == live
    assert sum(c for *_rest, c in live[0]) == Dose.objects.filter(voided=False).count()
    by_status = dict(Registration.objects.values_list("status").annotate(n=Count("pk")))
    for status, n in by_status.items():
        assert sum(c for _d, s, c in live[1] if s == status) == n


def test_national_figures_match_the_facts(facts, world, console_client):
    client = console_client(world["national"])
    page = client.get(reverse("reporting:dashboard")).content.decode()
    total = Dose.objects.filter(voided=False).count()
    today = Dose.objects.filter(voided=False, given_at__date=timezone.localdate()).count()
    assert f'data-figure="total">{total}<' in page and f'data-figure="today">{today}<' in page
    assert "Thành phố Hà Nội" in page and "Thành phố Huế" in page
    first = Dose.objects.filter(voided=False, dose_number=1, site__unit__province_code=1).count()
    assert f">{first} (" in page.split("Thành phố Hà Nội</a>")[1][:200]


def test_province_and_district_see_only_their_area(facts, world, console_client):
    client = console_client(world["province_hue"])
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert 'data-figure="total">0<' in page
    assert client.get(reverse("reporting:dashboard"), {"province": 1}).status_code == 200  # ignored: own area
    assert "Thành phố Huế" in client.get(reverse("reporting:dashboard"), {"province": 1}).content.decode()
    assert client.get(reverse("reporting:dashboard"), {"district": 1}).status_code == 404
    district = console_client(world["district_ba_dinh"])
    page = district.get(reverse("reporting:dashboard")).content.decode()
    ba_dinh = Dose.objects.filter(voided=False, site__unit__district_code=1).count()
    assert f'data-figure="total">{ba_dinh}<' in page and "Trạm Y tế Phường Trúc Bạch" in page
    assert "Chờ duyệt" in page or "Cần xử lý" in page
    assert console_client(world["site_staff_phuc_xa"]).get(reverse("reporting:dashboard")).status_code == 403


def test_drill_down_national_to_district(facts, world, console_client):
    client = console_client(world["national"])
    page = client.get(reverse("reporting:dashboard"), {"province": 1}).content.decode()
    assert "Quận Ba Đình" in page
    page = client.get(reverse("reporting:dashboard"), {"province": 1, "district": 1}).content.decode()
    sites = Dose.objects.filter(voided=False, site=world["site_truc_bach"]).count()
    assert "Trạm Y tế Phường Trúc Bạch" in page and f"<td>{sites}</td></tr>" in page


def test_daily_report_and_doses_csv(facts, world, console_client):
    client = console_client(world["province_ha_noi"])
    start = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    end = timezone.localdate().isoformat()
    data = client.get(reverse("reporting:report", args=["xlsx"]), {"date_from": start, "date_to": end}).content
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sum(r[4] for r in rows) == Dose.objects.filter(voided=False, site__unit__province_code=1).count()
    csv_text = b"".join(client.get(reverse("reporting:doses_csv"), {"date_from": start, "date_to": end})
                        .streaming_content).decode("utf-8-sig")
    assert csv_text.count("\n") == 1 + Dose.objects.filter(voided=False).count()
    assert "001" not in csv_text.split("\n")[0]  # header only names columns; no ID numbers anywhere
    hue = console_client(world["province_hue"])
    text = b"".join(hue.get(reverse("reporting:doses_csv"), {"date_from": start, "date_to": end})
                    .streaming_content).decode("utf-8-sig")
    assert text.count("\n") == 1  # the header only


def test_dashboard_reads_a_bounded_number_of_queries(facts, world, console_client, django_assert_max_num_queries):
    client = console_client(world["national"])
    client.get(reverse("reporting:dashboard"))
    with django_assert_max_num_queries(30):
        client.get(reverse("reporting:dashboard"))

