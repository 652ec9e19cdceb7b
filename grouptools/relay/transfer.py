"""A relay carried in its group's zip (core.transfer): its settings, reply format and
slots, every entry with its values (private fields included: the owner may see them)
and the change log. Ticket secrets are never written: each imported entry gets a new
ticket."""
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grouptools.core.errors import Invalid
from grouptools.core.export import csv_text
from grouptools.core.transfer import WidgetTransfer, rows_of
from grouptools.extensions import db
from grouptools.relay.export import export_table
from grouptools.relay.models import Relay, RelayEntry, RelayField, RelayLog, RelaySlot

NESTED = ("created_by", "fields", "slots", "entries", "log")
SECRETS = ("ticket_secret",)


def export_data(relay, refs):
    entries = db.session.scalars(select(RelayEntry).where(RelayEntry.relay_id == relay.id)
                                 .order_by(RelayEntry.id)).all()
    log = db.session.scalars(select(RelayLog).where(RelayLog.relay_id == relay.id)
                             .order_by(RelayLog.id)).all()
    slot_of = {slot.id: slot.position for slot in relay.slots}
    entry_of = {entry.id: number for number, entry in enumerate(entries)}
    return {
        **refs.columns(relay), "created_by": refs.person(relay.created_by_id),
        "fields": [refs.columns(field) for field in relay.fields],
        "slots": [refs.columns(slot) for slot in relay.slots],
        "entries": [{**refs.columns(entry, skip=SECRETS), "member": refs.member(entry.membership_id),
                     "slot": slot_of.get(entry.slot_id)} for entry in entries],
        "log": [{**refs.columns(line), "entry": entry_of.get(line.entry_id),
                 "actor": refs.person(line.actor_id)} for line in log],
    }


def _nth(rows, index, what):
    if index is None:
        return None
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(rows):
        raise Invalid({what: [str(_l("Names a row this widget does not have."))]})
    return rows[index]


def import_data(group, data, refs):
    relay = Relay(group=group, created_by_id=refs.person_id(data.get("created_by")),
                  **refs.columns(Relay, data, without=NESTED))
    relay.fields = [RelayField(**refs.columns(RelayField, row)) for row in rows_of(data, "fields")]
    relay.slots = [RelaySlot(**refs.columns(RelaySlot, row)) for row in rows_of(data, "slots")]
    db.session.add(relay)
    db.session.flush()
    slots = sorted(relay.slots, key=lambda slot: slot.position)
    entries = []
    for row in rows_of(data, "entries"):
        slot = _nth(slots, row.get("slot"), "slot")
        entry = RelayEntry(relay_id=relay.id, slot_id=slot.id if slot else None,
                           membership_id=refs.member(row.get("member")).id,
                           ticket_secret=secrets.token_urlsafe(18),
                           **refs.columns(RelayEntry, row, skip=SECRETS,
                                          without=("member", "slot")))
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    for row in rows_of(data, "log"):
        entry = _nth(entries, row.get("entry"), "entry")
        actor = row.get("actor")
        db.session.add(RelayLog(relay_id=relay.id, entry_id=entry.id if entry else None,
                                actor_id=refs.person_id(actor) if actor else None,
                                **refs.columns(RelayLog, row, without=("entry", "actor"))))
    return relay


def export_csv(person, relay):
    return csv_text(*export_table(person, relay))


TRANSFER = WidgetTransfer(export_data=export_data, import_data=import_data,
                          export_csv=export_csv)
