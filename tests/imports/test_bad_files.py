"""Every upload reaches a final state with a message in the uploader's language naming the problem: damaged
sheets, odd digits, the other language's template, legacy encodings, zip bombs, slow files, crashes inside the
task, workers that died; phones typed as +84… are phones, formulas are refused, and the preview shows what will
be written."""
import csv
import datetime
import io
import time
import unicodedata
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from tests.imports.test_staff_upload import GOOD, post, representative, upload, xlsx  # noqa: F401 - fixture
from vaccination import tasks
from vaccination.imports import staff as staff_rows
from vaccination.imports.sheets import csv_bytes, safe_cell
from vaccination.models import ImportBatch

DAMAGED = "Bảng tính bị hỏng, không đọc được."


def _rezip(content: bytes, replace: dict[str, bytes], *, level=zipfile.ZIP_DEFLATED) -> bytes:
    """The same workbook with some parts replaced."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", level) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def _detail(representative, batch) -> str:
    return representative["client"].get(reverse("vaccination:import_detail", args=[batch.pk])).content.decode()


def test_malformed_sheet_xml_is_refused_not_left_checking(representative):
    broken = _rezip(xlsx(GOOD), {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c><v>1</row>"})
    _response, batch = upload(representative, broken)
    assert batch.status == "refused" and DAMAGED in batch.refusal
    assert DAMAGED in _detail(representative, batch)


@pytest.mark.parametrize("column, value, message", [
    (6, "¹", "Không có phường/xã nào có mã này."),             # ward code: a superscript one
    (5, "9²", "Ghi số nhóm ưu tiên từ 1 đến 16."),             # priority group
    (3, "00108501234５", "CCCD gồm 12 chữ số"),                  # a full-width digit in the ID number
])
def test_odd_digits_are_a_row_error_not_a_crash(representative, column, value, message):
    row = list(GOOD[0])
    row[column] = value
    _response, batch = upload(representative, xlsx([row, GOOD[1]]))
    assert batch.status == "ready" and len(batch.valid_rows) == 1
    assert any(message in error["message"] and error["row"] == 2 for error in batch.errors)


def test_a_superscript_dose_number_is_a_row_error(world, console_client, django_capture_on_commit_callbacks):
    from vaccination.imports import doses as dose_rows

    workbook = Workbook()
    workbook.active.append(dose_rows.headers())
    workbook.active.append(["001085000001", "", "", "AstraZeneca", "AZ-001", "²", "01/10/2021", "08:30"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = console_client(world["site_staff_phuc_xa"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("vaccination_console:site_import_list"),
                    {"file": SimpleUploadedFile("offline.xlsx", buffer.getvalue())})
    batch = ImportBatch.objects.get()
    assert batch.status == "ready"
    assert "Ghi mũi số, từ 1 đến 10." in [e["message"] for e in batch.errors]


def test_any_failure_inside_the_task_marks_the_upload_failed(representative, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("a bug nobody foresaw")

    monkeypatch.setattr(staff_rows, "check_rows", explode)
    _response, batch = upload(representative, xlsx(GOOD))
    tasks.import_check(batch.pk)  # through the Celery task itself (the upload above ran it too)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.refusal.startswith("Không thể kiểm tra tệp do một lỗi ngoài dự kiến")
    assert batch.refusal in _detail(representative, batch)


def test_a_failure_while_recording_marks_it_failed_and_writes_nothing(representative, monkeypatch):
    from citizens.models import Person

    _response, batch = upload(representative, xlsx(GOOD))

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(staff_rows, "registrations_open", explode)
    post(representative, reverse("vaccination:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "failed" and "chưa có dòng nào của tệp này được ghi nhận" in batch.refusal
    assert not Person.objects.filter(id_number=GOOD[0][3]).exists()


def test_a_batch_whose_worker_died_is_failed_by_beat_in_its_language(representative, settings):
    _response, batch = upload(representative, xlsx(GOOD))
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportBatch.objects.filter(pk=batch.pk).update(status="checking", updated_at=hour_ago, language="en")
    fresh = ImportBatch.objects.create(kind="staff", organisation=batch.organisation, uploaded_by=batch.uploaded_by,
                                       file_name="new.xlsx", content=b"x", updated_at=timezone.now())
    assert tasks.imports_fail_stale() == 1
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.refusal.startswith("The file took too long to process")
    assert ImportBatch.objects.get(pk=fresh.pk).status == "checking"


def test_the_english_template_is_accepted_and_answered_in_english(representative):
    client = representative["client"]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("vaccination:import_template", args=["staff", "csv"]))
    assert english.content.decode("utf-8-sig").startswith("Full name,")
    header = next(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    rows = csv_bytes(header, GOOD + [
        ["Lê Văn Sai", "31/02/1990", "Nam", "001085012399", "", "9", "1", ""]])
    organisation = representative["organisation"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    with representative["after_commit"](execute=True):
        client.post(reverse("vaccination:organisation_upload", args=[organisation.pk]),
                    {"file": SimpleUploadedFile("staff.csv", rows)})
    batch = ImportBatch.objects.get()
    assert batch.language == "en" and batch.status == "ready" and len(batch.valid_rows) == 2, batch.refusal
    assert batch.errors[0]["message"] == "Write the date as dd/mm/yyyy."
    assert batch.errors[0]["column"] == "Date of birth (dd/mm/yyyy)"
    # and the Vietnamese template uploaded from the English page
    with translation.override("vi"):
        vietnamese = xlsx(GOOD)
    with representative["after_commit"](execute=True):
        client.post(reverse("vaccination:organisation_upload", args=[organisation.pk]),
                    {"file": SimpleUploadedFile("nhan-su.xlsx", vietnamese)})
    assert ImportBatch.objects.order_by("-pk").first().status == "ready"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: base letters with their vowel marks, tones as combining marks."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = [mark for mark in parts[1:] if mark in "\u0300\u0301\u0303\u0309\u0323"]
            base = unicodedata.normalize("NFC", "".join(mark for mark in parts if mark not in tones))
            out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return out


@pytest.mark.parametrize("encode", [
    lambda text: _cp1258(text),
    lambda text: text.encode("utf-8"),                                    # without a BOM
    lambda text: text.encode("utf-16"),                                   # with a BOM, as Excel's "Unicode text"
    lambda text: text.encode("utf-16-le"),                                # without one
], ids=["cp1258", "utf-8", "utf-16", "utf-16-le"])
def test_vietnamese_encodings_are_read(representative, encode):
    lines = [",".join(staff_rows.headers())] + [",".join(row) for row in GOOD]
    separator = "\t" if encode(" ")[:2] in (b"\xff\xfe", b"\xfe\xff") else ","
    text = "\r\n".join(line.replace(",", separator) for line in lines) + "\r\n"
    _response, batch = upload(representative, encode(text), name="nhan-su.csv")
    assert batch.status == "ready", batch.refusal
    assert [row["full_name"] for row in batch.valid_rows] == ["Nguyễn Văn An", "Trần Thị Bình"]


def test_an_unreadable_encoding_is_named_with_its_row(representative):
    text = (",".join(staff_rows.headers()) + "\n" + ",".join(GOOD[0]) + "\n").encode("utf-8") + b"Tr\x81n,\x90\n"
    _response, batch = upload(representative, text, name="nhan-su.csv")
    assert batch.status == "refused"
    assert "Không đọc được chữ trong tệp từ dòng 3" in batch.refusal and "CSV UTF-8" in batch.refusal


def _bomb(sheet_xml_size: int) -> bytes:
    """A valid workbook whose sheet holds `sheet_xml_size` bytes of blanks: megabytes in, kilobytes stored."""
    content = xlsx(GOOD)
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, data)
                continue
            head, tail = data.split(b"<sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(head + b"<sheetData>")
                for _ in range(sheet_xml_size // 2**20):
                    stream.write(b" " * 2**20)
                stream.write(tail)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_in_no_time(representative, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 8 * 2**20
    bomb = _bomb(64 * 2**20)  # 64 MB of blanks in about 64 KB
    assert len(bomb) < 200_000
    started = time.monotonic()
    _response, batch = upload(representative, bomb)
    assert time.monotonic() - started < 5
    assert batch.status == "refused" and "Bảng tính khi giải nén lớn hơn 8 MB." in batch.refusal


def test_a_part_that_unpacks_far_larger_than_stored_is_refused(representative, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 100
    _response, batch = upload(representative, _bomb(4 * 2**20))  # ~1000 times, under the size limit
    assert batch.status == "refused" and "nén theo cách bất thường" in batch.refusal


def test_a_row_of_a_million_cells_is_refused_before_openpyxl_builds_it(representative, settings):
    cells = b"".join(b'<c t="inlineStr"><is><t>a</t></is></c>' for _ in range(5000))
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData><row r="1">' + cells + b"</row></sheetData></worksheet>")
    _response, batch = upload(representative, _rezip(xlsx(GOOD), {"xl/worksheets/sheet1.xml": sheet}))
    assert batch.status == "refused" and "Có một dòng của bảng tính chứa hơn 200 ô." in batch.refusal


def test_a_directory_that_lies_about_sizes_reads_as_damaged(representative):
    content = bytearray(xlsx(GOOD))
    # Central directory entries start with PK\1\2; the name sits at offset 46, the uncompressed size at 24.
    at = -1
    while True:
        at = content.index(b"PK\x01\x02", at + 1)
        name_length = int.from_bytes(content[at + 28:at + 30], "little")
        if bytes(content[at + 46:at + 46 + name_length]) == b"xl/worksheets/sheet1.xml":
            break
    content[at + 24:at + 28] = (10).to_bytes(4, "little")  # claims 10 bytes; zipfile will not inflate past that
    _response, batch = upload(representative, bytes(content))
    assert batch.status == "refused" and DAMAGED in batch.refusal


def test_reading_stops_after_the_time_limit(representative, settings):
    settings.IMPORT_MAX_PARSE_SECONDS = 0
    _response, batch = upload(representative, xlsx(GOOD))
    assert batch.status == "refused" and "Đọc tệp mất hơn 0 giây." in batch.refusal


def test_phones_are_parsed_not_taken_for_formulas(representative):
    plus = list(GOOD[0])
    plus[4] = "+84912345678"
    unallocated = list(GOOD[1])
    unallocated[4] = "0101234567"  # no carrier was given 010
    _response, batch = upload(representative, xlsx([plus, unallocated]))
    assert [row["phone"] for row in batch.valid_rows] == ["+84912345678"]
    assert batch.errors == [{"row": 3, "column": "Số điện thoại di động",
                             "message": "Nhập số điện thoại di động Việt Nam, ví dụ 0912345678."}]


def test_formula_text_is_refused_naming_row_and_column(representative):
    rows = [list(GOOD[0]), list(GOOD[1])]
    rows[0][7] = "-2+3"
    rows[1][0] = "@SUM(A1)"
    content = csv_bytes(staff_rows.headers(), [])  # csv: text reaches the check exactly as typed
    text = content.decode("utf-8-sig") + "\r\n".join(",".join(row) for row in rows) + "\r\n"
    _response, batch = upload(representative, text.encode("utf-8"), name="nhan-su.csv")
    sign = "Ô bắt đầu bằng = + - @ hoặc dấu tab, bảng tính sẽ coi đó là công thức; hãy nhập chính giá trị."
    assert batch.valid_rows == []
    assert {(e["row"], e["column"], e["message"]) for e in batch.errors} == {
        (2, "Nghề nghiệp", sign), (3, "Họ và tên", sign)}


def test_exports_neutralise_tab_and_carriage_return_too():
    assert safe_cell("\t=1+1") == "'\t=1+1" and safe_cell("\r=1+1") == "'\r=1+1"
    assert safe_cell("Nguyễn") == "Nguyễn" and safe_cell(5) == 5


def test_the_preview_shows_how_many_and_the_first_rows_to_be_written(representative):
    rows = [[f"Nhân viên {i:02d}", "01/01/1990", "Nam", f"0010900{i:05d}", "", "9", "1", "Kỹ sư"] for i in range(25)]
    _response, batch = upload(representative, xlsx(rows + [["", "", "", "", "", "", "", "x"]]))
    page = _detail(representative, batch)
    assert "25 người sẽ được ghi nhận: 25 người mới, 0 người cập nhật thông tin, 0 người đã có trong danh sách." in page
    assert "Dưới đây là 20 dòng đầu tiên." in page
    assert "Nhân viên 00" in page and "Nhân viên 19" in page and "Nhân viên 20" not in page
    assert "0010900000" not in page  # ID numbers masked, as in every list
