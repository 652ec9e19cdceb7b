"""The card folder as its readers see it: the cards of the group's active members,
searched and 50 a page, and for managers who has not filled in their card or left a
required field empty, with a reminder ready to paste into the chat.

Listing reads the card rows alone, and searching reads the grams of the matching cards
(card/search.py), so a 2,000-member folder answers as fast as a small one
(bench/card_folder.py)."""
from dataclasses import dataclass
from typing import NamedTuple

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import bindparam, func, select

from grouptools.core.access import Action, authorize, can
from grouptools.core.avatars import person_avatar
from grouptools.core.conditional import shared_by_askers
from grouptools.core.groups.counting import active_count
from grouptools.core.i18n import gettext
from grouptools.core.links import MEMBER_PLACEHOLDER as ID
from grouptools.core.models import Membership, Person
from grouptools.core.widgetpages import widget_link
from grouptools.core.plainrows import plain_rows
from grouptools.card import settings as rules
from grouptools.card.counting import gone_cards
from grouptools.card.models import Card
from grouptools.card.search import (
    holding_every_word,
    holding_every_word_with_parameters,
    query_words,
    search_shape,
    word_parameters,
)
from grouptools.card.service import CardView, FolderForManagers, require_folder
from grouptools.extensions import db

PAGE_SIZE = 50
LIST_MAX = 200
QUERY_MAX = 100
NOT_ACTIVE = tuple(status for status in Membership.STATUSES if status != "active")


class ListedMember(NamedTuple):
    public_id: str


class ListedCard(NamedTuple):
    """What a card of the folder's JSON list needs of its row (schemas.card_dict)."""

    public_id: str
    display_name: str
    complete: bool
    missing: list
    public: bool
    owner: ListedMember


# The values the page's line under each name shows (CardView.summary), in order.
SUMMARY_KEYS = ("title", "company", "city")


@dataclass
class FolderPage:
    folder: object
    cards: list  # [CardView], or the page's lines as HTML (Markup)
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


def _cards_of_active_members(folder, words=(), manager=False):
    """The folder's cards of active members, to refine and choose columns of: all of
    them, read off the folder's index, or those holding every word, read off the grams
    that match (card/search.py) — which are the folder's own, so the cards are not
    looked for in the folder's index too, and a search reads the matches, not the
    folder. Either way the few members who have gone or wait for approval are left out,
    rather than each card's member looked up (bench/README.md)."""
    not_active = select(Membership.id).where(Membership.group_id == folder.group_id,
                                             Membership.status.in_(NOT_ACTIVE))
    in_folder = (holding_every_word(folder, words, manager) if words
                 else [Card.folder_id == folder.id])
    return select().select_from(Card).where(*in_folder,
                                            Card.owner_membership_id.not_in(not_active))


def folder_page(person, group, query="", page=1, for_page=False):
    """One page of the folder for `person`: 403 for members when it is for managers.
    Its `cards` are CardViews (the JSON), or `for_page` the page's lines as HTML: read as
    plain columns (not the card's values and missing keys, decoded from JSON for each
    card), each line's summary chosen off the fields once per page, not per card, and
    unsearched, drawn once a version for every reader (_page_lines)."""
    folder = require_folder(group)
    membership = authorize(person, Action.VIEW_GROUP, folder)
    manager = can(person, Action.MANAGE_WIDGET, folder, membership)
    if folder.folder_visibility == "managers" and not manager:
        raise FolderForManagers()
    query = (query or "").strip()[:QUERY_MAX]
    page = max(1, page)
    words = query_words(query)
    fields = rules.fields_of(folder)
    mine = membership.id if membership is not None else None
    if for_page:
        def draw():
            rows, total = _rows_and_total(folder, words, manager, page, True)
            return _page_lines(rows, fields), total
        # An unsearched page reads alike for every asker of the folder as it is, but for
        # the lines a card's owner and the managers see with its private values.
        lines, total = shared_by_askers(folder, "folder page", draw, page) if not words \
            else draw()
        return FolderPage(folder, _lines_for(lines, manager, mine), page, total, query,
                          manager)
    rows, total = _rows_and_total(folder, words, manager, page, False)
    # What each reader sees of a card: the fields' keys worked out once for each.
    shown = {True: rules.visible_keys(fields, True), False: rules.visible_keys(fields, False)}
    views = []
    for (public_id, stored, display_name, complete, missing, public, owner_id, member_id,
         *_) in rows:
        sees_private = manager or owner_id == mine
        views.append(CardView(ListedCard(public_id, display_name, complete, missing, public,
                                         ListedMember(member_id)),
                              folder, fields,
                              {key: stored[key] for key in shown[sees_private]
                               if stored.get(key)},
                              sees_private, display_name))
    return FolderPage(folder, views, page, total, query, manager)


def _rows_and_total(folder, words, manager, page, for_page):
    """The page's rows (for the JSON or `for_page` the page) and how many cards match."""
    statements = _page_statements(search_shape(words, manager) if words else None, for_page)
    values = {"folder_id": folder.id, "group_id": folder.group_id,
              "offset": (page - 1) * PAGE_SIZE, "limit": PAGE_SIZE, **word_parameters(words)}
    rows = plain_rows(statements[0], values).all()
    if not words:
        # The folder's kept count less the few cards of members who have gone (read
        # beside the page's rows), not a count of the folder (bench/growth.py).
        gone = rows[0][-1] if rows else db.session.scalar(statements[1], values)
        return rows, folder.card_count - gone
    # How many match is counted beside the chosen rows (a window over them all, before
    # the LIMIT); only a page past the end, which has no row to carry it, counts again.
    return rows, rows[0][-1] if rows else 0 if page == 1 else db.session.scalar(
        statements[1], values)


def _page_lines(rows, fields):
    """The page's cards as card/folder.html lists them, one line each: (its owner's
    membership id, the line as members see it, the line as its owner and the managers
    see it, or None when it is the same). A line's "Engineer · Acme · Beijing" is made
    of the summary's values that reader may see (CardView.summary), the avatar drawn as
    _macros.html's `avatar` draws it: written here, not in a Jinja loop, which cost
    several times as much for 50 cards (bench/inprocess.py)."""
    shown = {sees: [n for n, key in enumerate(SUMMARY_KEYS) if key in keys]
             for sees in (True, False)
             for keys in [set(rules.visible_keys(fields, sees))]}
    # Each address built once a page, then only the id changes.
    card, card_end = url_for("card_pages.show_card", cid=ID).rsplit(ID, 1)
    thumb, thumb_end = url_for("images.show_thumb", iid=ID).rsplit(ID, 1)
    incomplete = f'<span class="badge badge-warning">{escape(gettext("Incomplete"))}</span>'
    lines = []
    for (public_id, display_name, complete, owner_id, person_id, person_name, photo_id,
         *summary) in rows:
        avatar = person_avatar(person_id, person_name, photo_id)
        face = (f'<img src="{thumb}{escape(photo_id)}{thumb_end}" alt="" loading="lazy">'
                if photo_id else escape(avatar.initial))
        start = (f'\n    <li class="list-item">\n      <a class="list-link row" href="'
                 f'{card}{escape(public_id)}{card_end}">\n        <span class="avatar '
                 f'avatar-c{avatar.colour}" aria-hidden="true">{face}</span>\n        '
                 f'<span class="list-main">\n          <span class="list-title">'
                 f'{escape(display_name)}</span>\n          <span class="list-meta">')
        end = (f'</span>\n        </span>{"" if complete else incomplete}\n      </a>'
               f'\n    </li>')
        seen = [escape(" · ".join(str(summary[n]) for n in shown[sees] if summary[n]))
                for sees in (False, True)]
        lines.append((owner_id, f"{start}{seen[0]}{end}",
                      f"{start}{seen[1]}{end}" if seen[1] != seen[0] else None))
    return tuple(lines)


def _lines_for(lines, manager, mine):
    """The page's lines as this reader sees them (`mine`: their membership's id)."""
    return Markup("".join(private if private is not None and (manager or owner_id == mine)
                          else public for owner_id, public, private in lines))


_PAGES = {}


def _page_statements(shape, for_page=False):
    """(the page's rows, how many match) for unsearched pages (shape None) or searches of
    one `search_shape`, for the JSON or (`for_page`) the page: built once each, the
    folder, the page and the words as parameters.

    The page's cards are chosen first, by id: read in the order of the (folder, display
    name) index, so an unsearched page stops after its 50 rows, or sorted from a search's
    matches (their ids and names alone). Then the page's rows as plain columns (no
    entities to build), each member's row looked up for those 50 only. The last column
    is how many match (searches) or the cards of members who have gone (unsearched)."""
    statements = _PAGES.get((shape, for_page))
    if statements is not None:
        return statements
    folder_id, group_id = bindparam("folder_id"), bindparam("group_id")
    not_active = select(Membership.id).where(Membership.group_id == group_id,
                                             Membership.status.in_(NOT_ACTIVE))
    in_folder = (holding_every_word_with_parameters(folder_id, shape) if shape
                 else [Card.folder_id == folder_id])
    matching = select().select_from(Card).where(*in_folder,
                                                Card.owner_membership_id.not_in(not_active))
    if shape:
        counted = func.count().over().label("total")
    else:  # unsearched: the folder's kept count (folder_page), the index read for 50 rows
        counted = gone_cards(folder_id, group_id)[0].label("gone")
    chosen = (matching.add_columns(Card.id, counted)
              .order_by(Card.display_name, Card.id)
              .offset(bindparam("offset")).limit(bindparam("limit")).subquery())
    if for_page:
        columns = (Card.public_id, Card.display_name, Card.complete, Card.owner_membership_id,
                   Person.public_id.label("person_id"), Person.name.label("person_name"),
                   Person.avatar_image_public_id.label("photo_id"),
                   *(Card.values[key].as_string().label(key) for key in SUMMARY_KEYS))
    else:
        columns = (Card.public_id, Card.values, Card.display_name, Card.complete,
                   Card.missing, Card.public, Card.owner_membership_id,
                   Membership.public_id.label("member_id"))
    rows = (select(*columns, chosen.c.total if shape else chosen.c.gone)
            .select_from(chosen)
            .join(Card, Card.id == chosen.c.id)
            .join(Membership, Membership.id == Card.owner_membership_id))
    if for_page:
        rows = rows.join(Person, Person.id == Membership.person_id)
    rows = rows.order_by(Card.display_name, Card.id)
    again = (matching.add_columns(func.count(Card.id)) if shape
             else select(gone_cards(folder_id, group_id)[0]))
    return _PAGES.setdefault((shape, for_page), (rows, again))


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
    # Each list with its exact count beside it (a window over every row, before the
    # LIMIT): an empty list counts none.
    total = func.count().over()
    missing = db.session.execute(without.add_columns(total)
                                 .order_by(Membership.joined_at, Membership.id)
                                 .limit(LIST_MAX)).all()
    incomplete = db.session.execute(lacking.add_columns(total).order_by(Card.display_name)
                                    .limit(LIST_MAX)).all()
    return Incomplete(folder, [member for member, _ in missing],
                      [(card.owner, list(card.missing)) for card, _ in incomplete],
                      missing[0][1] if missing else 0, incomplete[0][1] if incomplete else 0,
                      rules.fields_of(folder))


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
    gone_complete = gone_cards(folder.id, folder.group_id)[1]
    return tuple(db.session.execute(select(folder.complete_count - gone_complete,
                                           active_count(folder.group_id))).one())


