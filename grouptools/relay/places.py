"""Places on a relay: reserving them, giving them back, and promoting the waitlist.

Every function here runs inside a transaction that holds the relay's row lock (`lock`):
FOR UPDATE on PostgreSQL, SQLite's write lock (BEGIN IMMEDIATE) there. The places
themselves move only through conditional UPDATEs — `taken + n <= capacity` in the WHERE
clause, the row count saying whether they were free — so even a path that forgot the
lock could not over-fill a list, and a CHECK constraint stands behind both
(docs/architecture.md#traps-of-this-stack)."""
from sqlalchemy import func, or_, select, update

from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.relay.models import Relay, RelayEntry, RelaySlot

NO_SYNC = {"synchronize_session": False}


def _take(model, row_id, places):
    statement = (
        update(model)
        .where(model.id == row_id,
               or_(model.capacity.is_(None), model.taken + places <= model.capacity))
        .values(taken=model.taken + places)
        .execution_options(**NO_SYNC)
    )
    return db.session.execute(statement).rowcount == 1


def _give_back(model, row_id, places):
    db.session.execute(update(model).where(model.id == row_id)
                       .values(taken=model.taken - places).execution_options(**NO_SYNC))


def reserve(relay, slot, places):
    """Take `places` on the slot (if any) and on the relay; False, and nothing taken,
    when they are not free."""
    if slot is not None and not _take(RelaySlot, slot.id, places):
        return False
    if not _take(Relay, relay.id, places):
        if slot is not None:
            _give_back(RelaySlot, slot.id, places)
        return False
    _expire(relay, slot)
    return True


def release(relay, slot, places):
    if slot is not None:
        _give_back(RelaySlot, slot.id, places)
    _give_back(Relay, relay.id, places)
    _expire(relay, slot)


def _expire(relay, slot):
    db.session.expire(relay, ["taken"])
    if slot is not None:
        db.session.expire(slot, ["taken"])


def next_seq(relay):
    """The next number in the relay's order of events (under its row lock)."""
    seq = db.session.execute(
        update(Relay).where(Relay.id == relay.id).values(seq=Relay.seq + 1)
        .returning(Relay.seq).execution_options(**NO_SYNC)
    ).scalar_one()
    db.session.expire(relay, ["seq"])
    return seq


def _in_slot(query, relay_id, slot_id):
    query = query.where(RelayEntry.relay_id == relay_id)
    return query.where(RelayEntry.slot_id == slot_id) if slot_id is not None \
        else query.where(RelayEntry.slot_id.is_(None))


def _slot_id(slot):
    return slot.id if slot is not None else None


def someone_waits(relay, slot):
    """Whether anyone is on the slot's waitlist: a newcomer then queues behind them,
    even where a place is free (it is being kept for a party that does not fit yet)."""
    query = _in_slot(select(RelayEntry.id), relay.id, _slot_id(slot))
    query = query.where(RelayEntry.status == "waitlisted")
    return db.session.scalar(query.limit(1)) is not None


def confirm(relay, entry, now=None):
    seq = next_seq(relay)  # first: its UPDATE flushes the session
    entry.status, entry.confirmed_seq, entry.confirmed_at = "confirmed", seq, now or utcnow()


def queue(relay, entry):
    """To the end of the waitlist: re-joining never keeps an old place in it."""
    seq = next_seq(relay)
    entry.status, entry.waitlist_seq = "waitlisted", seq


def place(relay, entry, slot):
    """Confirm the entry where its places are free and nobody waits before it; else
    "waitlisted", or None when the list is full and has no waitlist."""
    if not someone_waits(relay, slot) and reserve(relay, slot, entry.places):
        confirm(relay, entry)
        return "confirmed"
    if relay.waitlist:
        queue(relay, entry)
        return "waitlisted"
    return None


def promote_waitlist(relay, slot):
    """Fill freed places from the front of the slot's waitlist, strictly first come first
    served: a party that does not fit stops the promotion, and nobody behind it jumps
    ahead. Returns [(waitlist position, number, entry)] of those promoted."""
    waiting = db.session.scalars(
        _in_slot(select(RelayEntry), relay.id, _slot_id(slot))
        .where(RelayEntry.status == "waitlisted").order_by(RelayEntry.waitlist_seq)
    ).all()
    promoted = []
    now = utcnow()
    for position, entry in enumerate(waiting, start=1):
        if not reserve(relay, slot, entry.places):
            break
        confirm(relay, entry, now)
        promoted.append((position, entry))
    return [(position, number_of(entry), entry) for position, entry in promoted]


def number_of(entry):
    """The entry's number (1…n in confirmation order within its slot), or None."""
    if entry.status != "confirmed":
        return None
    query = _in_slot(select(func.count(RelayEntry.id)), entry.relay_id, entry.slot_id)
    return db.session.scalar(query.where(RelayEntry.status == "confirmed",
                                         RelayEntry.confirmed_seq <= entry.confirmed_seq))


def position_of(entry):
    """The entry's place on its slot's waitlist (1…k by when it joined it), or None."""
    if entry.status != "waitlisted":
        return None
    query = _in_slot(select(func.count(RelayEntry.id)), entry.relay_id, entry.slot_id)
    return db.session.scalar(query.where(RelayEntry.status == "waitlisted",
                                         RelayEntry.waitlist_seq <= entry.waitlist_seq))
