"""The rules of relays themselves: create, settings, close, the group page's lines. What
one asker sees of a relay (numbers, waitlist, private fields, the log) is read in
reading.py (and answered from here too). Entries — signing up,
editing, withdrawing, promotion, tickets, import — are in signups.py.

Plain functions over the models; each asks core.access first and commits its own unit
of work. Anything that moves places holds the relay's row lock (Relay.lock)."""
from dataclasses import dataclass
from functools import partial

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, func, select, update

from grouptools.core.access import Action, authorize, can, membership_of
from grouptools.core.closing import close_widget, set_closed
from grouptools.core.copying import common_columns
from grouptools.core.database import commit_or_conflict
from grouptools.core.errors import Conflict, Invalid
from grouptools.core.i18n import gettext
from grouptools.extensions import db
from grouptools.relay import changelog, places, replyformat
from grouptools.relay.models import ACTIVE_STATUSES, Relay, RelayEntry, RelayField, RelaySlot
from grouptools.relay.reading import (  # noqa: F401 (what callers read from the service)
    EntryView,
    RelayState,
    relay_state,
    relay_states,
    shown_values,
)

FIELD_COLUMNS = ("position", "key", "label", "type", "required", "pattern", "hint", "choices",
                 "private")
SETTINGS = ("title", "description", "starts_at", "place", "waitlist", "guests_max",
            "per_member_max", "deadline")


class FormatFixed(Conflict):
    default_message = _l("People have signed up already: the slots can no longer be "
                         "replaced.")


class CapacityBelowTaken(Conflict):
    def __init__(self, taken, field=None):
        message = gettext("%(taken)d places are taken already: the capacity cannot be lower "
                          "than that.", taken=taken)
        super().__init__(message, errors={field: [message]} if field else None)


# --- Finding ------------------------------------------------------------------------------

# --- Creating and settings ------------------------------------------------------------------

def _check_slots_and_capacity(capacity, slots):
    if slots and capacity is not None:
        raise Invalid({"capacity": [gettext("With slots, give each slot its own capacity "
                                            "and leave this empty.")]})


def create_relay(person, group, title, description="", fields=(), capacity=None,
                 waitlist=True, guests_max=0, per_member_max=1, slots=(), deadline=None,
                 starts_at=None, place=""):
    authorize(person, Action.CREATE_WIDGET, group)
    _check_slots_and_capacity(capacity, slots)
    relay = Relay(group=group, created_by_id=person.id, title=title, description=description,
                  capacity=capacity, waitlist=waitlist, guests_max=guests_max,
                  per_member_max=per_member_max, deadline=deadline, starts_at=starts_at,
                  place=place)
    relay.fields = replyformat.new_fields(fields)
    relay.slots = [RelaySlot(position=i, label=s["label"], capacity=s.get("capacity"))
                   for i, s in enumerate(slots)]
    db.session.add(relay)
    db.session.flush()
    changelog.record(relay, "created", actor=person)
    commit_or_conflict()
    return relay


def copy_relay(person, relay, group):
    """The WidgetKind `copy` hook (core.copying): a new open list in `group` with the same
    reply format, places, slots and waitlist rules, and no entries."""
    copy = Relay(**common_columns(person, relay, group), capacity=relay.capacity,
                 waitlist=relay.waitlist, guests_max=relay.guests_max,
                 per_member_max=relay.per_member_max, starts_at=relay.starts_at,
                 place=relay.place)
    copy.fields = [RelayField(**{column: getattr(field, column) for column in FIELD_COLUMNS})
                   for field in relay.fields]
    copy.slots = [RelaySlot(position=slot.position, label=slot.label, capacity=slot.capacity)
                  for slot in relay.slots]
    db.session.add(copy)
    db.session.flush()
    changelog.record(copy, "created", actor=person)
    return copy


def _has_entries(relay):
    return db.session.scalar(select(RelayEntry.id).where(RelayEntry.relay_id == relay.id)
                             .limit(1)) is not None


def _set_capacity(model, row, capacity):
    """Change a capacity only if it still holds what is taken (a conditional UPDATE, so a
    sign-up committing meanwhile cannot slip past the check)."""
    statement = update(model).where(model.id == row.id)
    if capacity is not None:
        statement = statement.where(model.taken <= capacity)
    changed = db.session.execute(statement.values(capacity=capacity)
                                 .execution_options(**places.NO_SYNC)).rowcount == 1
    db.session.expire(row, ["capacity", "taken"])
    if not changed:
        raise CapacityBelowTaken(row.taken, "capacity" if model is Relay else None)


def _change_capacity(person, relay, slot, capacity):
    row = slot if slot is not None else relay
    old = row.capacity
    if old == capacity:
        return
    _set_capacity(type(row), row, capacity)
    promoted = places.promote_waitlist(relay, slot)
    changelog.record(relay, "capacity", actor=person, old=old, new=capacity,
                     slot=slot.label if slot is not None else None,
                     promoted=changelog.promoted_params(promoted))


def _update_slots(person, relay, slots):
    existing = {slot.public_id: slot for slot in relay.slots}
    if bool(existing) != bool(slots) and _has_entries(relay):
        raise FormatFixed()
    kept = set()
    for position, data in enumerate(slots):
        slot = existing.get(data.get("id")) if data.get("id") else None
        if data.get("id") and slot is None:
            raise Invalid({"slots": {position: {"id": [gettext("Not a slot of this list.")]}}})
        if slot is None:
            slot = RelaySlot(position=position, label=data["label"], capacity=data.get("capacity"))
            relay.slots.append(slot)
            continue
        kept.add(slot.public_id)
        slot.position, slot.label = position, data["label"]
        if "capacity" in data:
            _change_capacity(person, relay, slot, data["capacity"])
    for public_id, slot in existing.items():
        if public_id in kept:
            continue
        in_use = db.session.scalar(select(RelayEntry.id).where(
            RelayEntry.slot_id == slot.id, RelayEntry.status.in_(ACTIVE_STATUSES)).limit(1))
        if in_use is not None:
            raise Conflict(gettext("“%(slot)s” has entries: move or remove them first.",
                                   slot=slot.label))
        relay.slots.remove(slot)


def update_relay(person, relay, **changes):
    """Settings (managers). Capacity may not drop below what is taken (409); the reply
    format is replaced while nobody has signed up and revised after (replyformat);
    slots are replaced only while nobody has signed up."""
    authorize(person, Action.MANAGE_WIDGET, relay)
    relay = relay.lock()
    for key in SETTINGS:
        if key in changes:
            setattr(relay, key, changes[key])
    if "fields" in changes:
        if _has_entries(relay):
            replyformat.revise_fields(person, relay, changes["fields"])
        else:
            relay.fields = []
            db.session.flush()
            relay.fields = replyformat.new_fields(changes["fields"])
    slots = changes["slots"] if "slots" in changes else relay.slots
    if "capacity" in changes:
        _check_slots_and_capacity(changes["capacity"], slots)
        _change_capacity(person, relay, None, changes["capacity"])
    if "slots" in changes:
        _check_slots_and_capacity(relay.capacity, changes["slots"])
        _update_slots(person, relay, changes["slots"])
    if "closed" in changes:
        _set_closed(person, relay, changes["closed"])
    commit_or_conflict()
    return relay


def _record_closing(person, relay, closed):
    changelog.record(relay, "closed" if closed else "reopened", actor=person)


def _set_closed(person, relay, closed):
    """Within update_relay, which holds the lock already."""
    if set_closed(relay, closed)[0]:
        _record_closing(person, relay, closed)


def close_relay(person, relay, closed=True):
    relay, _ = close_widget(person, relay, closed,
                            on_change=partial(_record_closing, person))
    commit_or_conflict()
    return relay


# --- What one asker sees: reading.py ----------------------------------------------------------

# --- The group page's list -------------------------------------------------------------------

@dataclass
class Summary:
    relay: Relay
    waitlisted: int
    mine: int
    slot_capacity: int | None  # the slots' capacities summed; None without slots or limits


def relay_summaries(group, person):
    """Each relay of the group with its waitlist length, the asker's entries and its
    slots' capacity: one statement however many relays (counted beside each relay)."""
    membership = membership_of(person, group)
    if not can(person, Action.VIEW_GROUP, group, membership):
        return []
    rows = db.session.execute(_GROUP_RELAYS, {"group_id": group.id,
                                              "membership_id": membership.id}).all()
    return [Summary(relay, waitlisted, mine, capacity)
            for relay, waitlisted, mine, capacity in rows]


def entries_counted(*conditions):
    """A relay's entries meeting `conditions`, counted beside it (correlated with Relay)."""
    return (select(func.count()).select_from(RelayEntry)
            .where(RelayEntry.relay_id == Relay.id, *conditions).scalar_subquery())


def slots_capacity():
    """The sum of a relay's slots' capacities when every slot has one, else NULL
    (correlated with Relay): what its summary line counts places against."""
    slots = func.count(RelaySlot.id)
    return (select(case((and_(slots > 0, func.count(RelaySlot.capacity) == slots),
                         func.sum(RelaySlot.capacity))))
            .where(RelaySlot.relay_id == Relay.id).scalar_subquery())


def _group_relays():
    """relay_summaries' statement, built once with the group and the reader as
    parameters (bench/inprocess.py)."""
    count, slot_capacity = entries_counted, slots_capacity()
    return (select(Relay, count(RelayEntry.status == "waitlisted"),
                   count(RelayEntry.membership_id == bindparam("membership_id"),
                         RelayEntry.for_name.is_(None), RelayEntry.status.in_(ACTIVE_STATUSES)),
                   slot_capacity)
            .where(Relay.group_id == bindparam("group_id")).order_by(Relay.created_at.desc()))


_GROUP_RELAYS = _group_relays()
