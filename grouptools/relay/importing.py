"""Import: entries from a relay pasted from a chat (organisers), checked like any reply."""
from sqlalchemy import select

from grouptools.core.access import Action, authorize
from grouptools.core.database import commit_or_conflict
from grouptools.core.errors import Invalid
from grouptools.core.i18n import gettext, labelled, sentences
from grouptools.core.visibletext import clean_visible_text, has_visible_character
from grouptools.extensions import db
from grouptools.relay import changelog, chattext, places
from grouptools.relay.models import ACTIVE_STATUSES, RelayEntry
from grouptools.relay.signups import _new_entry, validated


def _reason(relay, error):
    """One line saying why a pasted line was refused, in one punctuation style:
    "手机号：不是有效的手机号码。场次：选一项。" or
    "手机号: Not a valid phone number. Slot: Choose one."."""
    errors = error.errors or {}
    labels = {f.key: f.label for f in relay.fields}
    parts = [labelled(labels.get(key, key), sentences(messages))
             for key, messages in (errors.get("values") or {}).items()]
    for key, label in (("guests", gettext("Guests")), ("slot_id", gettext("Slot"))):
        if key in errors:
            parts.append(labelled(label, sentences(errors[key])))
    return sentences(parts) or str(error.message)


def _signature(name, values, slot_id):
    return name, tuple(sorted(values.items())), slot_id


def import_text(person, relay, text):
    """Entries from a relay pasted from a chat (organisers). Each numbered line is split
    into the name and the fields in order and checked like any reply; what fits is
    created (owned by the importing organiser, carrying the line's name), and every
    refused line comes back with its reason. Lines already on the list are skipped."""
    membership = authorize(person, Action.MANAGE_WIDGET, relay)
    relay = relay.lock()
    slots = {slot.label: slot for slot in relay.slots}
    existing = {_signature(e.name, e.values, e.slot_id) for e in db.session.scalars(
        select(RelayEntry).where(RelayEntry.relay_id == relay.id,
                                 RelayEntry.status.in_(ACTIVE_STATUSES)))}
    created, rejected = [], []

    def refuse(line, reason):
        rejected.append({"line": line.line, "text": line.text, "reason": reason,
                         "slot": line.slot_label})

    for line in chattext.parse_relay_text(relay, text):
        if line.error:
            refuse(line, line.error)
            continue
        line.name = clean_visible_text(line.name)
        if not has_visible_character(line.name):
            refuse(line, gettext("The name shows as blank: type at least one visible character."))
            continue
        if len(line.name) > RelayEntry.FOR_NAME_MAX:
            refuse(line, gettext("The name is too long."))
            continue
        slot_id = slots[line.slot_label].public_id if line.slot_label in slots else None
        try:
            clean, slot = validated(relay, line.values, line.guests, slot_id)
        except Invalid as error:
            refuse(line, _reason(relay, error))
            continue
        signature = _signature(line.name, clean, slot.id if slot else None)
        if signature in existing:
            refuse(line, gettext("Already on the list."))
            continue
        entry = _new_entry(relay, membership, clean, line.guests, slot, line.name)
        entry.placed = places.place(relay, entry, slot, places.counts(relay, slot))
        if entry.placed is None:
            refuse(line, gettext("The list is full, and it has no waitlist."))
            continue
        db.session.add(entry)
        existing.add(signature)
        created.append(entry)
    db.session.flush()
    if created:
        changelog.record(relay, "imported", actor=person, created=len(created),
                         rejected=len(rejected))
    commit_or_conflict()
    return created, rejected
