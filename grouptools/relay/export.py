"""The list as a spreadsheet for organisers: CSV (UTF-8 with a BOM, so Excel reads
Chinese) and XLSX (openpyxl). One row per entry on the list — confirmed in number
order, then the waitlist — with every field, private ones included, and the answers to
fields removed after people replied: only managers get
here (export_table asks core.access). Cells are written by core.export, which keeps
every text a text (no formula, whatever a label or a value starts with)."""
import io
import re
from decimal import Decimal

from flask import send_file
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grouptools.core.access import Action, authorize
from grouptools.core.export import CSV_MIMETYPE, XLSX_MIMETYPE, csv_text, xlsx_bytes
from grouptools.core.i18n import gettext
from grouptools.core.timeutil import local_time
from grouptools.extensions import db
from grouptools.relay.models import Relay
from grouptools.relay.schemas import RelaySchema
from grouptools.relay.replyformat import removed_fields
from grouptools.relay.service import relay_state, relay_states

SAFE_FILENAME = re.compile(r"[^\w\- ]+")


def export_table(person, relay):
    """(header, rows) for managers (403 for members). Values stay typed (numbers as
    numbers, times local to the group) until a format writes them."""
    authorize(person, Action.MANAGE_WIDGET, relay)
    state = relay_state(person, relay, with_log=False)
    with_slots = bool(relay.slots)
    removed = removed_fields(relay)
    header = [gettext("No."), gettext("Status"), gettext("Waitlist position"), gettext("Name"),
              *[field.label for field in relay.fields],
              *[gettext("%(field)s (removed)", field=label) for _, label in removed],
              gettext("Guests")]
    if with_slots:
        header.append(gettext("Slot"))
    header += [gettext("Signed up"), gettext("Attended")]
    status = {"confirmed": gettext("Confirmed"), "waitlisted": gettext("Waitlisted")}
    rows = []
    for view in state.entries:
        row = [view.number, status[view.status], view.waitlist_position, view.name]
        for field in relay.fields:
            value = view.values.get(field.key, "")
            row.append(Decimal(value) if field.type == "number" and value else value)
        row += [view.values.get(key, "") for key, _ in removed]
        row.append(view.guests)
        if with_slots:
            row.append(view.slot.label if view.slot else "")
        signed_up = local_time(relay.group, view.created_at).replace(tzinfo=None, microsecond=0)
        row += [signed_up, gettext("Yes") if view.attended_at else ""]
        rows.append(row)
    return header, rows


def download(person, relay, kind):
    """The export as a download named after the relay."""
    header, rows = export_table(person, relay)
    name = SAFE_FILENAME.sub("", relay.title).strip()[:60] or "relay"
    if kind == "csv":
        data, mimetype = csv_text(header, rows).encode("utf-8"), CSV_MIMETYPE
    else:
        data, mimetype = xlsx_bytes(header, rows, relay.title), XLSX_MIMETYPE
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=f"{name}.{kind}", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def export_for_group(group, person):
    """("relays", …): each relay of the group as the API shows it to its managers
    (entries with private fields, the change log), for the owner's export of the group."""
    relays = db.session.scalars(select(Relay).where(Relay.group_id == group.id)
                                .options(selectinload(Relay.fields), selectinload(Relay.slots))
                                .order_by(Relay.id)).all()
    return "relays", RelaySchema(many=True).dump(relay_states(person, relays))
