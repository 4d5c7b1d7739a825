"""Sites import doses recorded offline: through dose_record, twice records nothing twice, no guessing."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from citizens.models import Person
from tests.vaccination.conftest import lot, people  # noqa: F401 - fixtures
from vaccination.imports import doses as dose_rows
from vaccination.models import Dose, ImportBatch, StockBalance


def xlsx(rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(dose_rows.headers())
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def site_client(world, console_client, django_capture_on_commit_callbacks):
    client = console_client(world["site_staff_phuc_xa"])

    def post(url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    client.post_committed = post
    return client


def test_import_twice_records_once_and_reports_the_rest(world, lot, people, site_client):  # noqa: F811
    lan = people["lan"]["person"]
    lan.id_number = "001085000001"
    lan.save()
    Person.objects.filter(pk=people["minh"]["person"].pk).update(date_of_birth=datetime.date(1975, 5, 5))
    day = (timezone.localdate() - datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    rows = [
        ["001085000001", "", "", "AstraZeneca", "AZ-001", "1", day, "08:15"],   # by ID number
        ["", "Trần Văn Minh", "05/05/1975", "astrazeneca", "az-001", "1", day, "09:00"],  # by name and birth date
        ["009999999999", "", "", "AstraZeneca", "AZ-001", "1", day, "09:30"],   # nobody: reported
        ["001085000001", "", "", "AstraZeneca", "NO-SUCH-LOT", "2", day, "09:30"],  # lot: reported
    ]
    for attempt in range(2):
        response = site_client.post_committed(reverse("vaccination_console:site_import_list"),
                                              {"file": SimpleUploadedFile("offline.xlsx", xlsx(rows))})
        batch = ImportBatch.objects.order_by("-pk").first()
        assert response["Location"] == reverse("vaccination_console:site_import_detail", args=[batch.pk])
        assert len(batch.valid_rows) == 2 and {e["row"] for e in batch.errors} == {4, 5}
        page = site_client.get(response["Location"]).content.decode()
        assert "Không tìm thấy người nào khớp với dòng này." in page and "Không có lô vắc xin nào có số này." in page
        site_client.post_committed(reverse("vaccination_console:site_import_confirm", args=[batch.pk]))
        batch.refresh_from_db()
        assert batch.status == "done"
        expected = "recorded" if attempt == 0 else "already recorded"
        assert [r["status"] for r in batch.results] == [expected, expected]
    assert Dose.objects.filter(source="import").count() == 2
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == 998
    dose = Dose.objects.get(person=lan)
    assert timezone.localtime(dose.given_at).strftime("%H:%M") == "08:15" and dose.confirmed_at is not None
    report = site_client.get(reverse("vaccination_console:site_import_report", args=[batch.pk]))
    assert "đã ghi nhận từ trước" in report.content.decode("utf-8-sig")


def test_other_staff_cannot_see_a_sites_import(world, lot, people, site_client, console_client):  # noqa: F811
    site_client.post_committed(reverse("vaccination_console:site_import_list"),
                               {"file": SimpleUploadedFile("offline.xlsx", xlsx([]))})
    batch = ImportBatch.objects.get()
    assert batch.status == "refused"
    from registry.models import StaffAssignment
    from tests import factories as f

    other = console_client(f.staff("staff_truc_bach2", StaffAssignment.Role.SITE, facility=world["site_truc_bach"]))
    assert other.get(reverse("vaccination_console:site_import_detail", args=[batch.pk])).status_code == 404
    assert other.get(reverse("vaccination_console:site_import_report", args=[batch.pk])).status_code == 404
    assert console_client(world["district_ba_dinh"]).get(
        reverse("vaccination_console:site_import_list")).status_code == 403
