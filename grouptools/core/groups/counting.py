"""A group's count of active members (`Group.member_count`), kept by the writes.

Pages and answers read the count off the group row they already hold instead of counting
the roster (which grows with the group: bench/growth.py). Every way a membership becomes
active or stops being one goes through the ORM — joining, approving or restoring,
leaving, removal, a membership given way to a handed-out place, importing — so the
session's flush sees it: a new active membership adds one, a status moving to or from
"active" adds or takes one, a deleted active membership takes one. The change is an
`UPDATE … SET member_count = member_count + :n`, so parallel joiners each add theirs
on both databases; writers that change an existing membership's status lock its row
first (core.groups.service.lock_membership), so what it was is what the database holds.

Rows written past the ORM (benches, tests that insert in bulk) set the count themselves
with `recount`. See docs/architecture.md#speed.

A widget that keeps rows per active member (a notice's members who have not confirmed it)
registers with `watch_active_members` and hears of the same changes in the same flush,
after the group's row is updated (so, on PostgreSQL, after its row lock: a writer that
locks the group row first is serialised with every joining and leaving)."""
from typing import NamedTuple

from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from grouptools.core.models import Group, Membership

_PENDING = "grouptools.member_counts_pending"
_MOVED = "grouptools.member_counts_moved"
_CHANGED = "grouptools.active_members_changed"
_WATCHERS = []


class ActiveChange(NamedTuple):
    """A membership this flush made active, stopped being active, or (active) gave a new
    joining time; `inserted`: a row this flush inserted."""

    membership_id: int
    group_id: int
    active: bool
    inserted: bool


def watch_active_members(watcher):
    """Register `watcher(connection, changes)`, called in each flush that changes active
    memberships with the [ActiveChange] of that flush, in its transaction (a widget's
    rows per active member; core imports no widget)."""
    if watcher not in _WATCHERS:
        _WATCHERS.append(watcher)


def _group_id(membership):
    if membership.group_id is not None:
        return membership.group_id
    group = membership.group
    return None if group is None else group.id


def _note_changes(session, flush_context, instances):
    """What this flush does to active memberships, read before it runs (a deleted row's
    status can still be read; `Membership.status` keeps its old value when set)."""
    pending = session.info[_PENDING] = []
    changed = session.info[_CHANGED] = []  # (membership, active, inserted)
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, Membership) and obj.status == "active":
                pending.append((obj, 1))
                changed.append((obj, True, True))
        for obj in session.dirty:
            if not isinstance(obj, Membership):
                continue
            state = inspect(obj)
            history = state.attrs["status"].history
            if history.has_changes():
                before = bool(history.deleted) and history.deleted[0] == "active"
                pending.append((obj, int(obj.status == "active") - int(before)))
                if before != (obj.status == "active"):
                    changed.append((obj, obj.status == "active", False))
            elif obj.status == "active" and state.attrs["joined_at"].history.has_changes():
                changed.append((obj, True, False))
        for obj in session.deleted:
            if isinstance(obj, Membership):
                history = inspect(obj).attrs["status"].history
                before = history.deleted[0] if history.deleted else obj.status
                pending.append((obj, -int(before == "active")))
                if before == "active":
                    changed.append((obj, False, False))


def _count_changes(session, flush_context):
    """Add this flush's changes to the groups' counts, in its transaction."""
    deltas = {}
    with session.no_autoflush:
        for membership, n in session.info.pop(_PENDING, ()):
            group_id = _group_id(membership)
            if group_id is not None and n:
                deltas[group_id] = deltas.get(group_id, 0) + n
        changes = [ActiveChange(membership.id, _group_id(membership), active, inserted)
                   for membership, active, inserted in session.info.pop(_CHANGED, ())
                   if membership.id is not None]
    if any(deltas.values()):
        table = Group.__table__
        connection = session.connection()
        # One order for every writer (PostgreSQL row locks are taken in it).
        for group_id in sorted(deltas):
            if deltas[group_id]:
                connection.execute(update(table).where(table.c.id == group_id)
                                   .values(member_count=table.c.member_count + deltas[group_id]))
        session.info.setdefault(_MOVED, set()).update(deltas)
    if changes:
        for watcher in _WATCHERS:
            watcher(session.connection(), changes)


def _forget_loaded_counts(session, flush_context):
    """A group row this session holds reads its count again when next asked."""
    for group_id in session.info.pop(_MOVED, ()):
        group = session.identity_map.get(identity_key(Group, group_id))
        if group is not None and "member_count" in inspect(group).dict:
            session.expire(group, ["member_count"])


event.listen(Session, "before_flush", _note_changes)
event.listen(Session, "after_flush", _count_changes)
event.listen(Session, "after_flush_postexec", _forget_loaded_counts)


def member_count(group):
    """How many active members the group has, off its row (no statement once loaded)."""
    return group.member_count


def active_count(group_id_column):
    """The count as a column correlated with `group_id_column` (a subquery inside a
    bigger statement that does not hold the group row)."""
    return (select(Group.member_count).where(Group.id == group_id_column)
            .scalar_subquery())


def recount(session, group_ids=None):
    """Set the count from the roster, for rows written past the ORM (benches, bulk
    inserts) and the migration's fill."""
    counted = (select(func.count()).select_from(Membership)
               .where(Membership.group_id == Group.id, Membership.status == "active")
               .scalar_subquery())
    statement = update(Group).values(member_count=counted)
    if group_ids is not None:
        statement = statement.where(Group.id.in_(list(group_ids)))
    session.execute(statement.execution_options(synchronize_session=False))
