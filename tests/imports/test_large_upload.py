"""A 10,000-row staff list end to end on PostgreSQL: checked, confirmed, written set-wise."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from citizens.models import Person
from tests.imports.test_staff_upload import post, representative  # noqa: F401 - fixture
from vaccination.imports import staff as staff_rows
from vaccination.models import ImportBatch, Registration

pytestmark = pytest.mark.postgres


def test_ten_thousand_rows(representative):  # noqa: F811
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(staff_rows.headers())
    for i in range(10_000):
        sheet.append([f"Nhân viên {i}", "01/01/1990", "Nam" if i % 2 else "Nữ", f"0010900{i:05d}",
                      f"09{i:08d}" if i % 3 else "", str(1 + i % 16), "1", "Công nhân"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    post(representative, reverse("vaccination:organisation_upload", args=[representative["organisation"].pk]),
         {"file": SimpleUploadedFile("10k.xlsx", buffer.getvalue())})
    batch = ImportBatch.objects.get()
    assert batch.status == "ready" and len(batch.valid_rows) == 10_000 and batch.errors == []
    with CaptureQueriesContext(connection) as queries:
        post(representative, reverse("vaccination:import_confirm", args=[batch.pk]))
    assert ImportBatch.objects.get(pk=batch.pk).status == "done"
    assert Person.objects.filter(id_number__startswith="0010900").count() == 10_000
    assert Registration.objects.filter(organisation=representative["organisation"]).count() == 10_000
    assert len(queries) < 100  # set-wise: bulk inserts, not a save per row
