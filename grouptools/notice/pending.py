"""Who of a notice's current audience has not confirmed its current revision, and whether
they opened it: the NoticePending rows, kept by every write that changes them, in its
transaction, so the managers' lists of who has not opened it and who to remind read a page
of an index (receipts._lists) instead of walking the group's members (bench/README.md,
"Growth from 100 to 100,000 rows").

What changes them, and what each costs:
- publishing, a new revision, a chosen audience changed, a copy or an import: `sync`, one
  DELETE of the rows that no longer belong (another revision, a member outside the
  audience) and one INSERT … SELECT of the audience members missing, those who confirmed
  excepted. Rows of members who stay are left alone, so a confirmation running at the
  same time is never undone (its DELETE and this INSERT see each other's rows);
- a member's first opening: `opened`, one UPDATE of their row;
- a confirmation: `confirmed`, one DELETE of their row;
- a membership becoming active (joining, approved, restored), stopping being so (leaving,
  removed) or given a new joining time: `_members_changed`, registered with the kit's
  core.groups.counting.watch_active_members, one INSERT … SELECT over the group's notices
  (and one DELETE first for a membership that existed before) per flush, however many
  notices the group has.

Under concurrency: the rows of one member and revision are written by that member's own
requests (their opening and confirmation, each a single statement on the row), and by the
writers above. On PostgreSQL `sync` first locks the group's row the way counting's UPDATE
of `member_count` does when a membership becomes active or stops being so, so a member
joining while a notice is published is in one of the two statements' view, never in
neither; SQLite runs one writer at a time (core.database)."""
from sqlalchemy import Integer, and_, bindparam, delete, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from grouptools.core.groups.counting import watch_active_members
from grouptools.core.models import Group, Membership
from grouptools.extensions import db
from grouptools.notice.models import Notice, NoticeAudience, NoticePending, NoticeReceipt

_TABLE = NoticePending.__table__
_NOTICE = bindparam("b_notice", type_=Integer)
_REVISION = bindparam("b_revision", type_=Integer)
_MEMBER = bindparam("b_member", type_=Integer)
_GROUP = bindparam("b_group", type_=Integer)
_MEMBERS = bindparam("b_members", expanding=True)
COLUMNS = ["notice_id", "membership_id", "revision", "opened", "joined_at"]


def missing(*where):
    """SELECT, in NoticePending's COLUMNS, the rows the notices' current audiences lack:
    (notice, active member addressed by it) with no row yet and no confirmation of the
    notice's current revision, `opened` whether they have a receipt of it. `where`
    narrows it (one notice, some members)."""
    receipt = and_(NoticeReceipt.notice_id == Notice.id,
                   NoticeReceipt.membership_id == Membership.id,
                   NoticeReceipt.revision == Notice.revision)
    return (select(Notice.id, Membership.id, Notice.revision, exists().where(receipt),
                   Membership.joined_at)
            .select_from(Notice).join(Membership, Membership.group_id == Notice.group_id)
            .where(*where, Membership.status == "active",
                   or_(Notice.audience == "all",
                       exists().where(NoticeAudience.notice_id == Notice.id,
                                      NoticeAudience.membership_id == Membership.id)),
                   ~exists().where(receipt, NoticeReceipt.confirmed_at.is_not(None)),
                   ~exists().where(_TABLE.c.notice_id == Notice.id,
                                   _TABLE.c.membership_id == Membership.id)))


def _stale(chosen):
    """The notice's rows that no longer belong: another revision's, or a member's who is
    not (or no longer) in its audience."""
    member = _TABLE.c.membership_id
    belongs = exists().where(Membership.id == member, Membership.status == "active")
    if chosen:
        belongs = and_(belongs, exists().where(NoticeAudience.notice_id == _NOTICE,
                                               NoticeAudience.membership_id == member))
    return delete(_TABLE).where(_TABLE.c.notice_id == _NOTICE,
                                or_(_TABLE.c.revision != _REVISION, ~belongs))


_STALE = {chosen: _stale(chosen) for chosen in (False, True)}
_LOCK_GROUP = select(Group.id).where(Group.id == _GROUP).with_for_update(key_share=True)
_OPENED = (update(_TABLE).where(_TABLE.c.notice_id == _NOTICE, _TABLE.c.membership_id == _MEMBER,
                                _TABLE.c.revision == _REVISION).values(opened=True))
_CONFIRMED = delete(_TABLE).where(_TABLE.c.notice_id == _NOTICE,
                                  _TABLE.c.membership_id == _MEMBER,
                                  _TABLE.c.revision == _REVISION)
_FORGET = delete(_TABLE).where(_TABLE.c.membership_id.in_(_MEMBERS))
_FILL = {}  # (dialect, which) → INSERT … SELECT … ON CONFLICT DO NOTHING, built on first use


def _fill(dialect, which):
    key = (dialect, which)
    if key not in _FILL:
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        if which == "notice":
            rows = missing(Notice.id == _NOTICE)
        else:
            # A notice deleted meanwhile is waited for and skipped, not a foreign key
            # error (PostgreSQL; SQLite runs one writer at a time).
            rows = missing(Membership.id.in_(_MEMBERS)).with_for_update(
                read=True, key_share=True, of=Notice.__table__)
        _FILL[key] = insert(_TABLE).from_select(COLUMNS, rows).on_conflict_do_nothing()
    return _FILL[key]


def lock_group(group_id):
    """On PostgreSQL, hold the group's row as counting's UPDATE of `member_count` does
    (FOR NO KEY UPDATE) until the transaction ends: a writer that will `sync` a notice it
    already holds takes it before the notice's own lock, the order a joining member's
    rows take them in (the group's row, then each notice's)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_LOCK_GROUP, {"b_group": group_id})


def sync(notice):
    """Make the notice's rows those of its current audience and revision (in the
    caller's transaction, after its audience and revision are flushed)."""
    db.session.flush()
    dialect = db.session.get_bind().dialect.name
    keys = {"b_notice": notice.id, "b_revision": notice.revision, "b_group": notice.group_id}
    lock_group(notice.group_id)
    db.session.execute(_STALE[notice.audience == "chosen"], keys)
    db.session.execute(_fill(dialect, "notice"), keys)


def fill(notice_id):
    """Add the rows the notice lacks, for members or receipts written past the services
    (benches that insert in bulk, like core.groups.counting.recount)."""
    dialect = db.session.get_bind().dialect.name
    db.session.execute(_fill(dialect, "notice"), {"b_notice": notice_id})


def _keys(notice_id, revision, membership_id):
    return {"b_notice": notice_id, "b_revision": revision, "b_member": membership_id}


def opened(notice_id, revision, membership_id):
    """The member opened the revision for the first time (their receipt was inserted)."""
    db.session.execute(_OPENED, _keys(notice_id, revision, membership_id))


def confirmed(notice_id, revision, membership_id):
    """The member confirmed the revision for the first time."""
    db.session.execute(_CONFIRMED, _keys(notice_id, revision, membership_id))


def _members_changed(connection, changes):
    """core.groups.counting's watcher: a membership that stopped being active leaves every
    notice's rows; one made active (or given a new joining time) gets a row in each
    notice of its group addressed to it that it has not confirmed. One statement for
    every membership of the flush, two when some existed before."""
    again = [change.membership_id for change in changes if not change.inserted]
    if again:
        connection.execute(_FORGET, {"b_members": again})
    active = [change.membership_id for change in changes if change.active]
    if active:
        connection.execute(_fill(connection.dialect.name, "members"), {"b_members": active})


watch_active_members(_members_changed)
