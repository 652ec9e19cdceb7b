"""The rules of member cards: the group's folder and its settings, a member's own card
(pre-filled from their cards in other groups), and one card as one reader sees it.

Plain functions over the models; each asks core.access first and commits its own unit
of work. Who sees a private value is core.access's answer to "may this person change
the card" (Action.CHANGE_OWN_ITEM: its owner and the folder's managers): the same people.

The folder is made by an owner or admin — from the group page's create link, through
the API, or by the first save of the card settings — never by a member reading."""
from dataclasses import dataclass

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import joinedload

from grouptools.core.groups.service import record_activity
from grouptools.core.access import Action, authorize, can, membership_of
from grouptools.core.closing import close_widget
from grouptools.core.database import commit_or_conflict, unit_of_work
from grouptools.core.errors import Conflict, Invalid, NotAllowed, NotFound
from grouptools.core.i18n import gettext
from grouptools.core.models import Group, Membership
from grouptools.card import counting  # noqa: F401  (keeps the folders' counts)
from grouptools.card import settings as rules
from grouptools.card.cardview import CardView, SavedCard, SavedOwner  # noqa: F401
from grouptools.card.loading import FOLDERS_HELD, MyCardLine
from grouptools.card.saving import save_my_card_of_group
from grouptools.card.models import Card, CardFolder
from grouptools.card.search import keep_grams, search_texts_of
from grouptools.extensions import db


class NoFolder(NotFound):
    default_message = _l("Member cards are not set up in this group yet.")


class FolderExists(Conflict):
    default_message = _l("The group has its member cards already.")


class FolderForManagers(NotAllowed):
    default_message = _l("Only the group's organisers may open the member cards here.")


@dataclass
class Settings:
    folder: CardFolder | None  # None until an owner or admin sets cards up
    fields: list  # [settings.CardField]
    display_name_format: str
    folder_visibility: str


# --- The folder ----------------------------------------------------------------------------

def folder_of(group):
    """The group's folder, or None. A folder this request already holds (the page's
    widget, loaded by core.loaders or card.loading) answers without reading it again:
    a group has one folder at most, and only a loaded, unexpired row is trusted."""
    held = g.get(FOLDERS_HELD, {}).get(group.id) if has_request_context() else None
    candidates = [held] if held is not None else []
    candidates += list(db.session.identity_map.values())
    for row in candidates:
        if isinstance(row, CardFolder):
            state = inspect(row)
            if state.dict.get("group_id") == group.id and not (state.deleted or state.was_deleted):
                return row
    return db.session.scalar(select(CardFolder).where(CardFolder.group_id == group.id))


def folder_id_of_group(group_public_id):
    """The public id of the folder of the group with this public id, or None: one
    statement, for a page that then loads the folder as its own (core.loaders)."""
    return db.session.scalar(_FOLDER_ID_OF_GROUP, {"group_public_id": group_public_id})


# Built once: the folder pages' 304 ran more Python building it than the database did.
_FOLDER_ID_OF_GROUP = (select(CardFolder.public_id).join(Group, Group.id == CardFolder.group_id)
                       .where(Group.public_id == bindparam("group_public_id")))


def require_folder(group):
    folder = folder_of(group)
    if folder is None:
        raise NoFolder()
    return folder


def _new_folder(person, group, title=None, description=""):
    folder = CardFolder(group_id=group.id, created_by_id=person.id,
                        title=title or gettext("Member cards"), description=description or "",
                        fields=rules.default_fields())
    db.session.add(folder)
    return folder


def create_folder(person, group, title=None, description=None):
    """The group's card folder with the default settings (owner and admins); 409 when
    the group has one."""
    authorize(person, Action.MANAGE_GROUP, group)
    if folder_of(group) is not None:
        raise FolderExists()
    folder = _new_folder(person, group, title, description)
    commit_or_conflict()  # two at once: the unique group_id refuses the second
    return folder


def ensure_folder(person, group):
    """The group's folder, made with the defaults if there is none (owner and admins)."""
    authorize(person, Action.MANAGE_GROUP, group)
    folder = folder_of(group)
    if folder is None:
        folder = _new_folder(person, group)
        commit_or_conflict()
    return folder


def update_folder(person, folder, **changes):
    authorize(person, Action.MANAGE_WIDGET, folder)
    for name in ("title", "description", "deadline"):
        if name in changes:
            setattr(folder, name, changes[name] if name == "deadline" else changes[name] or "")
    commit_or_conflict()
    return folder


def close_folder(person, folder, closed):
    folder, _ = close_widget(person, folder, closed)
    commit_or_conflict()
    return folder


def card_settings(person, group):
    """The settings members read (the defaults before the folder exists)."""
    authorize(person, Action.VIEW_GROUP, group)
    folder = folder_of(group)
    return Settings(folder, rules.fields_of(folder),
                    folder.display_name_format if folder else "",
                    folder.folder_visibility if folder else "members")


def save_settings(person, group, field_list, display_name_format="", folder_visibility="members"):
    """Replace the card settings (owner and admins): the folder is made if needed and
    every card is measured again against the new fields — what is missing, what search
    reads, its display name and so the member's nickname in the group."""
    authorize(person, Action.MANAGE_GROUP, group)
    chosen = [rules.card_field(item) for item in field_list]
    problem = rules.format_errors(display_name_format, chosen)
    if problem:
        raise Invalid({"display_name_format": [str(problem)]})
    folder = folder_of(group) or _new_folder(person, group)
    folder = folder.lock() if folder.id else folder
    folder.fields = [field.as_stored() for field in chosen]
    folder.display_name_format = display_name_format
    folder.folder_visibility = folder_visibility
    db.session.flush()
    # Locked, as a member's save locks their card: each card's grams are written by
    # one transaction at a time (search.keep_grams).
    # Each card's owner and person come with it: the display name may fall back on
    # the person's name, and one query per card made a 2,000-card folder take seconds.
    cards = db.session.scalars(select(Card).where(Card.folder_id == folder.id)
                               .options(joinedload(Card.owner).joinedload(Membership.person))
                               .with_for_update(of=Card)
                               .execution_options(populate_existing=True)).all()
    texts_before = [(card, search_texts_of(card)) for card in cards]
    for card in cards:
        _measure(card, folder, chosen)
    keep_grams(texts_before)
    commit_or_conflict()
    return card_settings(person, group)


def _measure(card, folder, fields):
    """What a card's row keeps for lists and search, and the owner's nickname (its
    search grams follow: search.keep_grams)."""
    owner = card.owner
    card.missing = rules.missing_keys(fields, card.values)
    card.complete = not card.missing
    card.display_name = rules.display_name(folder.display_name_format, card.values,
                                           owner.person.name, Membership.NICKNAME_MAX)
    card.search_visible, card.search_all = rules.search_texts(fields, card.values,
                                                              card.display_name)
    if card.values:
        owner.nickname = card.display_name


# --- My card -------------------------------------------------------------------------------

def _card_of(folder, membership, lock=False):
    """The member's card; `lock`: locked and read afresh (PostgreSQL's FOR UPDATE), so
    that two saves of it, or a save and a settings change, write its grams in turn."""
    query = select(Card).where(Card.folder_id == folder.id,
                               Card.owner_membership_id == membership.id)
    if lock:
        query = query.with_for_update(of=Card).execution_options(populate_existing=True)
    return db.session.scalar(query)


def prefill(person, folder, fields):
    """Values for a card not yet filled in: from the person's cards in other groups,
    the most recently changed first, each field from the first card that has it."""
    others = db.session.scalars(
        select(Card.values).join(Membership, Membership.id == Card.owner_membership_id)
        .where(Membership.person_id == person.id, Card.folder_id != folder.id)
        .order_by(Card.updated_at.desc()).limit(20)).all()
    values = {}
    for field in fields:
        for stored in others:
            if stored.get(field.key):
                values[field.key] = stored[field.key]
                break
    if "name" in {f.key for f in fields} and not values.get("name"):
        values["name"] = person.name
    return values


def my_card(person, group):
    """My card (all of it), or — before I filled it in — a CardView with no card and
    pre-filled values."""
    folder = require_folder(group)
    membership = authorize(person, Action.VIEW_GROUP, folder)
    fields = rules.fields_of(folder)
    card = _card_of(folder, membership)
    if card is None:
        values = prefill(person, folder, fields)
        return CardView(None, folder, fields, values, True,
                        rules.display_name(folder.display_name_format, values,
                                           membership.display_name, Membership.NICKNAME_MAX))
    return CardView(card, folder, fields, rules.visible_values(fields, card.values, True), True,
                    card.display_name)


_MY_CARD_LINE = select(Card.public_id, Card.display_name, Card.complete, Card.missing).where(
    Card.folder_id == bindparam("folder_id"), Card.owner_membership_id == bindparam("membership_id"))


def my_card_line(folder, membership):
    """What the folder's page says of the asker's card (loading.MyCardLine), as plain
    columns; the page asked by the group's id reads it with the folder (card.loading)."""
    row = db.session.execute(_MY_CARD_LINE, {"folder_id": folder.id,
                                             "membership_id": membership.id}).first()
    return MyCardLine(*row) if row else MyCardLine(None, None, None, None)


def save_my_card(person, group, values, public=None):
    """Fill in or change my card: (CardView, created). Every value is checked against
    its field; refusals come back under `values.<key>` (422). The display name becomes
    my nickname in the group. Written in plain statements, holding the writer briefly
    (card.saving)."""
    return save_my_card_by_group_id(person, group.public_id, values, public)


def save_my_card_by_group_id(person, gid, values, public=None):
    """save_my_card for the group with public id `gid` (the API: the group is read with
    the folder, card.saving); the ORM path when what it read changed meanwhile."""
    return save_my_card_of_group(person, gid, values, public, fallback=save_with_orm)


def save_with_orm(person, group, values, public=None):
    """save_my_card through the ORM, everything read afresh in the write transaction:
    card.saving's way when what it read before the write changed meanwhile."""
    # The folder locked first, then the card, then the membership (record_activity):
    # the order card.saving, settings changes and a member's removal take them in.
    folder = require_folder(group).lock()
    membership = authorize(person, Action.ACT, folder)
    fields, clean = rules.values_to_save(folder, values)
    card = _card_of(folder, membership, lock=True)
    created = card is None
    # Two first saves at once: the unique (folder, member) says 409, at the flush that
    # gives the card its id for its search grams or at the commit.
    with unit_of_work():
        if created:
            card = Card(folder_id=folder.id, owner_membership_id=membership.id,
                        owner=membership)
            db.session.add(card)
        card.values = {key: value for key, value in clean.items() if value}
        if public is not None:
            card.public = public
        texts_before = search_texts_of(card)
        _measure(card, folder, fields)
        record_activity(membership)  # before the grams' flush: one UPDATE of the membership
        keep_grams([(card, texts_before)])
        db.session.flush()  # a new card gets its id
        # The answer is what was just written, taken before the commit expires the rows:
        # reading the folder, the membership and the card again cost three statements.
        saved = SavedCard(card.public_id, dict(card.values), card.display_name,
                          card.complete, list(card.missing), bool(card.public),
                          SavedOwner(membership.public_id))
        view = CardView(saved, folder, fields, rules.visible_values(fields, saved.values, True),
                        True, saved.display_name)
        db.session.commit()
    return view, created


# --- One card, as one reader sees it ------------------------------------------------------

def find_card(public_id):
    card = db.session.scalar(select(Card).where(Card.public_id == public_id))
    # A departed member's card drops out with them (docs/security.md#leaving-and-removal).
    if card is None or not card.owner.is_active:
        raise NotFound()
    return card


def card_view(person, card):
    """The card as `person` may see it. A public card shows its non-private values to
    anyone; otherwise members of the group see it (when the folder is open to members),
    and its owner and the managers see every value.

    :raise 401/404: as core.access decides for members' things; 403: a members' card
        in a folder for managers only"""
    folder = card.folder
    if not card.public:
        authorize(person, Action.VIEW_GROUP, card)
        if folder.folder_visibility == "managers" and not can(person, Action.CHANGE_OWN_ITEM,
                                                              card):
            raise FolderForManagers()
    sees_private = person is not None and can(person, Action.CHANGE_OWN_ITEM, card)
    fields = rules.fields_of(folder)
    return CardView(card, folder, fields, rules.visible_values(fields, card.values, sees_private),
                    sees_private, card.display_name)


def is_member_of(person, card):
    membership = membership_of(person, card.folder.group)
    return membership is not None and membership.is_active
