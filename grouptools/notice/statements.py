"""The statements of a notice's receipts that its page, JSON, confirmation and receipts
lists run on every request, built once per process with bound parameters: building a
select and its cache key cost more than running it (docs/architecture.md#speed).
receipts.py holds the rules that run them."""
from sqlalchemy import (
    Integer, and_, bindparam, exists, false, func, literal_column, select, type_coerce,
    union_all,
)
from sqlalchemy.types import NullType
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from grouptools.core.groups.counting import active_count
from grouptools.core.models import Membership, Person
from grouptools.extensions import db
from grouptools.notice.models import NoticeAudience, NoticePending, NoticeReceipt, NoticeTally

GONE_OR_WAITING = tuple(status for status in Membership.STATUSES if status != "active")

_NOTICE = bindparam("b_notice", type_=Integer)
_REVISION = bindparam("b_revision", type_=Integer)
_GROUP = bindparam("b_group", type_=Integer)
_MEMBER = bindparam("b_member", type_=Integer)


def _receipt_of(membership_id):
    """The receipt of `membership_id` (a column or a bound value) for the asked revision."""
    return and_(NoticeReceipt.notice_id == _NOTICE, NoticeReceipt.membership_id == membership_id,
                NoticeReceipt.revision == _REVISION)


def _audience_count(chosen):
    if not chosen:  # the whole group: kept on its row (core.groups.counting)
        return active_count(_GROUP)
    query = select(func.count(Membership.id)).where(
        Membership.group_id == _GROUP, Membership.status == "active",
        exists().where(NoticeAudience.notice_id == _NOTICE,
                       NoticeAudience.membership_id == Membership.id))
    return query.scalar_subquery()


def _counted(chosen):
    """(audience, opened, confirmed) as columns of one select (see receipts.counts)."""
    if not chosen:
        kept = (NoticeTally.notice_id == _NOTICE, NoticeTally.revision == _REVISION)
        opened = func.coalesce(select(NoticeTally.opened).where(*kept).scalar_subquery(), 0)
        confirmed = func.coalesce(select(NoticeTally.confirmed).where(*kept).scalar_subquery(), 0)
        # Member by member (each an EXISTS on the receipts' unique key), not the
        # receipts filtered by member: that would read every receipt of the revision.
        gone = select(func.count().label("opened"),
                      func.count(func.nullif(exists().where(
                          _receipt_of(Membership.id),
                          NoticeReceipt.confirmed_at.is_not(None)), False)).label("confirmed")
                      ).where(Membership.group_id == _GROUP,
                              Membership.status.in_(GONE_OR_WAITING),
                              exists().where(_receipt_of(Membership.id))).subquery()
        return (_audience_count(False), opened - gone.c.opened, confirmed - gone.c.confirmed)
    answered = (select(func.count(), func.count(NoticeReceipt.confirmed_at))
                .select_from(Membership)
                .join(NoticeReceipt, _receipt_of(Membership.id))
                .where(Membership.group_id == _GROUP, Membership.status == "active",
                       exists().where(NoticeAudience.notice_id == _NOTICE,
                                      NoticeAudience.membership_id == Membership.id))).subquery()
    return (_audience_count(True), *answered.c)


def _mine(column):
    return select(column).where(_receipt_of(_MEMBER)).scalar_subquery()


# By audience (chosen or not): the counts, then the asker's receipt (viewed_at, confirmed_at).
STATE = {chosen: select(*_counted(chosen), _mine(NoticeReceipt.viewed_at),
                         _mine(NoticeReceipt.confirmed_at)) for chosen in (False, True)}


def keys(notice, membership_id=None):
    return {"b_notice": notice.id, "b_revision": notice.revision, "b_group": notice.group_id,
            "b_member": membership_id}


_CONFIRMING = {}


def confirming():
    """INSERT the receipt opened and confirmed now, or, when there is one, UPDATE it to
    confirmed now unless it was confirmed before; RETURNING what it holds then. One
    statement whatever there was, and parallel confirmations of one member wait for each
    other's row (the unique key), so only one of them finds it unconfirmed."""
    dialect = db.session.get_bind().dialect.name
    if dialect not in _CONFIRMING:
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        table = NoticeReceipt.__table__
        now = bindparam("b_now", type_=table.c.confirmed_at.type)
        statement = insert(table).values(notice_id=_NOTICE, membership_id=_MEMBER,
                                         revision=_REVISION, viewed_at=now, confirmed_at=now)
        _CONFIRMING[dialect] = statement.on_conflict_do_update(
            index_elements=[table.c.notice_id, table.c.membership_id, table.c.revision],
            set_={"confirmed_at": func.coalesce(table.c.confirmed_at,
                                                statement.excluded.confirmed_at)},
        ).returning(table.c.viewed_at, table.c.confirmed_at)
    return _CONFIRMING[dialect]


# The managers' lists, in the order one statement reads them.
LISTS = ("confirmed", "viewed", "not_viewed", "unconfirmed")
_OFFSET = bindparam("b_offset", type_=Integer)
_PAGE_SIZE = bindparam("b_page_size", type_=Integer)
_NAME = func.coalesce(Membership.nickname, Person.name)


def _audience(chosen, *columns):
    """SELECT `columns` over the current audience (Notice.audience_members), the notice
    and its group bound as parameters."""
    query = select(*columns).select_from(Membership).where(Membership.group_id == _GROUP,
                                                           Membership.status == "active")
    if chosen:
        query = query.where(exists().where(NoticeAudience.notice_id == _NOTICE,
                                           NoticeAudience.membership_id == Membership.id))
    return query


def _readers(chosen, at_column, condition):
    """The page from `b_offset` (`b_page_size` long) of the audience members whose
    receipt meets `condition`, by `at_column` then membership: read off a receipts' index
    in that order, so the database stops at that page's end. Columns: (at, member,
    public_id, name)."""
    return (_audience(chosen, at_column.label("at"), NoticeReceipt.membership_id.label("member"),
                      Membership.public_id, _NAME.label("name"))
            .join(NoticeReceipt, _receipt_of(Membership.id))
            .join(Person, Person.id == Membership.person_id)
            .where(condition).order_by(at_column, NoticeReceipt.membership_id)
            .offset(_OFFSET).limit(_PAGE_SIZE))


def _not_confirmed(unopened, offset, limit):
    """The audience members who have not confirmed the current revision (`unopened`:
    nor opened it), in the order they joined, from `offset` on, at most `limit` of them:
    a page of NoticePending's index (grouptools/notice/pending.py), whatever the size of
    the group and however many opened it. The same columns as `_readers`, the joining
    time for `at`."""
    query = (select(NoticePending.joined_at.label("at"),
                    NoticePending.membership_id.label("member"), Membership.public_id,
                    _NAME.label("name"))
             .select_from(NoticePending)
             .join(Membership, Membership.id == NoticePending.membership_id)
             .join(Person, Person.id == Membership.person_id)
             .where(NoticePending.notice_id == _NOTICE, NoticePending.revision == _REVISION))
    if unopened:
        query = query.where(NoticePending.opened == false())
    return (query.order_by(NoticePending.joined_at, NoticePending.membership_id)
            .offset(offset).limit(limit))


def _list_parts(chosen):
    confirmed_at, viewed_at = NoticeReceipt.confirmed_at, NoticeReceipt.viewed_at
    return {
        "confirmed": _readers(chosen, confirmed_at, confirmed_at.is_not(None)),
        "viewed": _readers(chosen, viewed_at, confirmed_at.is_(None)),
        "not_viewed": _not_confirmed(True, _OFFSET, bindparam("b_not_viewed", type_=Integer)),
        "unconfirmed": _not_confirmed(False, 0, bindparam("b_unconfirmed", type_=Integer)),
    }


_LIST_PARTS = {chosen: _list_parts(chosen) for chosen in (False, True)}
_LIST_STATEMENTS = {}  # (chosen, the lists read) → their statement, built on first use


def lists_statement(chosen, names):
    """One statement reading the lists `names`: a UNION ALL of their ordered, paged
    selects, in list order then each list's own. Its `at` is unconverted: `at_reader`
    turns it into an aware time."""
    key = (chosen, names)
    if key not in _LIST_STATEMENTS:
        parts = _LIST_PARTS[chosen]
        asked = []
        for name in names:
            part = parts[name].subquery()
            # `at` comes back as the driver gives it (RAW_AT): most rows are the pending
            # lists', whose time only orders them; receipts.py converts the others'.
            asked.append(select(literal_column(str(LISTS.index(name))).label("list"),
                                type_coerce(part.c.at, NullType()).label("at"),
                                part.c.member, part.c.public_id, part.c.name))
        statement = union_all(*asked)
        columns = statement.selected_columns
        _LIST_STATEMENTS[key] = statement.order_by(columns.list, columns.at, columns.member)
    return _LIST_STATEMENTS[key]



_AT_READERS = {}


def at_reader(dialect):
    """What turns a `lists_statement` row's `at`, as the driver gave it, into the aware
    UTC time its column's type (core.timeutil.UTCDateTime) would have given."""
    if dialect.name not in _AT_READERS:
        kind = NoticeReceipt.__table__.c.confirmed_at.type.dialect_impl(dialect)
        processor = kind.result_processor(dialect, None)
        _AT_READERS[dialect.name] = processor or (lambda value: value)
    return _AT_READERS[dialect.name]
