"""Loading the widget a route is about, once, with the access rules applied.

A route about one widget starts with `load_widget(Poll, pid, Action.MANAGE_WIDGET)`
instead of repeating "who is asking, find it, may they": what it answers when refused is
then the same on every route of every widget (docs/api.md#errors)."""
from types import SimpleNamespace
from typing import NamedTuple

from flask import g, request
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import contains_eager

from grouptools.core.access import PUBLIC_ACTIONS, Action, authorize, remember_membership
from grouptools.core.conditional import (answer_if_held, answer_if_widget_unchanged,
                                         widget_parts)
from grouptools.core.errors import NotFound
from grouptools.core.identity import (asker_public_id, current_person,
                                     require_person, settle_asker, unread_asker,
                                     unread_asker_confirmed)
from grouptools.core.models import Group, GroupClock, Membership, Person
from grouptools.core.plainrows import first_plain_row
from grouptools.extensions import db


class LoadedGroup(NamedTuple):
    group: object
    person: object  # None when nobody is known (and the action allowed that)
    membership: object  # the asker's membership, whatever its status; None for none
    values: tuple  # the values of the `also` columns


class Loaded(NamedTuple):
    widget: object
    person: object  # None only for a public action asked by nobody
    membership: object  # the asker's membership; None for strangers on a public action


def load_widget(model, public_id, action=Action.VIEW_GROUP):
    """The widget of `model` (a core.widgetbase.WidgetMixin) with this public id, the
    asker and their membership, for a route about to do `action`.

    :raise 401: nobody is known and `action` needs someone (asked first, so ids cannot
        be probed without a name)
    :raise 404: the id is unknown, or the asker may not see the widget
    :raise 403: the asker sees the widget but may not do `action`
    :raise Unchanged: a GET whose asker already holds this answer (304, core.conditional)
    """
    answer_if_peeked_unchanged(model, public_id)
    asker = unread_asker()
    if asker is not None:
        widget, person = _find_with_unread_asker(model, public_id, asker, action)
    else:
        person = current_person() if action in PUBLIC_ACTIONS else require_person()
        widget = find_with_membership(model, public_id, person)
    loaded = Loaded(widget, person, authorize(person, action, widget))
    answer_if_widget_unchanged(loaded)  # a GET whose asker holds its ETag: 304 here
    return loaded


def find_with_membership(model, public_id, person):
    """The widget (404 when unknown), read in one statement with its group and the
    asker's membership there, which `membership_of` then answers without reading it
    again (the statement budget, docs/architecture.md#statement-budget)."""
    if person is None:
        return model.find(public_id)
    row = db.session.execute(_with_membership(model),
                             {"public_id": public_id, "person_id": person.id}).first()
    if row is None:
        raise NotFound()
    widget, membership = row
    remember_membership(person, widget.group, membership)
    return widget


def _find_with_unread_asker(model, public_id, asker, action):
    """(widget, asker) for a request whose asker nobody has read yet: the person read in
    find_with_membership's statement too (by the cookie's public id or the token's
    hash, core.identity.unread_asker), then judged as identity judges them
    (settle_asker). What is refused, and in which order, is load_widget's: 401 for a
    bad token or nobody before 404 for an unknown id."""
    by, value = asker
    public = action in PUBLIC_ACTIONS
    row = db.session.execute(_with_person(model, by), {"public_id": public_id,
                                                       "asker": value}).first()
    if row is None:
        refuse_unknown_id(by, public)
    widget, membership, person = row
    person, _ = asker_of_row(by, person, widget.group, membership, public)
    return widget, person


def refuse_unknown_id(by, public):
    """A statement that read an unread asker (found by `Person.<by>`) with the thing a
    route is about found no row: 401 first for a bad token, or for nobody where the
    route needs someone (ids are not probed without a name), else 404."""
    if by == "token_hash" or not public:
        require_person()  # the person is read now: 401 if nobody is known
    raise NotFound()


def asker_of_row(by, person, group, membership, public):
    """(asker, their membership) from a row that read an unread asker (found by
    `Person.<by>`) with a thing of `group`: the person judged as identity judges them
    (settle_asker: a cookie ended everywhere is nobody), 401 for nobody unless the
    route is `public`, and the membership remembered for `membership_of`."""
    person = settle_asker(by, person)
    if person is None:
        if not public:
            require_person()  # 401: nobody is known
        return None, None  # the row read was not the asker's (signed out everywhere)
    remember_membership(person, group, membership)
    return person, membership


_STATEMENTS = {}
_WITH_PERSON = {}


def _with_person(model, by):
    """_with_membership's statement that finds the asker too, by `Person.<by>` (their
    public id or their token's hash)."""
    if (model, by) not in _WITH_PERSON:
        mine = and_(Membership.group_id == model.group_id, Membership.person_id == Person.id)
        _WITH_PERSON[model, by] = (
            select(model, Membership, Person).join(model.group)
            .outerjoin(Person, getattr(Person, by) == bindparam("asker"))
            .outerjoin(Membership, mine)
            .options(contains_eager(model.group))
            .where(model.public_id == bindparam("public_id")))
    return _WITH_PERSON[model, by]


def _with_membership(model):
    """The statement of find_with_membership for `model`, built once per process: every
    request of every widget runs it, and building it (and its cache key) cost more than
    running it (docs/architecture.md#speed)."""
    if model not in _STATEMENTS:
        mine = and_(Membership.group_id == model.group_id,
                    Membership.person_id == bindparam("person_id"))
        _STATEMENTS[model] = (
            select(model, Membership).join(model.group).outerjoin(Membership, mine)
            .options(contains_eager(model.group))
            .where(model.public_id == bindparam("public_id")))
    return _STATEMENTS[model]


def load_group(public_id, also=(), values=None, action=Action.VIEW_PUBLIC_CARD):
    """The group with this public id, the asker and their membership there, and the
    values of `also` (columns correlated with Group, built once by the caller; their
    bound parameters' values in `values`), read in one statement: the asker too, when
    nobody has read them yet (by the cookie's public id or the token's hash,
    core.identity.unread_asker), as load_widget reads them with a widget. `membership_of`
    then answers without reading again. Nothing is authorized here: `action` decides
    only whether nobody is refused (401, before 404 for an unknown id); what the asker
    may do is the caller's to ask (core.access.authorize).

    :raise 401: a bad token, or nobody for an action that needs someone
    :raise 404: the id is unknown"""
    also = tuple(also)
    params = {"public_id": public_id, **(values or {})}
    asker = unread_asker()
    if asker is not None:
        by, value = asker
        public = action in PUBLIC_ACTIONS
        row = db.session.execute(_group_statement(also, by), {**params, "asker": value}).first()
        if row is None:
            refuse_unknown_id(by, public)
        group, membership, person, *extra = row
        person, membership = asker_of_row(by, person, group, membership, public)
        return LoadedGroup(group, person, membership, tuple(extra))
    person = current_person() if action in PUBLIC_ACTIONS else require_person()
    if person is None:
        row = db.session.execute(_group_statement(also, None), params).first()
        if row is None:
            raise NotFound()
        return LoadedGroup(row[0], None, None, tuple(row[1:]))
    row = db.session.execute(_group_statement(also, "person_id"),
                             {**params, "asker": person.id}).first()
    if row is None:
        raise NotFound()
    group, membership, *extra = row
    remember_membership(person, group, membership)
    return LoadedGroup(group, person, membership, tuple(extra))


class ClockedGroup(NamedTuple):
    """What a group's ETag is made of, read as plain columns (core.groupclock)."""
    id: int
    version: int
    widgets_version: int
    next_moment: object
    timezone: str


class AskerSeen(NamedTuple):
    id: int
    name: str


class MembershipSeen(NamedTuple):
    id: int
    role: str
    status: str
    nickname: object

    @property
    def is_active(self):
        return self.status == "active"


def peek_group(public_id):
    """(ClockedGroup, asker, their membership) as plain columns in one light statement,
    for a conditional GET that may answer 304 without loading any entity (the group
    page's: core.groups.views.show_group) — or None when that cannot be decided so
    cheaply (peek_with_asker): the caller then loads as usual (load_group), which
    refuses what is refused."""
    def statement():
        return (select(Group.id, Group.version, func.coalesce(GroupClock.widgets_version, 0),
                       GroupClock.next_moment, Group.timezone)
                .select_from(Group)
                .outerjoin(GroupClock, GroupClock.group_id == Group.id)
                .where(Group.public_id == bindparam("public_id"))), Group.id
    seen = peek_with_asker("group", statement, {"public_id": public_id})
    return None if seen is None else (ClockedGroup(*seen[0]), *seen[1:])


def answer_if_peeked_unchanged(model, public_id, of_group=False):
    """304 for an asker who holds the widget's answer already, found from its ETag's
    parts read as plain columns (peek_with_asker), before any entity is loaded: the
    answer that gave them the ETag was theirs to have (core.conditional.answer_if_held).
    Else nothing: the widget is loaded and judged as usual. `of_group`: `public_id` is
    its group's (a group's one card folder)."""
    if not request.if_none_match:
        return
    reads = (*model.CLOCK_MOMENTS, *model.CLOCK_READS)

    def statement():
        found_by = Group.public_id if of_group else model.public_id
        return (select(model.id, model.version, Group.id, Group.version, Group.timezone,
                       *(getattr(model, name) for name in reads))
                .join(Group, Group.id == model.group_id)
                .where(found_by == bindparam("public_id"))), model.group_id
    seen = peek_with_asker((model, of_group), statement, {"public_id": public_id})
    if seen is not None:
        (widget_id, version, group_id, group_version, zone, *moments), person, mine = seen
        answer_if_held(*widget_parts(model, widget_id, version, group_id, group_version,
                                     SimpleNamespace(**dict(zip(reads, moments))), zone),
                       person=person, membership=mine)


_PEEKS = {}


def peek_with_asker(key, statement, params):
    """(values, asker, their membership) for a conditional GET that may answer 304
    before loading any entity: `statement()` gives (a select of plain columns — what
    the answer's ETag is made of — and the column of the group it is about), built once
    per `key`; the asker and their membership there are read in the same statement, as
    plain columns too, with the attributes an ETag reads (core.conditional). The asker
    stays unread (core.identity.unread_asker_confirmed). None when that cannot be
    decided so cheaply — no row, a token that finds nobody, a cookie that no longer
    counts: the caller then loads as usual, which refuses what is refused."""
    by, asker = unread_asker() or ("public_id", asker_public_id())
    if asker is None:
        by = None
    built = _PEEKS.get((key, by))
    if built is None:
        select_values, group_id = statement()
        width = len(select_values.selected_columns)
        if by is not None:
            select_values = (
                select_values.add_columns(Person.id, Person.session_version, Person.name,
                                          Membership.id, Membership.role, Membership.status,
                                          Membership.nickname)
                .outerjoin(Person, getattr(Person, by) == bindparam("asker"))
                .outerjoin(Membership, and_(Membership.group_id == group_id,
                                            Membership.person_id == Person.id)))
        built = _PEEKS.setdefault((key, by), (select_values, width))
    select_values, width = built
    row = first_plain_row(select_values, params if by is None else {**params, "asker": asker})
    if row is None:
        return None
    values = tuple(row[:width])
    if by is None:
        return values, None, None
    asker_id, session_version, name, membership_id, *mine = row[width:]
    if not unread_asker_confirmed(by, asker_id, session_version):
        return None
    return (values, AskerSeen(asker_id, name),
            None if membership_id is None else MembershipSeen(membership_id, *mine))


_GROUP_STATEMENTS = {}


def _group_statement(also, by):
    """load_group's statement, built once per process for each set of `also` columns
    and each way the asker is known: None (nobody), "person_id" (read already), or
    the Person column an unread asker is found by."""
    key = (also, by)
    statement = _GROUP_STATEMENTS.get(key)
    if statement is None:
        if by is None:
            statement = select(Group, *also)
        elif by == "person_id":
            statement = (
                select(Group, Membership, *also).select_from(Group)
                .outerjoin(Membership, and_(Membership.group_id == Group.id,
                                            Membership.person_id == bindparam("asker"))))
        else:
            statement = (
                select(Group, Membership, Person, *also).select_from(Group)
                .outerjoin(Person, getattr(Person, by) == bindparam("asker"))
                .outerjoin(Membership, and_(Membership.group_id == Group.id,
                                            Membership.person_id == Person.id)))
        statement = _GROUP_STATEMENTS.setdefault(
            key, statement.where(Group.public_id == bindparam("public_id")))
    return statement


def load_earned(model, public_id, widget_model, widget_id):
    """(item, asker's membership) for something a member earned inside a widget (a
    certificate): `model` is a core.widgetbase.OwnedItem with a public id. Action
    VIEW_EARNED: the widget's active members, and the item's earner whatever their
    status now.

    :raise 401: nobody is known
    :raise 404: either id is unknown, the item is another widget's, or the asker may
        not see it (an unknown item is checked as the widget's page would be first, so
        its id cannot be probed by a stranger)
    """
    person = require_person()
    widget = widget_model.find(widget_id)
    item = db.session.scalar(select(model).where(model.public_id == public_id))
    if item is None or item.widget is not widget:
        authorize(person, Action.VIEW_GROUP, widget)
        raise NotFound()
    return item, authorize(person, Action.VIEW_EARNED, item)
