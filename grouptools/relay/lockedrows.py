"""The places of a sign-up and a withdrawal on plain statements, built once (places.py's
rules, for signups.enter and signups.take_back): no ORM object is flushed while SQLite's
writer's turn is held (docs/architecture.md#speed). What they read is read after the
relay's row lock (PostgreSQL: a statement of its own, so the counts read after it see
every committed entry; SQLite: BEGIN IMMEDIATE holds the whole database)."""
from typing import NamedTuple

from sqlalchemy import bindparam, func, insert, or_, select, text, update
from sqlalchemy.orm import aliased

from grouptools.core.groupclock import bump_cte, moved_by_statement
from grouptools.core.models import Membership
from grouptools.extensions import db
from grouptools.relay.models import ACTIVE_STATUSES, Relay, RelayEntry, RelayLog, RelaySlot
from grouptools.relay.places import (
    _TAKE_NUMBERED,
    PROMOTE_BATCH,
    _count,
    _slot_clause,
)

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


# _IN_ORDER: the rows of a write in SQL below are locked in the order every writer takes
# them: the relay's, then the member's, then the group's clock (a vote or a confirmation
# touches the member and moves the clock at its commit: the other order lets the two wait
# for each other, tests/relay/test_lock_order.py). PostgreSQL runs the data-modifying
# CTEs that nothing reads in an order of its own (the last one first), so each CTE here
# reads the one that must be written before it.
_PLACE_SQL = {
    # places taken only where free, as take_numbered
    "confirmed": "UPDATE relay SET taken = taken + :places, seq = seq + 1, "
                 "version = version + 1, updated_at = :now "
                 "WHERE id = :relay_id AND (capacity IS NULL OR taken + :places <= capacity) "
                 "RETURNING seq",
    # the next number of the relay's order, as next_seq_moved
    "waitlisted": "UPDATE relay SET seq = seq + 1, version = version + 1, updated_at = :now "
                  "WHERE id = :relay_id RETURNING seq",
}


def _entered_statement(status):
    """PostgreSQL: a new entry's whole write in one statement, run under the relay's lock
    once what it depends on was read (sign_up_state): its place (`status`, _PLACE_SQL),
    the entry, its log line, the member's activity and the group's clock
    (core.groupclock.bump_cte), each a data-modifying CTE that reads the one before —
    which is what makes PostgreSQL write them in that order (`_IN_ORDER`). It answers the
    new entry's id, or no row (and has written nothing) when the places were not free.
    For an entry without a slot (a slot's places are taken first and given back when the
    relay's are not free: take_numbered). Written as SQL: SQLAlchemy's DML inside a CTE
    would add the tables' Python-side defaults."""
    seq_column = "confirmed_seq, confirmed_at" if status == "confirmed" else "waitlist_seq"
    seq_value = "seq, :now" if status == "confirmed" else "seq"
    return text(f"""
WITH taken AS ({_PLACE_SQL[status]}),
entry AS (
  INSERT INTO relay_entry (relay_id, slot_id, membership_id, for_name, "values", guests,
                           ticket_secret, public_id, status, {seq_column}, created_at,
                           updated_at)
  SELECT :relay_id, NULL, :membership_id, :for_name, :values, :guests, :ticket_secret,
         :public_id, '{status}', {seq_value}, :now, :now FROM taken
  RETURNING id),
log AS (
  INSERT INTO relay_log (relay_id, entry_id, actor_id, kind, params, created_at)
  SELECT :relay_id, id, :actor_id, :kind, :params, :now FROM entry
  RETURNING id),
active AS (
  UPDATE membership SET last_active_at = :now, updated_at = :now
  WHERE id = :membership_id AND EXISTS (SELECT FROM log)
  RETURNING id),
{bump_cte(after="active")}
SELECT id FROM entry""").bindparams(
        bindparam("values", type_=RelayEntry.__table__.c["values"].type),
        bindparam("params", type_=RelayLog.__table__.c.params.type),
        bindparam("now", type_=RelayEntry.__table__.c.created_at.type))


def _taken_back_statement(confirmed):
    """PostgreSQL: a withdrawal or removal that promotes nobody, in one statement under
    the relay's lock once where the entry stands was read (entry_standing): the entry
    off the list, its places back to a relay without slots (`confirmed`, which moves the
    relay's version as give_back), the member's activity and the group's clock
    (core.groupclock.bump_cte), each written after the ones it reads (`_IN_ORDER`), and
    the log line."""
    back = ("back AS (UPDATE relay SET taken = taken - :places, version = version + 1, "
            "updated_at = :now WHERE id = :relay_id RETURNING id),") if confirmed else ""
    written = "taken_off CROSS JOIN back" if confirmed else "taken_off"
    return text(f"""
WITH taken_off AS (
  UPDATE relay_entry SET status = :new_status, withdrawn_at = :now, updated_at = :now
  WHERE id = :entry_id
  RETURNING id),
{back}
active AS (
  UPDATE membership SET last_active_at = :now, updated_at = :now
  WHERE id = :membership_id AND EXISTS (SELECT FROM {written})
  RETURNING id),
{bump_cte(after="active")}
INSERT INTO relay_log (relay_id, entry_id, actor_id, kind, params, created_at)
VALUES (:relay_id, :entry_id, :actor_id, :kind, :params, :now)""").bindparams(
        bindparam("params", type_=RelayLog.__table__.c.params.type),
        bindparam("now", type_=RelayEntry.__table__.c.created_at.type))


_TAKEN_BACK = {confirmed: _taken_back_statement(confirmed) for confirmed in (False, True)}


def take_back_in_one(connection, confirmed, group_id, params):
    """_taken_back_statement's write (the relay's group: `group_id`)."""
    connection.execute(_TAKEN_BACK[confirmed], {**params, "clock_group_id": group_id})
    moved_by_statement(db.session, group_id)


_ENTERED = {status: _entered_statement(status) for status in ("confirmed", "waitlisted")}


def enter_in_one(connection, status, group_id, params):
    """_entered_statement's write (the relay's group: `group_id`): the new entry's id, or
    None (the places were not free)."""
    entry_id = connection.execute(_ENTERED[status], {**params, "clock_group_id": group_id}
                                  ).scalar()
    if entry_id is not None:
        moved_by_statement(db.session, group_id)
    return entry_id


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


_INSERT_ENTRY = insert(RelayEntry).returning(RelayEntry.id)
_INSERT_LOG = insert(RelayLog)
_ACTIVE_NOW = (update(Membership).where(Membership.id == bindparam("membership_id"))
               .values(last_active_at=bindparam("now")))
_TAKE_OFF = (update(RelayEntry).where(RelayEntry.id == bindparam("entry_id"))
             .values(status=bindparam("new_status"), withdrawn_at=bindparam("at")))


def enter_step_by_step(connection, state, row, log, now, actor_id, places, confirmed,
                       waitlisted):
    """signups.enter's write, a statement for each: the place, the entry (`row`), the
    log line (`log`: its params but the place), the member's activity. (entry id, where
    it went: `confirmed` or `waitlisted`), or (None, None) when the list is full and
    has no waitlist."""
    relay_id, slot_id = row["relay_id"], row["slot_id"]
    seq = None if state.waitlisted else take_numbered(connection, relay_id, slot_id, places)
    if seq is not None:
        placed, kind, params = confirmed, "joined", {"number": confirmed.number, **log}
        columns = {"status": "confirmed", "confirmed_seq": seq, "confirmed_at": now}
    elif state.waitlist:
        seq = next_seq_moved(connection, relay_id)
        placed, kind = waitlisted, "waitlisted"
        params = {"position": waitlisted.waitlist_position, **log}
        columns = {"status": "waitlisted", "waitlist_seq": seq}
    else:
        return None, None
    entry_id = connection.execute(_INSERT_ENTRY, {
        **row, "created_at": now, "updated_at": now, **columns}).scalar_one()
    connection.execute(_INSERT_LOG, {"relay_id": relay_id, "entry_id": entry_id,
                                     "actor_id": actor_id, "kind": kind,
                                     "params": params, "created_at": now})
    connection.execute(_ACTIVE_NOW, {"membership_id": row["membership_id"], "now": now})
    return entry_id, placed


def take_back_step_by_step(connection, standing, log, status, now, membership_id):
    """signups.take_back's write, a statement for each: the entry off the list, its
    places back, the promotions (added to the log line's params), the log line (`log`),
    the member's activity."""
    connection.execute(_TAKE_OFF, {"entry_id": log["entry_id"], "new_status": status,
                                   "at": now})
    if standing.status == "confirmed":
        give_back(connection, log["relay_id"], standing.slot_id, 1 + standing.guests)
        if standing.someone_waits:
            log["params"]["promoted"] = [
                {"position": position, "number": number, "entry": public_id}
                for position, number, public_id in promote_rows(
                    connection, log["relay_id"], standing.slot_id, standing.confirmed - 1,
                    now)]
    connection.execute(_INSERT_LOG, {**log, "created_at": now})
    connection.execute(_ACTIVE_NOW, {"membership_id": membership_id, "now": now})
