"""Organisations upload their staff: preview, confirm, no duplicates; every bad file gets a clear answer."""
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from citizens.models import Person
from registry.models import Organisation, OrganisationMember
from vaccination.imports import staff as staff_rows
from vaccination.imports.sheets import OLE_MAGIC, csv_bytes, safe_cell
from tests.vaccination.test_organisation_form import ward_picked
from vaccination.models import ImportBatch, Registration

GOOD = [
    ["Nguyễn Văn An", "15/03/1985", "Nam", "001085012345", "0912345678", "9", "1", "Kỹ sư"],
    ["Trần Thị Bình", "02/11/1990", "Nữ", "001190012346", "", "1", "4", "Bác sĩ"],
]


def xlsx(rows, header=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or staff_rows.headers())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def representative(db, django_user_model, client, django_capture_on_commit_callbacks):
    user = django_user_model.objects.create_citizen("0912777001", "x-Password-9", full_name="Đại Diện")
    client.force_login(user)
    response = client.post(reverse("vaccination:organisation_list"), {
        "name": "Công ty TNHH Sông Hồng", "kind": "company", "registration_number": "0101234567",
        **ward_picked(province=1, district=1, ward=1), "address": "1 Phúc Xá", "contact_name": "Đại Diện"})
    organisation = Organisation.objects.get(registration_number="0101234567")
    assert response["Location"] == reverse("vaccination:organisation_detail", args=[organisation.pk])
    assert organisation.contact_phone == "+84912777001" and organisation.confirmed_at is None
    organisation.confirmed_at = timezone.now()  # the province confirms (tested in the registry tests)
    organisation.save()
    return {"client": client, "user": user, "organisation": organisation,
            "after_commit": django_capture_on_commit_callbacks}


def post(representative, url, data=None, **kwargs):
    """A POST whose after-commit work (the Celery tasks, run in-process in tests) happens, as in production."""
    with representative["after_commit"](execute=True):
        return representative["client"].post(url, data or {}, **kwargs)


def upload(representative, content: bytes, name="nhan-su.xlsx"):
    organisation = representative["organisation"]
    response = post(representative, reverse("vaccination:organisation_upload", args=[organisation.pk]),
                    {"file": SimpleUploadedFile(name, content)})
    batch = ImportBatch.objects.order_by("-pk").first()
    return response, batch


def test_preview_then_confirm_then_no_duplicates(representative):
    client = representative["client"]
    bad = ["Lê Văn Sai", "31/02/1990", "Nam", "12345", "0123", "99", "99999999", ""]
    response, batch = upload(representative, xlsx(GOOD + [bad]))
    assert response["Location"] == reverse("vaccination:import_detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "3 dòng: 2 hợp lệ, 1 có lỗi." in page
    for message in ("Ghi ngày theo dạng dd/mm/yyyy.", "CCCD gồm 12 chữ số", "Nhập số điện thoại di động Việt Nam",
                    "Ghi số nhóm ưu tiên từ 1 đến 16.", "Không có phường/xã nào có mã này."):
        assert message in page, message
    assert not Person.objects.filter(id_number="001085012345").exists()  # nothing written before confirming
    post(representative, reverse("vaccination:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done"
    an = Person.objects.get(id_number="001085012345")
    assert (an.full_name, an.sex, an.phone, an.ward.name) == ("Nguyễn Văn An", "M", "+84912345678", "Phường Phúc Xá")
    registration = Registration.objects.get(person=an)
    assert registration.organisation == representative["organisation"] and registration.status == "submitted"
    # the same file again, then a corrected one: updated, not duplicated
    corrected = [list(GOOD[0]), list(GOOD[1])]
    corrected[0][0] = "Nguyễn Văn Ân"
    for content in (xlsx(GOOD), xlsx(corrected)):
        _response, again = upload(representative, content)
        post(representative, reverse("vaccination:import_confirm", args=[again.pk]))
    assert Person.objects.filter(id_number="001085012345").count() == 1
    assert Person.objects.get(id_number="001085012345").full_name == "Nguyễn Văn Ân"
    assert Registration.objects.filter(person__id_number="001085012345").count() == 1
    report = client.get(reverse("vaccination:import_report", args=[batch.pk])).content.decode("utf-8-sig")
    assert "từ chối" in report and "đăng ký mới" in report


def test_csv_template_round_trip(representative):
    client = representative["client"]
    template = client.get(reverse("vaccination:import_template", args=["staff", "csv"])).content
    rows = list(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    assert rows[0][0] == "Họ và tên" and len(rows) == 2
    xlsx_template = client.get(reverse("vaccination:import_template", args=["staff", "xlsx"])).content
    assert load_workbook(io.BytesIO(xlsx_template)).active["A1"].value == "Họ và tên"
    _response, batch = upload(representative, csv_bytes(staff_rows.headers(), GOOD), name="nhan-su.csv")
    assert batch.status == "ready" and len(batch.valid_rows) == 2


@pytest.mark.parametrize("content, name, message", [
    (b"", "a.xlsx", "Tệp trống."),
    (b"%PDF-1.4 not a sheet", "a.xlsx", "Tệp không phải là bảng tính"),
    (OLE_MAGIC + b"\x00" * 600, "a.xlsx", "đặt mật khẩu"),
    ("Họ và tên,Tuổi\nA,1\n".encode(), "a.csv", "Các cột không khớp với tệp mẫu. Thiếu: Ngày sinh (dd/mm/yyyy)"),
])
def test_bad_files_are_refused_with_a_reason(representative, content, name, message):
    _response, batch = upload(representative, content, name=name)
    assert batch.status == "refused"
    assert message in batch.refusal
    assert message in representative["client"].get(
        reverse("vaccination:import_detail", args=[batch.pk])).content.decode()


def test_header_only_and_row_limit(representative, settings):
    _response, batch = upload(representative, xlsx([]))
    assert "không có dữ liệu" in batch.refusal
    settings.IMPORT_MAX_ROWS = 1
    _response, batch = upload(representative, xlsx(GOOD))
    assert batch.status == "refused" and "nhiều hơn 1 dòng" in batch.refusal


def test_size_limit(representative, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = representative["client"].post(
        reverse("vaccination:organisation_upload", args=[representative["organisation"].pk]),
        {"file": SimpleUploadedFile("a.xlsx", xlsx(GOOD))}, follow=True)
    assert "Tệp lớn hơn" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_formulas_are_refused_and_exports_never_execute(representative):
    rows = [list(GOOD[0]), list(GOOD[1])]
    rows[0][0] = '=HYPERLINK("http://evil.example","x")'
    rows[1][7] = "=1+1"
    _response, batch = upload(representative, xlsx(rows))
    assert len(batch.valid_rows) == 0
    assert {e["message"] for e in batch.errors} >= {"Ô chứa công thức; hãy nhập chính giá trị."}
    assert safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert safe_cell("+1") == "'+1" and safe_cell("-1") == "'-1" and safe_cell("@x") == "'@x"


def test_export_is_safe_and_filtered(representative):
    person = Person.objects.create(full_name="=2+3 Người Nguy Hiểm", id_number="001085099999")
    Registration.objects.create(person=person, priority_group_id=1, ward_id=1, consent_at=timezone.now(),
                                organisation=representative["organisation"])
    client = representative["client"]
    data = client.get(reverse("vaccination:organisation_export", args=[representative["organisation"].pk, "xlsx"]))
    cell = load_workbook(io.BytesIO(data.content)).active["A2"]
    assert cell.value == "'=2+3 Người Nguy Hiểm" and cell.data_type == "s"
    text = client.get(reverse("vaccination:organisation_export", args=[representative["organisation"].pk, "csv"]))
    assert "'=2+3" in text.content.decode("utf-8-sig") and "001085099999" not in text.content.decode("utf-8-sig")


def test_only_representatives_see_the_organisation(representative, django_user_model, client):
    _response, batch = upload(representative, xlsx(GOOD))
    other = django_user_model.objects.create_citizen("0912777002", "x-Password-9", full_name="Người Khác")
    client.force_login(other)
    organisation = representative["organisation"]
    assert client.get(reverse("vaccination:organisation_detail", args=[organisation.pk])).status_code == 404
    assert client.get(reverse("vaccination:import_detail", args=[batch.pk])).status_code == 404
    client.post(reverse("vaccination:import_confirm", args=[batch.pk]))
    assert ImportBatch.objects.get(pk=batch.pk).status == "ready"
    assert OrganisationMember.objects.filter(user=other).count() == 0


def test_unconfirmed_organisation_cannot_upload(representative):
    organisation = representative["organisation"]
    organisation.confirmed_at = None
    organisation.save()
    response = representative["client"].post(reverse("vaccination:organisation_upload", args=[organisation.pk]),
                                             {"file": SimpleUploadedFile("a.xlsx", xlsx(GOOD))}, follow=True)
    assert "chưa xác nhận" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_size_limit_is_one_rule_for_the_form_and_the_reader(settings):
    """The upload form refuses before reading the file, the sheet reader again for content that came another way;
    both with the same words, from the same setting."""
    from django.utils import translation

    from vaccination.imports.sheets import SheetRefused, read_sheet
    from vaccination.forms.organisations import UploadForm

    settings.IMPORT_MAX_BYTES = 2**20
    too_big = b"x;y\n" * (2**18) + b"z"
    with translation.override("en"):
        form = UploadForm(files={"file": SimpleUploadedFile("a.csv", too_big)})
        assert not form.is_valid() and form.errors["file"] == ["The file is larger than 1 MB."]
        with pytest.raises(SheetRefused, match="^The file is larger than 1 MB.$"):
            read_sheet(name="a.csv", content=too_big, columns={})
        assert UploadForm(files={"file": SimpleUploadedFile("a.csv", too_big[:-1])}).is_valid()
