"""The rules of entries: sign up, edit, withdraw or remove, check in at the door, and
import a relay pasted from a chat.

Each change takes the relay's row lock first (Relay.lock), so per-member limits, the
waitlist order and promotions see every committed entry; places move only through the
conditional UPDATEs in places.py, and promotions happen in the same transaction as the
withdrawal that freed them."""
import re
import secrets
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from grouptools.core.access import Action, authorize, can
from grouptools.core.closing import WidgetClosed
from grouptools.core.conditional import version_moved
from grouptools.core.database import commit_or_conflict, holds_write_lock
from grouptools.core.errors import Conflict, Invalid, NotFound
from grouptools.core.groups.service import record_activity
from grouptools.core.i18n import gettext, ngettext
from grouptools.core.models import is_public_id, new_public_id
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.relay import changelog, lockedrows, places
from grouptools.core.valueformats import clean_values
from grouptools.relay.models import ACTIVE_STATUSES, RelayEntry
from grouptools.relay.reading import reply_format


TICKET_SECRET = re.compile(r"[A-Za-z0-9_-]{16,32}")


class RelayFull(Conflict):
    default_message = _l("The list is full, and it has no waitlist.")


class NotOnList(Conflict):
    default_message = _l("This entry is no longer on the list.")


class NoRoom(Conflict):
    default_message = _l("There are not enough free places for that change.")


class NotConfirmed(Conflict):
    default_message = _l("Only confirmed places can be checked in.")


class EntryLimit(Conflict):
    def __init__(self, limit):
        super().__init__(ngettext("You are on this list already (one entry per person).",
                                  "You have %(num)d entries on this list already, the most "
                                  "allowed.", limit))


def _read_again(instance):
    """Read `instance` again now that the relay is locked (another request may have
    changed it while this one waited), unless nobody could have (core.database)."""
    if not holds_write_lock() or inspect(instance).expired_attributes:
        db.session.refresh(instance)


# --- Finding -----------------------------------------------------------------------------------

def find_entry(relay, public_id):
    entry = None
    if is_public_id(public_id):
        entry = db.session.scalar(select(RelayEntry).where(
            RelayEntry.relay_id == relay.id, RelayEntry.public_id == public_id))
    if entry is None:
        raise NotFound()
    return entry


def find_ticket(relay, secret):
    """The entry whose ticket address this is; 404 for anything else (checked before a
    query: PostgreSQL would refuse a NUL character with an error).

    The ticket of an entry withdrawn because its member left or was removed stops
    working altogether; in a closed list their entry stays, and so does its ticket."""
    entry = None
    if TICKET_SECRET.fullmatch(secret or ""):
        entry = db.session.scalar(select(RelayEntry).where(
            RelayEntry.relay_id == relay.id, RelayEntry.ticket_secret == secret))
    if entry is None or (not entry.is_active and entry.for_name is None
                         and not entry.membership.is_active):
        raise NotFound()
    return entry


# --- Checking a reply ---------------------------------------------------------------------------

def _slot_for(slots, slot_id, errors):
    if not slots:
        if slot_id:
            errors["slot_id"] = [gettext("This list has no slots.")]
        return None
    if not slot_id:
        errors["slot_id"] = [gettext("Choose one.")]
        return None
    slot = next((s for s in slots if s.public_id == slot_id), None)
    if slot is None:
        errors["slot_id"] = [gettext("Not a slot of this list.")]
    return slot


def validated(relay, values, guests, slot_id, reply_format=None):
    """(clean values, slot) or Invalid with a message per field (422). `reply_format`:
    (fields, slots), when not the relay's own."""
    fields, slots = reply_format or (relay.fields, relay.slots)
    clean, value_errors = clean_values(fields, values or {})
    errors = {"values": value_errors} if value_errors else {}
    slot = _slot_for(slots, slot_id, errors)
    capacity = slot.capacity if slot is not None else relay.capacity
    if guests > relay.guests_max:
        errors["guests"] = [gettext("This list takes no guests.") if not relay.guests_max else
                            ngettext("Bring at most %(num)d guest.",
                                     "Bring at most %(num)d guests.", relay.guests_max)]
    elif capacity is not None and 1 + guests > capacity:
        errors["guests"] = [ngettext("Your party is larger than the list (%(num)d place).",
                                     "Your party is larger than the list (%(num)d places).",
                                     capacity)]
    if errors:
        raise Invalid(errors)
    return clean, slot


def _new_entry(relay, membership, values, guests, slot, for_name):
    return RelayEntry(relay_id=relay.id, slot_id=slot.id if slot is not None else None,
                      membership_id=membership.id, for_name=for_name, values=values,
                      guests=guests, ticket_secret=secrets.token_urlsafe(18),
                      public_id=new_public_id())


# --- Signing up, editing, withdrawing --------------------------------------------------------

class SignUp(NamedTuple):
    """A sign-up checked against what was read before the write began (prepare_sign_up):
    who, with what, where."""

    person: object
    relay: object
    membership: object
    values: dict
    guests: int
    slot: object  # a RelaySlot, or None
    for_name: str | None


class NewEntry(NamedTuple):
    """A new entry as its writer is told about it (api._created, the page's message)."""

    id: int
    public_id: str
    status: str
    values: dict
    guests: int
    slot_id: int | None
    for_name: str | None
    placed: places.Placed


def sign_up(person, relay, values=None, guests=0, slot_id=None, for_name=None):
    """A new entry: confirmed while places are free and nobody waits, else waitlisted
    (or 409 when full without a waitlist). `for_name`: an organiser adds someone who
    replied in the chat; it belongs to the organiser and counts against capacity."""
    return enter(prepare_sign_up(person, relay, values, guests, slot_id, for_name))


def prepare_sign_up(person, relay, values=None, guests=0, slot_id=None, for_name=None):
    """Everything about a sign-up that needs no lock: who may, the reply checked against
    the relay's format (its fields and slots read here). A route runs it before its write
    begins (core.database.before_the_write), so SQLite's writer's turn is not held while
    it runs; `enter` then re-reads under the lock whatever a parallel writer could have
    changed. A format changed in between is the format the entry was made under, as for
    every entry made before the change."""
    membership = authorize(person, Action.ACT, relay)
    if for_name is not None:
        authorize(person, Action.MANAGE_WIDGET, relay)
    if for_name is None and relay.is_closed():
        raise WidgetClosed(relay)
    clean, slot = validated(relay, values, guests, slot_id, reply_format(relay))
    return SignUp(person, relay, membership, clean, guests, slot, for_name)


def enter(plan):
    """Put a prepared sign-up on the list, under the relay's lock: the per-member limit,
    the waitlist and the places as they are now; the entry, its log line and the
    member's activity written as plain statements (no ORM flush while the lock is held;
    on PostgreSQL, for an entry without a slot, one: lockedrows._entered_statement).
    Returns a NewEntry."""
    relay, membership, slot = plan.relay, plan.membership, plan.slot
    slot_id = slot.id if slot is not None else None
    connection = db.session.connection()
    state = lockedrows.sign_up_state(connection, relay.id, slot_id, membership.id,
                                 membership.id if plan.for_name is None else None)
    if state is None:
        raise NotFound()
    if state.membership_status != "active":
        # Removed (or left) while this request waited for the lock: their entries were
        # just withdrawn, and a new one must not slip in behind that.
        raise NotFound()
    now = utcnow()
    if plan.for_name is None and (state.closed_at is not None or (
            relay.DEADLINE_CLOSES and state.deadline is not None and state.deadline <= now)):
        raise WidgetClosed(relay)
    if plan.for_name is None and state.mine >= state.per_member_max:
        raise EntryLimit(state.per_member_max)
    public_id = new_public_id()
    row = {"relay_id": relay.id, "slot_id": slot_id, "membership_id": membership.id,
           "for_name": plan.for_name, "values": plan.values, "guests": plan.guests,
           "ticket_secret": secrets.token_urlsafe(18), "public_id": public_id}
    log = {"added": plan.for_name is not None, "slot": slot.label if slot else None}
    confirmed = places.Placed(public_id, "confirmed", state.confirmed + 1, None)
    waitlisted = places.Placed(public_id, "waitlisted", None, state.waitlisted + 1)
    version_moved(relay)
    if connection.dialect.name == "postgresql" and slot_id is None:
        # The place, the entry, its log line and the activity in one statement.
        entered = {**row, "actor_id": plan.person.id, "now": now, "places": 1 + plan.guests}
        entry_id = None if state.waitlisted else lockedrows.enter_in_one(
            connection, "confirmed", relay.group_id,
            {**entered, "kind": "joined", "params": {"number": confirmed.number, **log}})
        placed = confirmed
        if entry_id is None:
            if not state.waitlist:
                raise RelayFull()
            placed = waitlisted
            entry_id = lockedrows.enter_in_one(connection, "waitlisted", relay.group_id, {
                **entered, "kind": "waitlisted",
                "params": {"position": waitlisted.waitlist_position, **log}})
    else:
        entry_id, placed = lockedrows.enter_step_by_step(
            connection, state, row, log, now, plan.person.id, 1 + plan.guests,
            confirmed, waitlisted)
        if entry_id is None:
            raise RelayFull()
    commit_or_conflict()
    return NewEntry(entry_id, public_id, placed.status, plan.values, plan.guests, slot_id,
                    plan.for_name, placed)


def entrant_or_manager(person, entry):
    """(the asker's membership, is it their own entry, may they manage the relay), or
    the refusal (core.access: the item's owner or the widget's managers)."""
    membership = authorize(person, Action.CHANGE_OWN_ITEM, entry)
    mine = entry.owner_membership_id == membership.id
    manager = can(person, Action.MANAGE_WIDGET, entry.relay, membership)
    return membership, mine, manager


def _locked_entry(entry):
    relay = entry.relay.lock()
    _read_again(entry)
    if not entry.is_active:
        raise NotOnList()
    return relay


def _where(entry):
    return {"number": places.number_of(entry), "position": places.position_of(entry)}


def edit_entry(person, entry, values=None, guests=None, slot_id=None):
    """Change an entry (re-validated as a whole). A confirmed party keeps its number
    unless it moves slot; growing it needs free places nobody waits for; shrinking it
    or leaving a slot promotes the waitlist."""
    membership, mine, manager = entrant_or_manager(person, entry)
    if not manager and entry.relay.is_closed():
        raise WidgetClosed(entry.relay)
    relay = _locked_entry(entry)
    record_activity(membership)
    guests = entry.guests if guests is None else guests
    if slot_id is None and entry.slot is not None:
        slot_id = entry.slot.public_id
    # Answers to fields removed since stay with the entry (the export shows them).
    current = {field.key for field in relay.fields}
    answered = {key: value for key, value in entry.values.items() if key in current}
    removed = {key: value for key, value in entry.values.items() if key not in current}
    clean, slot = validated(relay, {**answered, **(values or {})}, guests, slot_id)
    before = _where(entry)
    old_slot = entry.slot
    moved = slot is not None and old_slot is not None and slot.id != old_slot.id
    entry.values = {**removed, **clean}
    if entry.status == "confirmed":
        if moved:
            if places.someone_waits(relay, slot) or not places.reserve(relay, slot, 1 + guests):
                raise NoRoom(gettext("“%(slot)s” has no free place.", slot=slot.label))
            places.release(relay, old_slot, entry.places)
            entry.slot, entry.guests = slot, guests
            places.confirm(relay, entry)
        elif guests > entry.guests:
            extra = guests - entry.guests
            if places.someone_waits(relay, slot) or not places.reserve(relay, slot, extra):
                raise NoRoom()
            entry.guests = guests
        elif guests < entry.guests:
            places.release(relay, slot, entry.guests - guests)
            entry.guests = guests
    elif moved:
        entry.guests = guests
        if not places.someone_waits(relay, slot) and places.reserve(relay, slot, 1 + guests):
            places.confirm(relay, entry)
        else:
            places.queue(relay, entry)
        entry.slot = slot
    else:
        entry.guests = guests
    db.session.flush()
    promoted = places.promote_waitlist(relay, old_slot if moved else slot)
    changelog.record(relay, "edited", entry, person, **before,
                     slot=old_slot.label if old_slot else None,
                     promoted=changelog.promoted_params(promoted))
    commit_or_conflict()
    return entry


def withdraw_entry(person, entry):
    """The entrant withdraws, or an organiser removes; freed places go to the front of
    the waitlist in the same transaction. Doing it twice changes nothing. Returns the
    entry, its status ("withdrawn" or "removed") as it is now."""
    membership, mine, manager = entrant_or_manager(person, entry)
    set_committed_value(entry, "status", take_back(person, entry, membership, mine))
    return entry


def take_back(person, entry, membership, mine):
    """withdraw_entry once the asker is known to be its entrant (`mine`) or a manager
    (entrant_or_manager, which a route runs before its write begins): under the relay's
    lock, where the entry stands now is read in one statement, and the entry, the places,
    the promotions, the log line and the member's activity are written as plain
    statements (no ORM flush while SQLite's writer's turn is held; on PostgreSQL, when
    nobody moves up and the entry has no slot, one: lockedrows._taken_back_statement).
    Returns the entry's status now."""
    connection = db.session.connection()
    lockedrows.lock_relay(connection, entry.relay_id)
    standing = lockedrows.entry_standing(connection, entry.id, entry.slot_id is not None)
    if standing is None or standing.status not in ACTIVE_STATUSES:
        return standing.status if standing is not None else entry.status
    status, now = "withdrawn" if mine else "removed", utcnow()
    was_confirmed = standing.status == "confirmed"
    params = {"number": standing.number, "position": standing.waitlist_position,
              "slot": standing.slot_label, "promoted": []}
    log = {"relay_id": entry.relay_id, "entry_id": entry.id, "actor_id": person.id,
           "kind": "withdrew" if mine else "removed", "params": params}
    if was_confirmed:
        version_moved(entry.relay)
    if connection.dialect.name == "postgresql" and standing.slot_id is None \
            and not (was_confirmed and standing.someone_waits):
        # Nobody moves up: the entry, the places, the activity and the log in one.
        lockedrows.take_back_in_one(connection, was_confirmed, entry.relay.group_id, {
            **log, "now": now, "new_status": status, "places": 1 + standing.guests,
            "membership_id": membership.id})
    else:
        lockedrows.take_back_step_by_step(connection, standing, log, status, now,
                                          membership.id)
    commit_or_conflict()
    return status


def take_off_list(relay, entry, status, log_kind, actor):
    """Take an active entry off the list (under the relay's lock, in the caller's
    transaction): its places go back and the waitlist moves up, and the log says so."""
    before = places.standing(entry)
    was_confirmed = entry.status == "confirmed"
    slot = entry.slot
    entry.status = status
    entry.withdrawn_at = utcnow()
    db.session.flush()
    promoted = []
    if was_confirmed:
        places.release(relay, slot, entry.places)
        if before.someone_waits:
            promoted = places.promote_waitlist(relay, slot, before.confirmed - 1)
    changelog.record(relay, log_kind, entry, actor, number=before.number,
                     position=before.waitlist_position,
                     slot=slot.label if slot else None,
                     promoted=changelog.promoted_params(promoted))


def mark_attended(person, entry, attended=True):
    """Check a confirmed entry in at the door (organisers), or undo it."""
    authorize(person, Action.MANAGE_WIDGET, entry.relay)
    relay = _locked_entry(entry)
    if entry.status != "confirmed":
        raise NotConfirmed()
    if attended != (entry.attended_at is not None):
        entry.attended_at = utcnow() if attended else None
        changelog.record(relay, "attended" if attended else "unattended", entry, person,
                         number=places.number_of(entry),
                         slot=entry.slot.label if entry.slot else None)
    commit_or_conflict()
    return entry
