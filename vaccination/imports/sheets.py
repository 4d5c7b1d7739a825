"""Reading uploaded spreadsheets (xlsx or csv) safely, and writing ones that no spreadsheet will execute.

Every way a file can be wrong ends in `SheetRefused` with a reason in the uploader's language: an .xlsx is
measured from its zip central directory before openpyxl opens it (zipfile never inflates a member past the
size declared there, so the check holds), its rows are counted before they are parsed, and reading stops
once IMPORT_MAX_PARSE_SECONDS have passed. Header cells are matched in every language the site speaks, so a
template downloaded from the English page is accepted by a Vietnamese worker and the other way round.
"""
import codecs
import csv
import datetime
import io
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # password-protected xlsx (and old .xls) files are OLE containers
# What a spreadsheet would run as a formula if a cell started with it (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_MESSAGE = gettext_lazy("The cell holds a formula; type the value itself.")
FORMULA_SIGN_MESSAGE = gettext_lazy(
    "The cell starts with = + - @ or a tab, which a spreadsheet would run as a formula; type the value itself.")
NOT_A_SHEET = gettext_lazy("The file is not a spreadsheet. Use the .xlsx or .csv template.")
DAMAGED = gettext_lazy("The spreadsheet is damaged and cannot be read. Open it and save it again, or save it as .csv.")
_CELL_OR_ROW = re.compile(rb"<(?:\w{1,10}:)?(row|c)[\s/>]")
_TAG_MAX = 16  # the longest text _CELL_OR_ROW can match


class SheetRefused(Exception):
    """The whole file is refused, with the reason in the person's language."""


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, dict]]  # (spreadsheet row number, {column key: value})
    formula_cells: dict[int, list[str]]  # row number → column keys holding a formula


def looks_like_formula(value: str) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def column_names(columns: dict) -> dict[str, set[str]]:
    """Each column's header in every language of the site, folded for comparison."""
    names = {key: set() for key in columns}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for key, label in columns.items():
                names[key].add(_fold(str(label)))
    return names


class _Clock:
    def __init__(self):
        self.deadline = time.monotonic() + settings.IMPORT_MAX_PARSE_SECONDS

    def check(self) -> None:
        if time.monotonic() >= self.deadline:
            raise SheetRefused(_("Reading the file took longer than %(seconds)s seconds. Split it into several "
                                 "files, or save it as .csv.") % {"seconds": settings.IMPORT_MAX_PARSE_SECONDS})


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or Windows-1258, the encodings Vietnamese
    spreadsheets are saved in; anything else is refused naming the row where reading failed."""
    if content.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in content[:400]:  # UTF-16 without a BOM: every other byte of Latin text is zero
        candidates = ["utf-16-le" if content[1:400:2].count(0) > content[0:400:2].count(0) else "utf-16-be"]
    else:
        candidates = ["utf-8", "cp1258"]
    errors = []
    for encoding in candidates:
        try:
            # Windows-1258 writes tones as combining marks; NFC joins them so "Nguyễn" compares equal.
            return unicodedata.normalize("NFC", content.decode(encoding))
        except UnicodeDecodeError as failure:
            errors.append(failure)
    row = content[:errors[0].start].count(b"\n") + 1  # where the file stops being what it most likely is
    raise SheetRefused(_("The text of the file cannot be read from row %(row)s: it is not UTF-8, UTF-16 or "
                         "Windows-1258. Save it as “CSV UTF-8” and upload it again.") % {"row": row})


def _csv_rows(content: bytes, clock: _Clock) -> list[tuple[int, list[str]]]:
    text = _decode(content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max([",", ";", "\t"], key=first.count)  # Excel writes ";" in some locales and tabs as UTF-16
    rows = []
    try:
        for index, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            if index % 500 == 0:
                clock.check()
            rows.append((index, [cell.strip() for cell in row]))
            if len(rows) > settings.IMPORT_MAX_ROWS + 10:
                break
    except csv.Error:
        raise SheetRefused(str(NOT_A_SHEET)) from None
    if rows and len(rows[0][1]) < 2:
        raise SheetRefused(str(NOT_A_SHEET))
    return rows


def _zip_measured(content: bytes, clock: _Clock) -> None:
    """Refuse a zip bomb from the central directory alone, then count each worksheet's cells per row while
    inflating it in small pieces, so openpyxl never holds a giant row in memory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise SheetRefused(str(NOT_A_SHEET)) from None
    limit_mb = settings.IMPORT_MAX_UNCOMPRESSED_BYTES // 2**20
    if sum(member.file_size for member in members) > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise SheetRefused(_("The spreadsheet unpacks to more than %(size)s MB. Split it into several files, "
                             "or save it as .csv.") % {"size": limit_mb})
    for member in members:
        if (member.file_size > 2**20
                and member.file_size > max(member.compress_size, 1) * settings.IMPORT_MAX_COMPRESSION_RATIO):
            raise SheetRefused(_("The spreadsheet is packed in an unusual way and would unpack to far more than "
                                 "it holds. Open it and save it again, or save it as .csv."))
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            _cells_per_row_measured(archive, member, clock)


def _cells_per_row_measured(archive: zipfile.ZipFile, member: zipfile.ZipInfo, clock: _Clock) -> None:
    limit, cells, tail = settings.IMPORT_MAX_CELLS_PER_ROW, 0, b""

    def count(data: bytes, stop: int) -> None:
        nonlocal cells
        for match in _CELL_OR_ROW.finditer(data):
            if match.start() >= stop:
                break
            if match.group(1) == b"row":
                cells = 0
                continue
            cells += 1
            if cells > limit:
                raise SheetRefused(_("A row of the spreadsheet has more than %(count)s cells. Delete the unused "
                                     "columns, or save it as .csv.") % {"count": limit})

    try:
        with archive.open(member) as stream:
            while chunk := stream.read(2**20):
                clock.check()
                data = tail + chunk
                stop = max(len(data) - _TAG_MAX, 0)  # a tag cut in two is matched whole with the next piece
                count(data, stop)
                tail = data[stop:]
        count(tail, len(tail))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise SheetRefused(str(DAMAGED)) from None


def _xlsx_rows(content: bytes, clock: _Clock) -> tuple[list[tuple[int, list[str]]], dict[int, list[int]]]:
    _zip_measured(content, clock)
    rows, formula_cells = [], {}
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            for index, row in enumerate(sheet.iter_rows(values_only=False), start=1):
                if index % 500 == 0:
                    clock.check()
                values = []
                for cell in row:
                    value = getattr(cell, "value", None)
                    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                        formula_cells.setdefault(index, []).append(int(cell.column))
                    values.append(_text(value))
                rows.append((index, values))
                if len(rows) > settings.IMPORT_MAX_ROWS + 10:
                    break
        finally:
            workbook.close()
    except SheetRefused:
        raise
    except Exception:  # noqa: BLE001 - damaged XML, odd styles, missing parts: all mean the same to the person
        raise SheetRefused(str(DAMAGED)) from None
    return rows, formula_cells


def size_refusal(size: int) -> str | None:
    """Why a file of `size` bytes is refused, or None: the one place the upload limit is read (the upload form
    asks before reading the file, `read_sheet` again for content that came another way)."""
    if size > settings.IMPORT_MAX_BYTES:
        return _("The file is larger than %(size)s MB.") % {"size": settings.IMPORT_MAX_BYTES // 2**20}
    return None


def read_sheet(*, name: str, content: bytes, columns: dict) -> Sheet:
    """Rows of the first sheet keyed by the keys of `columns` ({key: translatable header})."""
    if refusal := size_refusal(len(content)):
        raise SheetRefused(refusal)
    if not content.strip():
        raise SheetRefused(_("The file is empty."))
    if content.startswith(OLE_MAGIC):
        raise SheetRefused(_("The file is protected by a password or is an old .xls file. Save it as .xlsx "
                             "without a password, or as .csv."))
    clock = _Clock()
    formula_cells: dict[int, list[int]] = {}
    if content.startswith(b"PK\x03\x04"):
        raw_rows, formula_cells = _xlsx_rows(content, clock)
    elif name.lower().endswith(".xlsx"):
        raise SheetRefused(str(NOT_A_SHEET))
    else:
        raw_rows = _csv_rows(content, clock)
    raw_rows = [(index, values) for index, values in raw_rows if any(values)]
    if not raw_rows:
        raise SheetRefused(_("The file is empty."))
    header = [value.strip() for value in raw_rows[0][1]]
    folded = [_fold(value) for value in header]
    names = column_names(columns)
    positions = {key: next((i for i, value in enumerate(folded) if value in names[key]), None) for key in columns}
    missing = [str(columns[key]) for key, position in positions.items() if position is None]
    if missing:
        raise SheetRefused(_("The columns do not match the template. Missing: %(columns)s.") % {
            "columns": ", ".join(missing)})
    data = raw_rows[1:]
    if not data:
        raise SheetRefused(_("The file has the header row but no data."))
    if len(data) > settings.IMPORT_MAX_ROWS:
        raise SheetRefused(_("The file has more than %(rows)s rows. Split it into several files.") % {
            "rows": settings.IMPORT_MAX_ROWS})
    rows = [(index, {key: (values[i] if i < len(values) else "") for key, i in positions.items()})
            for index, values in data]
    key_at = {i + 1: key for key, i in positions.items()}
    named = {index: [key_at[number] for number in numbers if number in key_at]
             for index, numbers in formula_cells.items()}
    return Sheet(header=header, rows=rows, formula_cells={k: v for k, v in named.items() if v})


def safe_cell(value):
    """A value a spreadsheet will show, never execute: text starting with = + - @, a tab or a carriage return
    gets a leading apostrophe."""
    if looks_like_formula(value):
        return "'" + value
    return value


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Vietnamese correctly
