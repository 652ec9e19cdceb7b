"""Who has read and who has confirmed a notice: recording both, and counting them for
its managers against the current audience (active members, or the chosen ones still
active), so a member who left drops out of every count while their rows stay as history.

Counts are SQL COUNTs and each list reads one page of PAGE_SIZE rows (`?page=`, the
counts saying how many pages there are), the reminder at most REMINDER_MAX names: the
answer runs the same few statements, and returns as many rows, for 50 members and for
5,000 (docs/api.md, bench/README.md). "Once per revision" is the
database's unique key; parallel first views or confirmations insert with
ON CONFLICT DO NOTHING (core.database.insert_unless_present), never check-then-insert.

How many opened and confirmed a revision is kept in its NoticeTally row, added to by
the statement that inserted or confirmed a receipt, in its transaction, with
`n = n + 1` in the database (`tally`): a notice to everyone counts off that row and the
receipts of the members who are not active, not off every receipt. Who has not opened
or confirmed it is kept as a row per such member (pending.py), which the statements that
record an opening or a confirmation update in the same transaction."""
from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from grouptools.core.access import Action, authorize
from grouptools.core.closing import WidgetClosed
from grouptools.core.conditional import note_change
from grouptools.core.database import (
    commit_or_conflict,
    insert_unless_present,
    request_writes_on_read,
    unit_of_work,
)
from grouptools.core.errors import Conflict, NotFound
from grouptools.core.groups.service import record_activity_now
from grouptools.core.i18n import gettext
from grouptools.core.models import Membership, Person
from grouptools.core.plainrows import plain_rows
from grouptools.core.timeutil import utcnow
from grouptools.core.widgetpages import widget_link
from grouptools.extensions import db
from grouptools.notice import pending, statements
from grouptools.notice.models import Notice, NoticeReceipt, NoticeRevision, NoticeTally
from grouptools.notice.statements import LISTS

PAGE_SIZE = 50  # names per list and page: about what a phone shows without scrolling far
REMINDER_MAX = 200  # names one reminder @-mentions


class NoConfirmationAsked(Conflict):
    default_message = _l("This notice asks nobody to confirm it.")


class Counts(NamedTuple):
    audience: int
    viewed: int  # opened the current revision (those who confirmed included)
    confirmed: int


class Listed(NamedTuple):
    """A member as receipts name them: only what is shown, read without whole rows."""

    public_id: str
    display_name: str
    at: object = None  # confirmed_at or viewed_at, by list


@dataclass
class Receipts:
    notice: Notice
    counts: Counts
    page: int
    confirmed: list  # this page of each list
    viewed: list  # opened, not confirmed
    not_viewed: list
    unconfirmed: list | None  # for the reminder; None when no confirmation is asked

    @property
    def overdue(self):
        return is_overdue(self.notice, self.counts)

    @property
    def page_size(self):
        return PAGE_SIZE

    @property
    def offset(self):
        """How many names of each list the pages before this one hold."""
        return (self.page - 1) * PAGE_SIZE

    @property
    def pages(self):
        """How many pages the longest of the three lists fills (at least one)."""
        longest = max(self.counts.confirmed, self.counts.viewed - self.counts.confirmed,
                      self.counts.audience - self.counts.viewed)
        return max(1, -(-longest // PAGE_SIZE))


def is_overdue(notice, counts, now=None):
    """Past the deadline while someone in the audience has not confirmed."""
    return bool(notice.require_confirmation and notice.deadline is not None
                and notice.deadline <= (now or utcnow()) and counts.confirmed < counts.audience)


def is_late(notice, confirmed_at):
    return bool(confirmed_at and notice.deadline and confirmed_at > notice.deadline)


def current_receipt(notice, membership_id):
    """The receipt of `membership_id` (a column or a value) for the current revision."""
    return and_(NoticeReceipt.notice_id == notice.id,
                NoticeReceipt.membership_id == membership_id,
                NoticeReceipt.revision == notice.revision)


def confirmed_clause(membership_id):
    """Whether the member confirmed each notice's current revision, as SQL."""
    return exists().where(NoticeReceipt.notice_id == Notice.id,
                          NoticeReceipt.membership_id == membership_id,
                          NoticeReceipt.revision == Notice.revision,
                          NoticeReceipt.confirmed_at.is_not(None))


def tally(notice_id, revision, opened=0, confirmed=0):
    """Add to the revision's counts in the caller's transaction: one INSERT … ON CONFLICT
    DO UPDATE SET n = n + …, which the database applies to the row as it is when the
    statement runs (parallel writers wait for each other's row, none reads then writes)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = NoticeTally.__table__
    db.session.execute(
        insert(table).values(notice_id=notice_id, revision=revision, opened=opened,
                             confirmed=confirmed)
        .on_conflict_do_update(index_elements=[table.c.notice_id, table.c.revision],
                               set_={"opened": table.c.opened + opened,
                                     "confirmed": table.c.confirmed + confirmed}))


def refill_tallies(notice_id):
    """Count the tallies of every revision of a notice afresh from its receipts (a notice
    imported with its receipts)."""
    db.session.execute(NoticeTally.__table__.delete().where(NoticeTally.notice_id == notice_id))
    db.session.execute(NoticeTally.__table__.insert().from_select(
        ["notice_id", "revision", "opened", "confirmed"],
        select(NoticeReceipt.notice_id, NoticeReceipt.revision, func.count(),
               func.count(NoticeReceipt.confirmed_at))
        .where(NoticeReceipt.notice_id == notice_id)
        .group_by(NoticeReceipt.notice_id, NoticeReceipt.revision)))


class MyReceipt(NamedTuple):
    """The asker's receipt of the current revision: what their page and JSON show."""

    viewed_at: object
    confirmed_at: object = None


class Confirmation(NamedTuple):
    """What a confirming member is answered: worked out before the commit, so the answer
    reads nothing again."""

    revision: int
    confirmed_at: object
    late: bool
    first: bool


def counts_and_receipt(notice, membership_id=None):
    """(Counts, MyReceipt or None): the counts of the current revision and the receipt of
    `membership_id` (None: nobody's), read in one statement."""
    row = plain_rows(statements.STATE[notice.audience == "chosen"],
                     statements.keys(notice, membership_id)).one()
    receipt = MyReceipt(row[3], row[4]) if row[3] is not None else None
    return Counts(*row[:3]), receipt


def receipt_of(notice, membership):
    return counts_and_receipt(notice, membership.id)[1]


def record_view(notice, membership, known=None):
    """(Counts, MyReceipt): the member's receipt of the current revision, made on their
    first opening of it, and the counts with it. `known`: what counts_and_receipt
    answered already in this request.

    A GET that writes: the reading transaction ends first and the write takes SQLite's
    lock up front (core.database.request_writes_on_read); two first views at once insert
    one row between them (the unique key), and neither fails."""
    known_counts, receipt = known or counts_and_receipt(notice, membership.id)
    if receipt is not None:
        return known_counts, receipt
    values = {"notice_id": notice.id, "membership_id": membership.id,
              "revision": notice.revision}
    db.session.commit()
    request_writes_on_read()
    try:
        if insert_unless_present(NoticeReceipt, viewed_at=utcnow(), **values):
            tally(notice.id, values["revision"], opened=1)
            pending.opened(values["notice_id"], values["revision"], values["membership_id"])
            note_change(notice)  # its managers' lists of who opened it move
        db.session.commit()
    except IntegrityError:  # the notice was deleted in between
        db.session.rollback()
        raise NotFound() from None
    return counts_and_receipt(notice, membership.id)


def confirmed_earlier(notice, membership):
    """Whether the member confirmed an earlier revision: their page then says the notice
    changed and asks them to confirm again."""
    if notice.revision <= 1:
        return False
    return bool(db.session.scalar(select(exists().where(
        NoticeReceipt.notice_id == notice.id, NoticeReceipt.membership_id == membership.id,
        NoticeReceipt.revision < notice.revision, NoticeReceipt.confirmed_at.is_not(None)))))


def confirm(person, notice):
    """Confirmation: the member confirms the current revision, which also records reading
    it. Confirming again changes nothing (first is False, same time); after the deadline
    it is still taken, and shown as late.

    One upsert (`_confirming`) confirms the receipt, making it when the member never
    opened the notice."""
    membership = authorize(person, Action.ACT, notice)
    if not notice.require_confirmation:
        raise NoConfirmationAsked()
    if notice.is_closed():
        raise WidgetClosed(notice)
    keys = {**statements.keys(notice, membership.id), "b_now": utcnow()}
    revision, deadline = notice.revision, notice.deadline
    with unit_of_work():  # a notice deleted meanwhile: 409, not a 500
        viewed_at, confirmed_at = db.session.execute(statements.confirming(), keys).one()
        # The statement's own time came back only where it wrote it: a receipt it
        # inserted (opened and confirmed now), or one it found unconfirmed.
        first = confirmed_at == keys["b_now"]
        if first:
            tally(notice.id, revision, opened=int(viewed_at == keys["b_now"]), confirmed=1)
            pending.confirmed(keys["b_notice"], revision, keys["b_member"])
        # One UPDATE of the membership, not an ORM flush of it at the commit.
        record_activity_now(membership.id, keys["b_now"])
    late = bool(deadline and confirmed_at > deadline)
    commit_or_conflict()
    return Confirmation(revision, confirmed_at, late, first)


def counts(notice):
    """Audience, opened and confirmed, for the current revision: one statement.

    To everyone: the revision's NoticeTally less the receipts of the group's members who
    are not active (left, removed or waiting), looked up member by member: it reads one
    row, the few members who are not active and the group's active members' index to
    count the audience, never the receipts. To chosen members: the chosen ones still
    active, and their receipts, counted (a chosen audience's receipts may include those
    of members chosen before)."""
    return counts_and_receipt(notice)[0]


def _lists(notice, page, known):
    """{list name: [Listed]}: every list of `receipts` read in one statement, each part
    still its own ordered, paged select (a UNION ALL of them).

    `known` (the Counts) says how many names each list holds: a list with none on this
    page is not read. Who has not opened it and who to remind are a page of the rows of
    the members who have not confirmed (notice.pending), never a walk over the group."""
    offset = (page - 1) * PAGE_SIZE
    not_viewed = known.audience - known.viewed
    unconfirmed = known.audience - known.confirmed
    wanted = {"confirmed": known.confirmed > offset,
              "viewed": known.viewed - known.confirmed > offset,
              "not_viewed": not_viewed > offset,
              "unconfirmed": notice.require_confirmation and unconfirmed > 0}
    lists = {name: [] for name in LISTS}
    if not notice.require_confirmation:
        lists["unconfirmed"] = None
    names = tuple(name for name in LISTS if wanted[name])
    if not names:
        return lists
    values = {**statements.keys(notice), "b_offset": offset, "b_page_size": PAGE_SIZE,
              "b_not_viewed": max(0, min(PAGE_SIZE, not_viewed - offset)),
              "b_unconfirmed": min(REMINDER_MAX, unconfirmed)}
    statement = statements.lists_statement(notice.audience == "chosen", names)
    rows = plain_rows(statement, values).all()  # one fetch, not one per row (psycopg)
    read_at = statements.at_reader(db.session.get_bind().dialect)
    timed = {LISTS.index("confirmed"), LISTS.index("viewed")}
    by_index = [lists[name] for name in LISTS]
    for which, at, _, public_id, name in rows:
        by_index[which].append(Listed(public_id, name, read_at(at)) if which in timed
                               else Listed(public_id, name))
    return lists


def receipts(person, notice, page=1, known_counts=None):
    """For managers (403 for members): the counts, and page `page` of who confirmed, who
    only opened it and who has not opened it (PAGE_SIZE each), and who to remind.
    `known_counts`: the counts the same request read already (the page's NoticeState)."""
    authorize(person, Action.MANAGE_WIDGET, notice)
    known_counts = known_counts or counts(notice)
    lists = _lists(notice, page, known_counts)
    return Receipts(
        notice=notice, counts=known_counts, page=page,
        confirmed=lists["confirmed"], viewed=lists["viewed"], not_viewed=lists["not_viewed"],
        unconfirmed=lists["unconfirmed"],
    )


def reminder_text(report):
    """`@张三 @李四 请确认收到《标题》 <link>`, in the asker's language, naming exactly the
    members who have not confirmed (the first REMINDER_MAX, then "…"); None when there is
    nobody to remind."""
    if not report.unconfirmed:
        return None
    names = [f"@{member.display_name}" for member in report.unconfirmed]
    if report.counts.audience - report.counts.confirmed > len(names):
        names.append("…")
    line = gettext("please confirm you have read “%(title)s”: %(link)s",
                   title=report.notice.title, link=widget_link(report.notice))
    return " ".join([*names, line])


def revisions(person, notice):
    """[{revision, title, body, published_at, confirmed_count}], newest first, for anyone
    who may see the notice; counts against the current audience."""
    authorize(person, Action.VIEW_GROUP, notice)
    confirmed = dict(db.session.execute(
        notice.audience_members(NoticeReceipt.revision, func.count(NoticeReceipt.confirmed_at))
        .join(NoticeReceipt, and_(NoticeReceipt.notice_id == notice.id,
                                  NoticeReceipt.membership_id == Membership.id))
        .group_by(NoticeReceipt.revision)).all())
    history = db.session.scalars(select(NoticeRevision).where(
        NoticeRevision.notice_id == notice.id).order_by(NoticeRevision.revision.desc()))
    current = {"revision": notice.revision, "title": notice.title, "body": notice.body,
               "published_at": notice.revised_at}
    return [{**row, "confirmed_count": confirmed.get(row["revision"], 0)} for row in [
        current, *({"revision": r.revision, "title": r.title, "body": r.body,
                    "published_at": r.published_at} for r in history)]]


def all_receipts(notice):
    """Every receipt of every revision with its member's name, oldest first: the history
    the group's export keeps (departed members included)."""
    return db.session.execute(
        select(Membership.public_id, func.coalesce(Membership.nickname, Person.name),
               NoticeReceipt.revision, NoticeReceipt.viewed_at, NoticeReceipt.confirmed_at)
        .join(Membership, Membership.id == NoticeReceipt.membership_id)
        .join(Person, Person.id == Membership.person_id)
        .where(NoticeReceipt.notice_id == notice.id)
        .order_by(NoticeReceipt.revision, NoticeReceipt.id)).all()
