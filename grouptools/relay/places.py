"""Places on a relay: reserving them, giving them back, and promoting the waitlist.

Every function here runs inside a transaction that holds the relay's row lock (`lock`):
FOR UPDATE on PostgreSQL, SQLite's write lock (BEGIN IMMEDIATE) there. The places
themselves move only through conditional UPDATEs — `taken + n <= capacity` in the WHERE
clause, the row count saying whether they were free — so even a path that forgot the
lock could not over-fill a list, and a CHECK constraint stands behind both
(docs/architecture.md#traps-of-this-stack)."""
from typing import NamedTuple

from sqlalchemy import bindparam, func, or_, select, update

from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.relay.models import ACTIVE_STATUSES, Relay, RelayEntry, RelaySlot

NO_SYNC = {"synchronize_session": False}


class Placed(NamedTuple):
    """Where a new entry went, as its writer is answered: its status, and its number or
    its place on the waitlist at that moment."""

    public_id: str
    status: str
    number: int | None
    waitlist_position: int | None


class Counts(NamedTuple):
    """What a new entry's place depends on: the entries confirmed and waiting in its
    slot (or the relay), and the asker's own entries on the relay."""

    confirmed: int
    waitlisted: int
    mine: int


def _count(*conditions):
    return (select(func.count()).select_from(RelayEntry)
            .where(RelayEntry.relay_id == bindparam("relay_id"), *conditions).scalar_subquery())


def _slot_clause(with_slot):
    return RelayEntry.slot_id == bindparam("slot_id") if with_slot else RelayEntry.slot_id.is_(None)


# Built once, with and without a slot: each count is read by its own index.
_COUNTS = {with_slot: select(
    _count(_slot_clause(with_slot), RelayEntry.status == "confirmed"),
    _count(_slot_clause(with_slot), RelayEntry.status == "waitlisted"),
    _count(RelayEntry.membership_id == bindparam("membership_id"),
           RelayEntry.for_name.is_(None), RelayEntry.status.in_(ACTIVE_STATUSES)),
) for with_slot in (False, True)}


def counts(relay, slot, membership=None):
    """Counts of the slot (or the relay) and of `membership`'s own entries (0 without
    one): one statement, under the relay's lock."""
    row = db.session.execute(_COUNTS[slot is not None], {
        "relay_id": relay.id, "slot_id": _slot_id(slot),
        "membership_id": membership.id if membership is not None else None}).one()
    return Counts(*row)


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


_TAKE_NUMBERED = (
    update(Relay)
    .where(Relay.id == bindparam("relay_id"),
           or_(Relay.capacity.is_(None), Relay.taken + bindparam("places") <= Relay.capacity))
    .values(taken=Relay.taken + bindparam("places"), seq=Relay.seq + 1)
    .returning(Relay.seq).execution_options(**NO_SYNC)
)


def _reserve_numbered(relay, slot, places):
    """reserve() and next_seq() in one: take `places` on the slot (if any) and on the
    relay, and the next number of the relay's order with them; None, and nothing
    taken, when they are not free."""
    if slot is not None and not _take(RelaySlot, slot.id, places):
        return None
    seq = db.session.execute(_TAKE_NUMBERED, {"relay_id": relay.id, "places": places}).scalar()
    if seq is None and slot is not None:
        _give_back(RelaySlot, slot.id, places)
    _expire(relay, slot)
    db.session.expire(relay, ["seq"])
    return seq


def place(relay, entry, slot, before):
    """Confirm the entry where its places are free and nobody waits before it, else
    queue it: where it went (a Placed), or None when the list is full and has no
    waitlist. `before`: the slot's counts (`counts`) just before it."""
    if not before.waitlisted:
        seq = _reserve_numbered(relay, slot, entry.places)
        if seq is not None:
            entry.status, entry.confirmed_seq, entry.confirmed_at = "confirmed", seq, utcnow()
            return Placed(entry.public_id, "confirmed", before.confirmed + 1, None)
    if relay.waitlist:
        queue(relay, entry)
        return Placed(entry.public_id, "waitlisted", None, before.waitlisted + 1)
    return None


# Promotion reads the front of a waitlist a few at a time: a freed place moves up one
# party, not the whole waitlist's worth of rows.
PROMOTE_BATCH = 8
_WAITING = {with_slot: select(RelayEntry).where(
    RelayEntry.relay_id == bindparam("relay_id"), _slot_clause(with_slot),
    RelayEntry.status == "waitlisted", RelayEntry.waitlist_seq > bindparam("after"),
).order_by(RelayEntry.waitlist_seq).limit(PROMOTE_BATCH) for with_slot in (False, True)}
_CONFIRMED = {with_slot: select(_count(_slot_clause(with_slot),
                                       RelayEntry.status == "confirmed"))
              for with_slot in (False, True)}


def promote_waitlist(relay, slot, confirmed=None):
    """Fill freed places from the front of the slot's waitlist, strictly first come first
    served: a party that does not fit stops the promotion, and nobody behind it jumps
    ahead. Returns [(waitlist position, number, entry)] of those promoted. `confirmed`:
    how many are confirmed in the slot now, where the caller knows (`standing`); else
    it is counted when someone moves up."""
    params = {"relay_id": relay.id, "slot_id": _slot_id(slot), "after": 0}
    promoted = []
    now = utcnow()
    while True:
        waiting = db.session.scalars(_WAITING[slot is not None], params).all()
        for entry in waiting:
            if confirmed is None:
                confirmed = db.session.scalar(_CONFIRMED[slot is not None], params)
            seq = _reserve_numbered(relay, slot, entry.places)
            if seq is None:
                return promoted
            entry.status, entry.confirmed_seq, entry.confirmed_at = "confirmed", seq, now
            promoted.append((len(promoted) + 1, confirmed + len(promoted) + 1, entry))
        if len(waiting) < PROMOTE_BATCH:
            return promoted
        params["after"] = waiting[-1].waitlist_seq


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


class Standing(NamedTuple):
    """Where an entry on the list stands, and what its going changes."""

    number: int | None
    waitlist_position: int | None
    confirmed: int  # confirmed entries in its slot (or the relay), itself included
    someone_waits: bool  # in its slot


def _standing(status):
    seq = RelayEntry.confirmed_seq if status == "confirmed" else RelayEntry.waitlist_seq
    return {with_slot: select(
        _count(_slot_clause(with_slot), RelayEntry.status == status, seq <= bindparam("seq")),
        _count(_slot_clause(with_slot), RelayEntry.status == "confirmed"),
        select(RelayEntry.id).where(RelayEntry.relay_id == bindparam("relay_id"),
                                    _slot_clause(with_slot), RelayEntry.status == "waitlisted")
        .exists(),
    ) for with_slot in (False, True)}


_STANDING = {status: _standing(status) for status in ("confirmed", "waitlisted")}


def standing(entry):
    """Where an active entry stands (a Standing), in one statement: number_of,
    position_of and someone_waits together."""
    seq = entry.confirmed_seq if entry.status == "confirmed" else entry.waitlist_seq
    place, confirmed, waiting = db.session.execute(
        _STANDING[entry.status][entry.slot_id is not None],
        {"relay_id": entry.relay_id, "slot_id": entry.slot_id, "seq": seq}).one()
    if entry.status == "confirmed":
        return Standing(place, None, confirmed, bool(waiting))
    return Standing(None, place, confirmed, bool(waiting))

