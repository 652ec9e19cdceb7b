"""The card folder as its readers see it: the cards of the group's active members,
searched and 50 a page, and for managers who has not filled in their card or left a
required field empty, with a reminder ready to paste into the chat.

Searching reads the card rows alone (their `search_visible`/`search_all` columns), so a
2,000-member folder answers as fast as a small one (bench/card_folder.py)."""
from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import gettext
from sqlalchemy import and_, func, select

from grouptools.core.access import Action, authorize, can
from grouptools.core.avatars import Avatar, person_avatar
from grouptools.core.models import Membership, Person
from grouptools.core.widgetpages import widget_link
from grouptools.card import settings as rules
from grouptools.card.models import Card
from grouptools.card.service import CardView, FolderForManagers, require_folder
from grouptools.extensions import db

PAGE_SIZE = 50
LIST_MAX = 200
QUERY_MAX = 100
NOT_ACTIVE = tuple(status for status in Membership.STATUSES if status != "active")


class ListedMember(NamedTuple):
    public_id: str
    avatar: Avatar  # the person's, as every page shows it (core.avatars)


class ListedCard(NamedTuple):
    """What a card of the folder's list needs of its row (schemas.CardSchema, the page)."""

    public_id: str
    values: dict
    display_name: str
    complete: bool
    missing: list
    public: bool
    owner_membership_id: int
    owner: ListedMember


@dataclass
class FolderPage:
    folder: object
    cards: list  # [CardView]
    page: int
    total: int
    query: str
    manager: bool

    @property
    def pages(self):
        return max(1, -(-self.total // PAGE_SIZE))


def active_cards(folder):
    """The folder's cards whose owners are active members: a query to refine."""
    return (select(Card).join(Membership, Membership.id == Card.owner_membership_id)
            .where(Card.folder_id == folder.id, Membership.status == "active"))


def _cards_of_active_members(folder):
    """The folder's cards of active members, to refine and choose columns of. Cards are
    read off the folder's index leaving out the few members who have gone or wait for
    approval, rather than looking up each card's member (bench/README.md)."""
    not_active = select(Membership.id).where(Membership.group_id == folder.group_id,
                                             Membership.status.in_(NOT_ACTIVE))
    return select().select_from(Card).where(Card.folder_id == folder.id,
                                            Card.owner_membership_id.not_in(not_active))


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def folder_page(person, group, query="", page=1):
    """One page of the folder for `person`: 403 for members when it is for managers."""
    folder = require_folder(group)
    membership = authorize(person, Action.VIEW_GROUP, folder)
    manager = can(person, Action.MANAGE_WIDGET, folder, membership)
    if folder.folder_visibility == "managers" and not manager:
        raise FolderForManagers()
    query = (query or "").strip()[:QUERY_MAX]
    page = max(1, page)
    matching = _cards_of_active_members(folder)
    if query:
        column = Card.search_all if manager else Card.search_visible
        words = [word for word in query.lower().split() if word][:5]
        matching = matching.where(and_(*(column.like(f"%{_escape_like(word)}%", escape="\\")
                                         for word in words)))
    # The page's rows as plain columns (no entities to build), read in the order of the
    # (folder, display name) index, so an unsearched page stops after its 50 rows; the
    # member's row is looked up for those 50 only.
    rows = db.session.execute(
        matching.add_columns(Card.public_id, Card.values, Card.display_name, Card.complete,
                             Card.missing, Card.public, Card.owner_membership_id,
                             Membership.public_id.label("member_id"),
                             Person.public_id.label("person_id"),
                             Person.name.label("person_name"),
                             Person.avatar_image_public_id.label("photo_id"))
        .join(Membership, Membership.id == Card.owner_membership_id)
        .join(Person, Person.id == Membership.person_id)
        .order_by(Card.display_name, Card.id)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    total = db.session.scalar(matching.add_columns(func.count(Card.id)))
    fields = rules.fields_of(folder)
    views = []
    for row in rows:
        listed = ListedCard(row.public_id, row.values, row.display_name, row.complete,
                            row.missing, row.public, row.owner_membership_id,
                            ListedMember(row.member_id, person_avatar(
                                row.person_id, row.person_name, row.photo_id)))
        sees_private = manager or row.owner_membership_id == membership.id
        views.append(CardView(listed, folder, fields,
                              rules.visible_values(fields, row.values, sees_private),
                              sees_private, row.display_name))
    return FolderPage(folder, views, page, total, query, manager)


@dataclass
class Incomplete:
    folder: object
    missing: list  # [Membership] with no card
    incomplete: list  # [(Membership, [missing keys])]
    missing_count: int
    incomplete_count: int
    fields: list

    def labels(self, keys):
        by_key = {f.key: f.shown_label for f in self.fields}
        return [by_key.get(key, key) for key in keys]


def incomplete_cards(person, group):
    """Managers: active members without a card, and those whose card lacks a required
    value (each list its first LIST_MAX; the counts are exact)."""
    folder = require_folder(group)
    authorize(person, Action.MANAGE_WIDGET, folder)
    has_card = select(Card.id).where(Card.folder_id == folder.id,
                                     Card.owner_membership_id == Membership.id).exists()
    without = (select(Membership).join(Person, Person.id == Membership.person_id)
               .where(Membership.group_id == group.id, Membership.status == "active", ~has_card))
    lacking = active_cards(folder).where(Card.complete.is_(False))
    missing = db.session.scalars(without.order_by(Membership.joined_at, Membership.id)
                                 .limit(LIST_MAX)).all()
    incomplete = db.session.scalars(lacking.order_by(Card.display_name).limit(LIST_MAX)).all()
    count = select(func.count()).select_from
    return Incomplete(folder, missing, [(card.owner, list(card.missing)) for card in incomplete],
                      db.session.scalar(count(without.subquery())),
                      db.session.scalar(count(lacking.subquery())), rules.fields_of(folder))


def reminder_text(report):
    """`@张三 @李四 请填写或完善你的群名片：<link>` naming exactly the members listed;
    None when every card is complete."""
    members = report.missing + [member for member, _ in report.incomplete]
    if not members:
        return None
    names = [f"@{member.display_name}" for member in members]
    if report.missing_count + report.incomplete_count > len(members):
        names.append("…")
    line = gettext("please fill in or complete your member card: %(link)s",
                   link=widget_link(report.folder))
    return " ".join([*names, line])


def completion(folder):
    """(complete cards, active members) for the group page's line."""
    complete = db.session.scalar(_cards_of_active_members(folder).add_columns(
        func.count(Card.id)).where(Card.complete.is_(True)))
    members = db.session.scalar(select(func.count(Membership.id)).where(
        Membership.group_id == folder.group_id, Membership.status == "active"))
    return complete, members


