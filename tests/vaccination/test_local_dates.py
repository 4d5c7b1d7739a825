"""A dose given at 00:30 in Viet Nam is 17:30 the day before in UTC: every page, the PDF and the export must show
the local day (Asia/Ho_Chi_Minh), and the certificate's "valid until" must read the same on the page and the PDF."""
import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.services import certificate_issue
from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person, register, scan
from vaccination.services.dose_recording import dose_record
from vaccination.services.visit_steps import visit_check_in

VACCINE = "AstraZeneca (Vaxzevria)"


def _local(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def half_past_midnight(world, lot, django_user_model):
    """Phan Thị Đêm, vaccinated yesterday at 00:30 Viet Nam time; her certificate signed at that minute."""
    account, person = citizen_person(django_user_model, "0912000801", "Phan Thị Đêm", PHUC_XA)
    register(account, person)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    given_at = _local(yesterday, 0, 30)
    assert given_at.astimezone(datetime.UTC).date() == yesterday - datetime.timedelta(days=1)  # the trap
    dose, _created = dose_record(actor=world["site_staff_phuc_xa"], person_id=person.pk,
                                 site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key="night-1",
                                 given_at=given_at, confirm=True)
    certificate = certificate_issue(person_id=person.pk, now=given_at)
    return {"account": account, "person": person, "dose": dose, "certificate": certificate, "day": yesterday}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_my_vaccinations_and_certificate_pages_show_the_local_day(half_past_midnight, client):
    night = half_past_midnight
    local, utc = night["day"].strftime("%d/%m/%Y"), (night["day"] - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    client.force_login(night["account"])
    book = _text(client.get(reverse("vaccination:person_vaccinations", args=[night["person"].pk])).content.decode())
    assert f"Mũi 1: {VACCINE}, {local}" in book and utc not in book
    page = _text(client.get(reverse("certificates:person_certificate", args=[night["person"].pk])).content.decode())
    assert f"Mũi 1: {VACCINE}, {local}" in page and utc not in page


def test_the_site_visit_page_shows_the_local_day(half_past_midnight, world, console_client):
    staff = world["site_staff_phuc_xa"]
    scan(staff, half_past_midnight["person"])
    visit = visit_check_in(actor=staff, person_id=half_past_midnight["person"].pk)
    page = _text(console_client(staff).get(reverse("vaccination_console:site_visit", args=[visit.pk])).content.decode())
    assert f"1: {VACCINE} {half_past_midnight['day']:%d/%m/%Y}" in page


def test_the_pdf_shows_the_local_days_and_the_pages_valid_until(half_past_midnight, client):
    from pypdf import PdfReader

    night = half_past_midnight
    client.force_login(night["account"])
    page = _text(client.get(reverse("certificates:person_certificate", args=[night["person"].pk])).content.decode())
    valid_until = re.search(r"Có hiệu lực đến (\d\d/\d\d/\d{4})", page).group(1)
    expires_local = timezone.localtime(night["certificate"].expires_at).date()
    assert valid_until == f"{expires_local:%d/%m/%Y}"
    assert night["certificate"].expires_at.astimezone(datetime.UTC).date() != expires_local  # the trap again
    response = client.get(reverse("certificates:certificate_pdf", args=[night["person"].pk]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert valid_until in text
    assert f"{night['day']:%d/%m/%Y}" in text
    assert f"{night['day'] - datetime.timedelta(days=1):%d/%m/%Y}" not in text


def test_the_dose_export_writes_local_time_with_its_offset_to_the_second(half_past_midnight, world, console_client):
    day = half_past_midnight["day"]
    response = console_client(world["province_ha_noi"]).get(
        reverse("reporting:doses_csv"), {"date_from": day.isoformat(), "date_to": day.isoformat()})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2, "the dose belongs to its local day"
    assert rows[1][1] == f"{day.isoformat()}T00:30:00+07:00"
