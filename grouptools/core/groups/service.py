"""The rules of groups and membership: create, settings, join, approve, roles, remove, leave.

Every function takes the acting person first and asks core.access before changing
anything; each commits its own unit of work."""
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from grouptools.core.access import Action, authorize, forget_membership, remember_membership
from grouptools.core.avatars import person_avatar
from grouptools.core.errors import Conflict, Invalid, NotAllowed, NotFound
from grouptools.core.groups import counting
from grouptools.core.models import Group, Membership, Person, is_public_id
from grouptools.core.plainrows import json_rows
from grouptools.core.timeutil import utcnow
from grouptools.core.widgets import member_gone
from grouptools.extensions import db

SETTINGS = ("name", "description", "rules", "timezone", "join_policy", "join_question",
            "members_can_create")


def find_group(public_id, person=None, also=()):
    """The group with this public id, or 404. Given the asker, their membership there is
    read in the same statement, and `membership_of` answers it without reading again.
    `also`: more columns to read in that statement (correlated with Group); then
    (group, their values) is returned."""
    mine = () if person is None else (Membership,)
    statement = select(Group, *mine, *also).where(Group.public_id == public_id)
    if person is not None:
        statement = statement.outerjoin(Membership, and_(
            Membership.group_id == Group.id, Membership.person_id == person.id))
    row = db.session.execute(statement).first()
    if row is None:
        raise NotFound()
    if person is not None:
        remember_membership(person, row[0], row[1])
    return (row[0], tuple(row[1 + len(mine):])) if also else row[0]


_PAGE_STATEMENTS = {}


def find_group_with(public_id, person, columns, now):
    """`find_group(public_id, person, also=columns(now))` for columns that depend on the
    time only (the group page's widget clock, core.conditional.group_widgets_clock):
    the statement is built once per process with the time, the group and the asker as
    parameters, so SQLAlchemy neither rebuilds it nor works out its cache key again
    (half of the group page's 304 was that: bench/inprocess.py)."""
    key = (columns, person is None)
    statement = _PAGE_STATEMENTS.get(key)
    if statement is None:
        mine = () if person is None else (Membership,)
        statement = (select(Group, *mine, *columns(bindparam("now")))
                     .where(Group.public_id == bindparam("public_id")))
        if person is not None:
            statement = statement.outerjoin(Membership, and_(
                Membership.group_id == Group.id, Membership.person_id == bindparam("person_id")))
        statement = _PAGE_STATEMENTS.setdefault(key, statement)
    values = {"public_id": public_id, "now": now}
    if person is not None:
        values["person_id"] = person.id
    row = db.session.execute(statement, values).first()
    if row is None:
        raise NotFound()
    if person is None:
        return row[0], tuple(row[1:])
    remember_membership(person, row[0], row[1])
    return row[0], tuple(row[2:])


class PublicCard(NamedTuple):
    """What anyone holding a link learns about a group beyond its name and join policy,
    enough to decide to join (docs/security.md#who-can-see-what)."""
    member_count: int
    owner_name: str | None


def member_count(group):
    """How many active members the group has: kept on its row by every write that makes
    a membership active or ends one (core.groups.counting), so reading it costs nothing
    whatever the group's size."""
    return counting.member_count(group)


def public_card(group):
    """The group's member count and its owner's name, in one statement whatever the
    group's size."""
    owner = db.session.scalar(
        select(func.coalesce(Membership.nickname, Person.name))
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.group_id == group.id, Membership.role == "owner",
               Membership.status == "active")
        .limit(1))
    return PublicCard(member_count(group), owner)


def member_for(person, group, member_id):
    """A member of the group the asker may name: 404 unless the asker is an active member."""
    authorize(person, Action.VIEW_ROSTER, group)
    if not is_public_id(member_id):
        raise NotFound()
    membership = db.session.scalar(
        select(Membership).where(Membership.group_id == group.id, Membership.public_id == member_id)
    )
    if membership is None:
        raise NotFound()
    return membership


def chosen_members(group, member_ids, field, errors):
    """Active members of the group named by `member_ids` (public ids), once each, for a
    widget meant for chosen members (a notice's audience, an event's roster); what is
    wrong goes to `errors[field]`."""
    if not member_ids:
        errors[field] = [str(_l("Choose at least one member."))]
        return []
    wanted = list(dict.fromkeys(member_ids))
    found = {m.public_id: m for m in db.session.scalars(select(Membership).where(
        Membership.group_id == group.id, Membership.status == "active",
        Membership.public_id.in_(wanted)))}
    missing = {position: [str(_l("Not an active member of this group."))]
               for position, member_id in enumerate(member_ids) if member_id not in found}
    if missing:
        errors[field] = missing
    return [found[member_id] for member_id in wanted if member_id in found]


def create_group(person, **settings):
    """A new group whose creator is its active owner."""
    group = Group(**{k: v for k, v in settings.items() if k in SETTINGS and v is not None})
    if not group.join_question:
        group.join_question = None
    now = utcnow()
    db.session.add(group)
    db.session.add(Membership(group=group, person=person, role="owner", status="active",
                              joined_at=now, last_active_at=now))
    db.session.commit()
    return group


def update_settings(person, group, **changes):
    authorize(person, Action.MANAGE_GROUP, group)
    for key, value in changes.items():
        if key in SETTINGS:
            setattr(group, key, value)
    if not group.join_question:
        group.join_question = None
    db.session.commit()
    return group


def delete_group(person, group):
    """Everything in the group goes with it (the database cascades every table), and the
    people an import made for its members who never came (placeholders: a name and a
    token nobody holds, in no other group)."""
    authorize(person, Action.DELETE_GROUP, group)
    db.session.execute(delete(Person).where(Person.id.in_(
        select(Membership.person_id).where(Membership.group_id == group.id,
                                           Membership.placeholder.is_(True)))))
    db.session.execute(delete(Group).where(Group.id == group.id))
    db.session.commit()
    forget_membership(group)


def join_group(person, group, nickname=None, answer=None):
    """(membership, created). Joining twice answers the existing membership.

    Under `approval` the joiner waits as pending; a removed member may not come back
    until a manager restores them; one who left may."""
    try:
        return _join(person, group, nickname, answer)
    finally:
        # This request read "not a member" (or the old status) before: read it again.
        forget_membership(group, person)


def _join(person, group, nickname, answer):
    authorize(person, Action.JOIN, group)
    if group.join_question and not (answer or "").strip():
        raise Invalid({"answer": [str(_l("Please answer the group's question."))]})
    status = "active" if group.join_policy == "open" else "pending"
    now = utcnow()
    existing = _membership_for_update(group, person)
    if existing is not None:
        if existing.status in ("active", "pending"):
            return existing, False
        if existing.status == "removed":
            raise NotAllowed(_l("An organiser removed you from this group; ask them to restore you."))
        existing.status = status
        existing.role = "member"
        existing.nickname = nickname or existing.nickname
        existing.answer = answer
        existing.joined_at = now if status == "active" else None
        existing.last_active_at = now
        db.session.commit()
        return existing, True
    membership = Membership(group=group, person=person, role="member", status=status,
                            nickname=nickname, answer=answer, last_active_at=now,
                            joined_at=now if status == "active" else None)
    db.session.add(membership)
    try:
        db.session.commit()
    except IntegrityError:
        # Two taps of "join" at once: the other request created it; answer that one.
        db.session.rollback()
        return _membership_for_update(group, person), False
    return membership, True


def _membership_for_update(group, person):
    # Read afresh under the lock: the request may hold the row as it was before.
    return db.session.scalar(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.person_id == person.id)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    )


def lock_membership(membership):
    """Lock the membership's row and read it afresh before its status changes: of two
    managers approving (or a member leaving twice at once), the second sees what the
    first did, and the group's member count (core.groups.counting) moves once.

    On PostgreSQL the lock is FOR NO KEY UPDATE (as is `_membership_for_update`'s): it
    keeps out every other writer of the row but not rows that merely refer to it (their
    foreign key's KEY SHARE), so a writer holding the group's row while it inserts rows
    per member (a notice published: notice.pending) never waits on this lock while this
    one waits for the group's row (counting's UPDATE)."""
    db.session.flush()
    db.session.refresh(membership, with_for_update={"key_share": True})


def roster(person, group):
    """Memberships the asker may see: active ones for members; every status for managers."""
    mine = authorize(person, Action.VIEW_ROSTER, group)
    query = select(Membership).where(Membership.group_id == group.id)
    if not mine.is_manager:
        query = query.where(Membership.status == "active")
    order = [Membership.joined_at.is_(None), Membership.joined_at, Membership.id]
    # Names are the person's unless a nickname is set: read them with the roster.
    query = query.options(joinedload(Membership.person))
    return db.session.scalars(query.order_by(*order)).all(), mine


class RosterPreview(NamedTuple):
    """What the group's page shows of its members."""
    active_count: int
    pending_count: int  # join requests; 0 unless the asker manages the group
    first: tuple  # the first active members' avatars (core.avatars.Avatar), in the roster's order


ROSTER_SHOWN = 8
_member, _person = aliased(Membership), aliased(Person)  # not the asker's, read beside them
_first_members = (
    select(func.row_number().over(order_by=(_member.joined_at, _member.id)).label("place"),
           _person.public_id.label("public_id"), _person.name.label("name"),
           _person.avatar_image_public_id.label("photo"))
    .select_from(_member).join(_person, _person.id == _member.person_id)
    .where(_member.group_id == Group.id, _member.status == "active")
    .order_by(_member.joined_at, _member.id).limit(ROSTER_SHOWN)
    .correlate(Group).subquery())
# What the group's page shows of its members, as two columns correlated with Group, read
# with the group and the asker (core.loaders.load_group's `also`): the first active
# members (counted off the members' `(group_id, status, …)` index and cut at
# ROSTER_SHOWN in the database: the page does not grow with the group, bench/growth.py;
# active members always have `joined_at`, so the roster's order is the index's own) as
# plain values — the page shows nothing else of them — and the join requests' count.
ROSTER_COLUMNS = (
    select(json_rows(_first_members.c.place, _first_members.c.public_id,
                     _first_members.c.name, _first_members.c.photo))
    .correlate(Group).scalar_subquery(),
    select(func.count()).select_from(_member)
    .where(_member.group_id == Group.id, _member.status == "pending")
    .correlate(Group).scalar_subquery(),
)


def roster_preview(person, group, first, pending):
    """The group's page's members from what ROSTER_COLUMNS read (`first`, `pending`):
    the join requests are counted for those who manage the group only."""
    mine = authorize(person, Action.VIEW_ROSTER, group)
    shown = tuple(person_avatar(public_id, name, photo_id)
                  for _place, public_id, name, photo_id in sorted(first or ()))
    return RosterPreview(member_count(group), pending if mine.is_manager else 0, shown)


def change_member(person, group, target, role=None, status=None):
    """Approve or restore (status active) and change roles (the owner only).

    Setting another member's role to `owner` transfers ownership: the old owner
    becomes an admin."""
    mine = authorize(person, Action.MANAGE_GROUP, group)
    if status is not None:
        if status == "active":
            lock_membership(target)
        _activate(target, status)
    if role is not None and role != target.role:
        authorize(person, Action.CHANGE_ROLES, group)
        if target.id == mine.id:
            raise Conflict(_l("Give ownership to another member first."))
        if not target.is_active:
            raise Conflict(_l("Only active members can be given a role."))
        if role == "owner":
            mine.role = "admin"
        target.role = role
    db.session.commit()
    forget_membership(group)  # the asker's role and the target's may both have changed
    return target


def _activate(target, status):
    if status != "active":
        raise Invalid({"status": [str(_l("Only 'active' can be set here."))]})
    if target.status == "left":
        raise Conflict(_l("This member left the group; they can join again themselves."))
    if target.status in ("pending", "removed"):
        target.status = "active"
        target.joined_at = utcnow()


def remove_member(person, group, target):
    """Remove (or reject a pending joiner): they cannot rejoin until restored.
    Admins remove members; only the owner removes admins; nobody removes the owner."""
    mine = authorize(person, Action.MANAGE_GROUP, group)
    if target.id == mine.id:
        raise Conflict(_l("To leave the group, use “Leave”."))
    if target.role == "owner":
        raise NotAllowed(_l("The owner cannot be removed."))
    if target.role == "admin" and mine.role != "owner":
        raise NotAllowed(_l("Only the group's owner may remove an admin."))
    _depart(target, "removed")


def leave_group(person, group):
    mine = authorize(person, Action.LEAVE, group)
    _depart(mine, "left")


def _depart(membership, status):
    """The member stops being one, and in one transaction every widget withdraws what
    they did for themselves in its open items (docs/security.md#leaving-and-removal).

    The widgets go first: they lock their rows (a relay, a participation) before the
    membership row is written, the order a sign-up or a vote takes them in too, so the
    two cannot deadlock on PostgreSQL."""
    if membership.status == "active":
        member_gone(membership, status)
    group, person = membership.group, membership.person
    lock_membership(membership)  # after the widgets' rows, the order writers take them in
    membership.status = status
    membership.role = "member"
    db.session.commit()
    forget_membership(group, person)


def record_activity(membership):
    """Note that a member acted (voted, signed up …), so owners can see who has gone
    quiet; the caller's transaction commits it."""
    if membership is not None:
        membership.last_active_at = utcnow()


_ACTIVE_NOW = (update(Membership.__table__)
               .where(Membership.__table__.c.id == bindparam("membership_id"))
               .values(last_active_at=bindparam("now")))


def record_activity_now(membership_id, now):
    """record_activity as one UPDATE in the caller's transaction, for a write that
    flushes no ORM object (a vote, poll/voting.py): the loaded membership keeps its old
    time until the commit expires it."""
    db.session.connection().execute(_ACTIVE_NOW, {"membership_id": membership_id, "now": now})


def my_groups(person):
    """(group, membership) pairs for the person's active and pending memberships."""
    rows = db.session.execute(
        select(Group, Membership)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.person_id == person.id, Membership.status.in_(("active", "pending")))
        .order_by(Membership.created_at.desc())
    ).all()
    return [(group, membership) for group, membership in rows]

