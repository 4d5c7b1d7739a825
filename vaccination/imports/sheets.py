"""Reading uploaded spreadsheets (xlsx or csv) safely, and writing ones that no spreadsheet will execute."""
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # password-protected xlsx (and old .xls) files are OLE containers
FORMULA_STARTS = ("=", "+", "-", "@")


class SheetRefused(Exception):
    """The whole file is refused, with the reason in the person's language."""


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, dict]]  # (spreadsheet row number, {column: value})
    formula_cells: dict[int, list[str]]  # row number → columns holding a formula


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
    return str(value).strip()


def read_sheet(*, name: str, content: bytes, columns: list[str]) -> Sheet:
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise SheetRefused(_("The file is larger than %(size)s MB.") % {"size": settings.IMPORT_MAX_BYTES // 2**20})
    if not content.strip():
        raise SheetRefused(_("The file is empty."))
    if content.startswith(OLE_MAGIC):
        raise SheetRefused(_("The file is protected by a password or is an old .xls file. Save it as .xlsx "
                             "without a password, or as .csv."))
    formula_cells: dict[int, list[int]] = {}
    if name.lower().endswith(".csv") or not content.startswith(b"PK"):
        if name.lower().endswith(".xlsx"):
            raise SheetRefused(_("The file is not a spreadsheet. Use the .xlsx or .csv template."))
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SheetRefused(_("The file is not a spreadsheet. Use the .xlsx or .csv template.")) from None
        try:
            table = list(csv.reader(io.StringIO(text)))
        except csv.Error:
            raise SheetRefused(_("The file is not a spreadsheet. Use the .xlsx or .csv template.")) from None
        if table and len(table[0]) < 2:
            raise SheetRefused(_("The file is not a spreadsheet. Use the .xlsx or .csv template."))
        raw_rows = [(index, [cell.strip() for cell in row]) for index, row in enumerate(table, start=1)]
    else:
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise SheetRefused(_("The file is not a spreadsheet. Use the .xlsx or .csv template.")) from None
        sheet = workbook.worksheets[0]
        raw_rows = []
        for index, row in enumerate(sheet.iter_rows(values_only=False), start=1):
            values = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f" or (
                        isinstance(cell.value, str) and cell.value.startswith("=")):
                    formula_cells.setdefault(index, []).append(int(cell.column))
                values.append(_text(cell.value))
            raw_rows.append((index, values))
            if len(raw_rows) > settings.IMPORT_MAX_ROWS + 1:
                break
        workbook.close()
    raw_rows = [(index, values) for index, values in raw_rows if any(values)]
    if not raw_rows:
        raise SheetRefused(_("The file is empty."))
    header = [value.strip() for value in raw_rows[0][1]]
    missing = [column for column in columns if column not in header]
    if missing:
        raise SheetRefused(_("The columns do not match the template. Missing: %(columns)s.") % {
            "columns": ", ".join(missing)})
    data = raw_rows[1:]
    if not data:
        raise SheetRefused(_("The file has the header row but no data."))
    if len(data) > settings.IMPORT_MAX_ROWS:
        raise SheetRefused(_("The file has more than %(rows)s rows. Split it into several files.") % {
            "rows": settings.IMPORT_MAX_ROWS})
    positions = {column: header.index(column) for column in columns}
    rows = [(index, {column: (values[i] if i < len(values) else "") for column, i in positions.items()})
            for index, values in data]
    named = {index: [header[number - 1] if number - 1 < len(header) else str(number) for number in numbers]
             for index, numbers in formula_cells.items()}
    return Sheet(header=header, rows=rows, formula_cells=named)


def safe_cell(value):
    """A value a spreadsheet will show, never execute: text starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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
