"""An upload's write (COPY on PostgreSQL): every person, list entry, registration and event row is there, and the
registrations reach the province's queue in priority order."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from citizens.models import Person
from tests.conftest import HA_NOI
from tests.imports.test_staff_upload import post, representative  # noqa: F401 - fixture
from vaccination.imports import staff as staff_rows
from vaccination.models import ImportBatch, OrganisationPerson, Registration, RegistrationEvent
from vaccination.selectors import QUEUE_ORDER, registration_filter, registration_list


def test_uploaded_people_reach_the_province_queue_with_their_events(representative, world):  # noqa: F811
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(staff_rows.headers())
    for i in range(300):
        sheet.append([f"Nhân viên {i}", "01/01/1990", "Nữ", f"0010911{i:05d}", "", str(16 - i % 16), "1", "Kế toán"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    organisation = representative["organisation"]
    post(representative, reverse("vaccination:organisation_upload", args=[organisation.pk]),
         {"file": SimpleUploadedFile("300.xlsx", buffer.getvalue())})
    batch = ImportBatch.objects.get()
    post(representative, reverse("vaccination:import_confirm", args=[batch.pk]))
    assert ImportBatch.objects.get(pk=batch.pk).status == "done"

    people = Person.objects.filter(id_number__startswith="0010911")
    assert people.count() == 300 and {p.occupation for p in people} == {"Kế toán"}
    assert OrganisationPerson.objects.filter(organisation=organisation, person__in=people).count() == 300
    registrations = Registration.objects.filter(organisation=organisation)
    assert registrations.count() == 300
    assert set(registrations.values_list("province_code", flat=True)) == {HA_NOI}
    events = RegistrationEvent.objects.filter(registration__in=registrations)
    assert events.count() == 300 and set(events.values_list("to_status", flat=True)) == {"submitted"}
    queue = registration_filter(registration_list(user=world["province_ha_noi"]), status="submitted",
                                organisation=organisation).order_by(*QUEUE_ORDER)
    first = list(queue[:19])
    assert [r.priority_group.number for r in first] == [1] * 18 + [2]
