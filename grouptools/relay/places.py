"""Places on a relay: reserving them, giving them back, and promoting the waitlist.

Every function here runs inside a transaction that holds the relay's row lock (`lock`):
FOR UPDATE on PostgreSQL, SQLite's write lock (BEGIN IMMEDIATE) there. The places
themselves move only through conditional UPDATEs — `taken + n <= capacity` in the WHERE
clause, the row count saying whether they were free — so even a path that forgot the
lock could not over-fill a list, and a CHECK constraint stands behind both
(docs/architecture.md#traps-of-this-stack)."""
from typing import NamedTuple

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import aliased

from grouptools.core.models import Membership
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


# --- The fast paths of a sign-up and a withdrawal ---------------------------------------------
# Plain statements on the session's connection, built once: no ORM object is flushed while
# SQLite's writer's turn is held (docs/architecture.md#speed). What they read is read
# after the relay's row lock (PostgreSQL: a statement of its own, so the counts read after
# it see every committed entry; SQLite: BEGIN IMMEDIATE holds the whole database).

_LOCK_RELAY = select(Relay.id).where(Relay.id == bindparam("relay_id")).with_for_update()


def lock_relay(connection, relay_id):
    """The relay's row lock on PostgreSQL (SQLite's transaction holds it already)."""
    if connection.dialect.name != "sqlite":
        connection.execute(_LOCK_RELAY, {"relay_id": relay_id})


class SignUpState(NamedTuple):
    """What a new entry's place depends on, read under the lock in one statement."""

    closed_at: object
    deadline: object
    waitlist: bool
    per_member_max: int
    confirmed: int
    waitlisted: int
    mine: int
    membership_status: str | None


_SIGN_UP_STATE = {with_slot: select(
    Relay.closed_at, Relay.deadline, Relay.waitlist, Relay.per_member_max,
    _count(_slot_clause(with_slot), RelayEntry.status == "confirmed"),
    _count(_slot_clause(with_slot), RelayEntry.status == "waitlisted"),
    _count(RelayEntry.membership_id == bindparam("mine_id"),
           RelayEntry.for_name.is_(None), RelayEntry.status.in_(ACTIVE_STATUSES)),
    select(Membership.status).where(Membership.id == bindparam("membership_id"))
    .scalar_subquery(),
).where(Relay.id == bindparam("relay_id")) for with_slot in (False, True)}


def sign_up_state(connection, relay_id, slot_id, membership_id, mine_id):
    """A SignUpState of the relay and the slot (or None: the relay is gone)."""
    lock_relay(connection, relay_id)
    row = connection.execute(_SIGN_UP_STATE[slot_id is not None], {
        "relay_id": relay_id, "slot_id": slot_id, "membership_id": membership_id,
        "mine_id": mine_id}).first()
    return SignUpState(*row) if row is not None else None


_TAKE_SLOT = (
    update(RelaySlot)
    .where(RelaySlot.id == bindparam("slot_id"),
           or_(RelaySlot.capacity.is_(None),
               RelaySlot.taken + bindparam("places") <= RelaySlot.capacity))
    .values(taken=RelaySlot.taken + bindparam("places"))
)
_GIVE_SLOT = (update(RelaySlot).where(RelaySlot.id == bindparam("slot_id"))
              .values(taken=RelaySlot.taken - bindparam("places")))
# Each moves the relay's version too (core.conditional.version_moved: the commit then
# runs no UPDATE of its own).
_TAKE_NUMBERED_MOVED = _TAKE_NUMBERED.values(version=Relay.version + 1)
_NEXT_SEQ_MOVED = (update(Relay).where(Relay.id == bindparam("relay_id"))
                   .values(seq=Relay.seq + 1, version=Relay.version + 1).returning(Relay.seq))
_GIVE_BACK_MOVED = (update(Relay).where(Relay.id == bindparam("relay_id"))
                    .values(taken=Relay.taken - bindparam("places"),
                            version=Relay.version + 1))


def take_numbered(connection, relay_id, slot_id, places):
    """_reserve_numbered on plain statements: the next number of the relay's order with
    `places` taken on the slot (if any) and the relay, or None and nothing taken."""
    params = {"relay_id": relay_id, "slot_id": slot_id, "places": places}
    if slot_id is not None and connection.execute(_TAKE_SLOT, params).rowcount != 1:
        return None
    seq = connection.execute(_TAKE_NUMBERED_MOVED, params).scalar()
    if seq is None and slot_id is not None:
        connection.execute(_GIVE_SLOT, params)
    return seq


def next_seq_moved(connection, relay_id):
    return connection.execute(_NEXT_SEQ_MOVED, {"relay_id": relay_id}).scalar_one()


def give_back(connection, relay_id, slot_id, places):
    params = {"relay_id": relay_id, "slot_id": slot_id, "places": places}
    if slot_id is not None:
        connection.execute(_GIVE_SLOT, params)
    connection.execute(_GIVE_BACK_MOVED, params)


class EntryStanding(NamedTuple):
    """Where an entry stands now, read under the lock (`standing` on plain rows)."""

    status: str
    slot_id: int | None
    guests: int
    number: int | None
    waitlist_position: int | None
    confirmed: int  # confirmed entries in its slot (or the relay), itself included
    someone_waits: bool
    slot_label: str | None


def _entry_standing(with_slot):
    other = aliased(RelayEntry)
    same_slot = other.slot_id == RelayEntry.slot_id if with_slot else other.slot_id.is_(None)

    def count(*conditions):
        return (select(func.count()).select_from(other)
                .where(other.relay_id == RelayEntry.relay_id, same_slot, *conditions)
                .scalar_subquery())

    return select(
        RelayEntry.status, RelayEntry.slot_id, RelayEntry.guests,
        count(other.status == "confirmed", other.confirmed_seq <= RelayEntry.confirmed_seq),
        count(other.status == "waitlisted", other.waitlist_seq <= RelayEntry.waitlist_seq),
        count(other.status == "confirmed"),
        select(other.id).where(other.relay_id == RelayEntry.relay_id, same_slot,
                               other.status == "waitlisted").exists(),
        select(RelaySlot.label).where(RelaySlot.id == RelayEntry.slot_id).scalar_subquery(),
    ).where(RelayEntry.id == bindparam("entry_id"))


_ENTRY_STANDING = {with_slot: _entry_standing(with_slot) for with_slot in (False, True)}


def entry_standing(connection, entry_id, with_slot):
    """The entry's EntryStanding (None when it is gone). `with_slot`: whether it was in a
    slot when last read; read again the other way if that changed meanwhile."""
    row = connection.execute(_ENTRY_STANDING[with_slot], {"entry_id": entry_id}).first()
    if row is None:
        return None
    if (row[1] is not None) != with_slot:
        return entry_standing(connection, entry_id, not with_slot)
    status, slot_id, guests, number, position, confirmed, waits, label = row
    return EntryStanding(status, slot_id, guests, number if status == "confirmed" else None,
                         position if status == "waitlisted" else None, confirmed,
                         bool(waits), label)


_WAITING_ROWS = {with_slot: select(
    RelayEntry.id, RelayEntry.public_id, RelayEntry.guests, RelayEntry.waitlist_seq,
).where(
    RelayEntry.relay_id == bindparam("relay_id"), _slot_clause(with_slot),
    RelayEntry.status == "waitlisted", RelayEntry.waitlist_seq > bindparam("after"),
).order_by(RelayEntry.waitlist_seq).limit(PROMOTE_BATCH) for with_slot in (False, True)}
_CONFIRM_ROW = (update(RelayEntry).where(RelayEntry.id == bindparam("entry_id"))
                .values(status="confirmed", confirmed_seq=bindparam("new_seq"),
                        confirmed_at=bindparam("at")))


def promote_rows(connection, relay_id, slot_id, confirmed, now):
    """promote_waitlist on plain statements, for a transaction that holds no ORM entry of
    the relay: [(waitlist position, number, public id)] of those promoted."""
    params = {"relay_id": relay_id, "slot_id": slot_id, "after": 0}
    promoted = []
    while True:
        waiting = connection.execute(_WAITING_ROWS[slot_id is not None], params).all()
        for entry_id, public_id, guests, _ in waiting:
            seq = take_numbered(connection, relay_id, slot_id, 1 + guests)
            if seq is None:
                return promoted
            connection.execute(_CONFIRM_ROW, {"entry_id": entry_id, "new_seq": seq, "at": now})
            promoted.append((len(promoted) + 1, confirmed + len(promoted) + 1, public_id))
        if len(waiting) < PROMOTE_BATCH:
            return promoted
        params["after"] = waiting[-1][3]
