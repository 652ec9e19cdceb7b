"""The list as a spreadsheet for organisers: CSV (UTF-8 with a BOM, so Excel reads
Chinese) and XLSX (openpyxl). One row per entry on the list — confirmed in number
order, then the waitlist — with every field, private ones included: only managers get
here (export_table asks core.access)."""
import csv
import io
import re
from decimal import Decimal

from flask import send_file
from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from grouptools.core.access import Action, authorize
from grouptools.core.timeutil import local_time
from grouptools.extensions import db
from grouptools.relay.models import Relay
from grouptools.relay.schemas import RelaySchema
from grouptools.relay.service import relay_state

# A cell starting with one of these is a formula to Excel: written as text instead.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SAFE_FILENAME = re.compile(r"[^\w\- ]+")


def export_table(person, relay):
    """(header, rows) for managers (403 for members). Values stay typed (numbers as
    numbers, times local to the group) until a format writes them."""
    authorize(person, Action.MANAGE_WIDGET, relay)
    state = relay_state(person, relay, with_log=False)
    with_slots = bool(relay.slots)
    header = [gettext("No."), gettext("Status"), gettext("Waitlist position"), gettext("Name"),
              *[field.label for field in relay.fields], gettext("Guests")]
    if with_slots:
        header.append(gettext("Slot"))
    header += [gettext("Signed up"), gettext("Attended")]
    status = {"confirmed": gettext("Confirmed"), "waitlisted": gettext("Waitlisted")}
    rows = []
    for view in state.entries:
        entry = view.entry
        row = [view.number, status[entry.status], view.waitlist_position, view.name]
        for field in relay.fields:
            value = view.values.get(field.key, "")
            row.append(Decimal(value) if field.type == "number" and value else value)
        row.append(entry.guests)
        if with_slots:
            row.append(entry.slot.label if entry.slot else "")
        signed_up = local_time(relay.group, entry.created_at).replace(tzinfo=None, microsecond=0)
        row += [signed_up, gettext("Yes") if entry.attended_at else ""]
        rows.append(row)
    return header, rows


def _text_cell(value):
    """Text as a spreadsheet shows it, never run as a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_bytes(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_text_cell(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else
                         cell.strftime("%Y-%m-%d %H:%M") if hasattr(cell, "strftime") else
                         str(cell) if isinstance(cell, (int, Decimal)) else _text_cell(cell)
                         for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header, rows, title):
    book = Workbook()
    sheet = book.active
    sheet.title = SAFE_FILENAME.sub("", title)[:31] or "relay"
    for column, cell in enumerate(header, start=1):
        sheet.cell(row=1, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", str(cell)))
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            if value is None or value == "":
                continue
            if isinstance(value, Decimal):
                cell.value = int(value) if value == value.to_integral_value() else float(value)
            elif isinstance(value, int) or hasattr(value, "strftime"):
                cell.value = value
                if hasattr(value, "strftime"):
                    cell.number_format = "yyyy-mm-dd hh:mm"
            else:
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
                cell.data_type = "s"  # openpyxl would read "=…" as a formula
    for column in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(person, relay, kind):
    """The export as a download named after the relay."""
    header, rows = export_table(person, relay)
    name = SAFE_FILENAME.sub("", relay.title).strip()[:60] or "relay"
    if kind == "csv":
        data, mimetype = csv_bytes(header, rows), "text/csv; charset=utf-8"
    else:
        data = xlsx_bytes(header, rows, relay.title)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=f"{name}.{kind}", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def export_for_group(group, person):
    """("relays", …): each relay of the group as the API shows it to its managers
    (entries with private fields, the change log), for the owner's export of the group."""
    relays = db.session.scalars(select(Relay).where(Relay.group_id == group.id).order_by(Relay.id))
    return "relays", [RelaySchema().dump(relay_state(person, relay)) for relay in relays]
