"""Saving my card, holding the database's writer as briefly as it can (SQLite lets one
writer in at a time, so how long a save holds it bounds the saves per second).

Before the write: the folder with its group, the asker's membership and the asker's
card's line are read in one statement (card.loading), in a read transaction of their
own (core.database.before_the_write); the values are checked against the fields, and
the display name, what is missing and the search grams worked out. Nothing is written
when a value is refused.

Then the write, in plain statements (no ORM flush), each taking its row's lock in the
order every writer of these rows takes them — the folder, the card, the membership —
so a save cannot deadlock with a settings change (folder, then cards) or with the
member's removal (core.groups: each widget's rows, then the membership) on PostgreSQL:
the folder's version moved first, in the statement that returns its settings as they
are now (settings changes and saves of the folder's cards wait for each other there);
then the card written (UPDATE … FROM its own row read FOR UPDATE, returning what it was;
or INSERT … RETURNING its ids); then the membership touched (last active, the nickname),
returning what it was; its grams written again only where what search reads changed;
the folder's counts moved only when they change; the group's version only when the
nickname changed.

Anything read before the write that changed meanwhile (the fields, the format, the
deadline, the member's status or role) undoes the write and sends the save down
service's ORM path, which reads everything afresh: it is rare, and that path is the
rules' own."""
from typing import NamedTuple

from sqlalchemy import Boolean, and_, bindparam, case, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from grouptools.card import settings as rules
from grouptools.card.cardview import CardView, SavedCard, SavedOwner
from grouptools.card.loading import folder_of_group
from grouptools.card.models import Card, CardFolder, CardSearchGram
from grouptools.card.search import card_grams
from grouptools.core.access import Action, authorize
from grouptools.core.conditional import note_change, version_moved
from grouptools.core.database import before_the_write, unit_of_work
from grouptools.core.errors import NotFound
from grouptools.core.groups.service import find_group
from grouptools.core.models import Membership
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db

_folder, _card, _member = CardFolder.__table__, Card.__table__, Membership.__table__

# Built once (bench/inprocess.py): each with its values as parameters. The folder's
# `updated_at` is its settings' time: a card saved leaves it (core.conditional).
_TAKE_FOLDER = (update(_folder).where(_folder.c.id == bindparam("folder_id"))
                .values(version=_folder.c.version + 1, updated_at=_folder.c.updated_at)
                .returning(_folder.c.fields, _folder.c.display_name_format,
                           _folder.c.closed_at, _folder.c.deadline))
# What a save writes into the card's row; `public` stays as it is unless it is sent.
_CARD_SET = {"values": bindparam("b_values"), "display_name": bindparam("b_name"),
             "complete": bindparam("b_complete"), "missing": bindparam("b_missing"),
             "search_visible": bindparam("b_visible"), "search_all": bindparam("b_all"),
             "updated_at": bindparam("b_now"),
             "public": func.coalesce(bindparam("b_public", type_=Boolean), _card.c.public)}
# The membership touched: last active now, the card's display name its nickname.
_MEMBER_SET = {"last_active_at": bindparam("b_now"), "updated_at": bindparam("b_now"),
               "nickname": case((bindparam("b_named", type_=Boolean), bindparam("b_name")),
                                else_=_member.c.nickname)}

# PostgreSQL: the card as it was, locked (FOR UPDATE: waiting for its other writers,
# then reading their row), and written, in one statement; the membership likewise
# (FOR NO KEY UPDATE, as core.groups locks it).
_WAS_CARD = (select(_card.c.id, _card.c.complete, _card.c.search_visible, _card.c.search_all)
             .where(_card.c.folder_id == bindparam("b_folder"),
                    _card.c.owner_membership_id == bindparam("b_member"))
             .with_for_update().subquery("was"))
_WRITE_CARD = (update(_card).where(_card.c.id == _WAS_CARD.c.id).values(_CARD_SET)
               .returning(_card.c.id, _card.c.public_id, _card.c.public, _WAS_CARD.c.complete,
                          _WAS_CARD.c.search_visible, _WAS_CARD.c.search_all))
_WAS_MEMBER = (select(_member.c.id, _member.c.status, _member.c.role, _member.c.nickname)
               .where(_member.c.id == bindparam("b_member"))
               .with_for_update(key_share=True).subquery("was"))
_TOUCH_MEMBER = (update(_member).where(_member.c.id == _WAS_MEMBER.c.id).values(_MEMBER_SET)
                 .returning(_WAS_MEMBER.c.status, _WAS_MEMBER.c.role, _WAS_MEMBER.c.nickname))

# SQLite (whose RETURNING cannot name the FROM's columns): the writer holds the whole
# database from its first write on, so what it reads next stays as read.
_MEMBER_AND_CARD = (
    select(_member.c.status, _member.c.role, _member.c.nickname, _card.c.id, _card.c.public_id,
           _card.c.public, _card.c.complete, _card.c.search_visible, _card.c.search_all)
    .select_from(_member.outerjoin(_card, and_(_card.c.folder_id == bindparam("b_folder"),
                                               _card.c.owner_membership_id == _member.c.id)))
    .where(_member.c.id == bindparam("b_member")))
_WRITE_CARD_BY_ID = update(_card).where(_card.c.id == bindparam("b_card")).values(_CARD_SET)
_TOUCH_MEMBER_BY_ID = update(_member).where(_member.c.id == bindparam("b_member")).values(
    _MEMBER_SET)


class Written(NamedTuple):
    """What writing the card and touching the membership found and did."""

    created: bool
    card_id: int
    public_id: str
    shown: bool  # public, as written
    was_complete: bool | None
    was_texts: tuple  # (search_visible, search_all) before; ("", "") for a new card
    status: str  # the membership's, as the write found it
    role: str
    nickname: str | None


def _write_locking(card, first):
    """PostgreSQL: the card (INSERT when `first` and none is there, else UPDATE), then
    the membership, each locked by the statement that writes it; None when there is no
    card to write after all."""
    written = None
    if first:  # a first save: unless a parallel one was first
        written = db.session.execute(_insert_card(), card).first()
    if written is not None:
        created, was = (True, *written, bool(card["b_public"])), (None, ("", ""))
    else:
        row = db.session.execute(_WRITE_CARD, card).first()
        if row is None:
            return None
        created, was = (False, *row[:3]), (row[3], tuple(row[4:]))
    member = db.session.execute(_TOUCH_MEMBER, card).one()
    return Written(*created, *was, *member)


def _write_in_turn(card):
    """SQLite: the membership and the card read, then written."""
    row = db.session.execute(_MEMBER_AND_CARD, card).one()
    if row.id is None:
        card_id, public_id = db.session.execute(_insert_card(), card).one()
        written = Written(True, card_id, public_id, bool(card["b_public"]), None, ("", ""),
                          row.status, row.role, row.nickname)
    else:
        db.session.execute(_WRITE_CARD_BY_ID, {**card, "b_card": row.id})
        public = row.public if card["b_public"] is None else card["b_public"]
        written = Written(False, row.id, row.public_id, public, row.complete,
                          (row.search_visible, row.search_all), row.status, row.role,
                          row.nickname)
    db.session.execute(_TOUCH_MEMBER_BY_ID, card)
    return written


_COUNTS = (update(_folder).where(_folder.c.id == bindparam("folder_id"))
           .values(card_count=_folder.c.card_count + bindparam("cards"),
                   complete_count=_folder.c.complete_count + bindparam("complete"),
                   updated_at=_folder.c.updated_at))
_DROP_GRAMS = delete(CardSearchGram.__table__).where(
    CardSearchGram.__table__.c.card_id == bindparam("card_id"))


def save_my_card_of_group(person, gid, values, public, fallback):
    """service.save_my_card for the group with public id `gid`: (CardView, created).
    `fallback(person, group, values, public)`: service's ORM path."""
    with before_the_write():
        found = folder_of_group(gid, person=person)
    if found is None:  # no such group (404), or no folder (NoFolder's message)
        return fallback(person, find_group(gid, person), values, public)
    folder = found.folder
    group = folder.group
    membership = authorize(person, Action.ACT, folder)  # its version moves (below, by hand)
    # What the checks below rely on, as read: compared with what the write finds.
    seen = (folder.fields, folder.display_name_format, folder.closed_at, folder.deadline,
            membership.status, membership.role)
    fields, clean = rules.values_to_save(folder, values)
    kept = {key: value for key, value in clean.items() if value}
    missing = rules.missing_keys(fields, kept)
    name = rules.display_name(folder.display_name_format, kept, person.name,
                              Membership.NICKNAME_MAX)
    texts = rules.search_texts(fields, kept, name)

    complete = not missing
    now = utcnow()
    card = {"b_values": kept, "b_name": name, "b_complete": complete, "b_missing": missing,
            "b_visible": texts[0], "b_all": texts[1], "b_now": now,
            "b_public": None if public is None else bool(public),
            "b_folder": folder.id, "b_member": membership.id, "b_named": bool(kept)}
    with unit_of_work():
        # The writer's turn is taken here, at the write transaction's first statement.
        now_folder = db.session.execute(_TAKE_FOLDER, {"folder_id": folder.id}).first()
        if now_folder is None:
            raise NotFound()
        if tuple(now_folder) != seen[:4]:  # the settings or the deadline changed
            db.session.rollback()
            return fallback(person, group, values, public)
        version_moved(folder)
        if db.session.get_bind().dialect.name == "postgresql":
            written = _write_locking(card, first=found.mine.public_id is None)
        else:
            written = _write_in_turn(card)
        if written is None or (written.status, written.role) != seen[4:]:
            # The card went, or the member left, was removed or changed role meanwhile.
            db.session.rollback()
            return fallback(person, group, values, public)
        created, card_id, public_id, shown = written[:4]
        if kept and written.nickname != name:
            note_change(group)  # names show on every page of the group
        if created or written.was_texts != texts:
            _write_grams(card_id, folder.id, card_grams(*texts), created)
        counted = (1, int(complete)) if created else (0, int(complete) - written.was_complete)
        if counted != (0, 0):  # kept as card.counting keeps them for the ORM's writes
            db.session.execute(_COUNTS, {"folder_id": folder.id, "cards": counted[0],
                                         "complete": counted[1]})
        saved = SavedCard(public_id, kept, name, complete, missing, shown,
                          SavedOwner(membership.public_id))
        view = CardView(saved, folder, fields,
                        rules.visible_values(fields, kept, True), True, name)
        db.session.commit()
    return view, created


# PostgreSQL: a card's grams made what its texts say in one statement — those no longer
# there deleted, new ones inserted, one whose privacy changed updated (a city changed
# writes its few grams, not the card's every gram twice).
_REPLACE_GRAMS = text(
    "WITH gone AS (DELETE FROM card_search_gram WHERE card_id = :card_id"
    " AND gram <> ALL(CAST(:grams AS BYTEA[])))"
    " INSERT INTO card_search_gram (card_id, gram, folder_id, visible)"
    " SELECT :card_id, gram, :folder_id, visible"
    " FROM unnest(CAST(:grams AS BYTEA[]), CAST(:visible AS BOOLEAN[])) AS new (gram, visible)"
    " ON CONFLICT (card_id, gram) DO UPDATE SET visible = excluded.visible"
    " WHERE card_search_gram.visible <> excluded.visible")


def _write_grams(card_id, folder_id, grams, created):
    """The card's search grams ({gram: visible}) written in place of what it had."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_REPLACE_GRAMS, {"card_id": card_id, "folder_id": folder_id,
                                            "grams": list(grams),
                                            "visible": list(grams.values())})
        return
    if not created:
        db.session.execute(_DROP_GRAMS, {"card_id": card_id})
    if grams:
        db.session.execute(insert(CardSearchGram.__table__), [
            {"card_id": card_id, "folder_id": folder_id, "gram": gram, "visible": visible}
            for gram, visible in grams.items()])


_INSERTS = {}


def _insert_card():
    """INSERT … ON CONFLICT DO NOTHING RETURNING the new card's ids, built once per
    dialect: nothing when the member's card is there already (a parallel first save)."""
    dialect = db.session.get_bind().dialect.name
    statement = _INSERTS.get(dialect)
    if statement is None:
        statement = _INSERTS[dialect] = (
            (postgresql_insert if dialect == "postgresql" else sqlite_insert)(_card)
            .values(folder_id=bindparam("b_folder"), owner_membership_id=bindparam("b_member"),
                    values=bindparam("b_values"), display_name=bindparam("b_name"),
                    complete=bindparam("b_complete"), missing=bindparam("b_missing"),
                    search_visible=bindparam("b_visible"), search_all=bindparam("b_all"),
                    public=func.coalesce(bindparam("b_public", type_=Boolean), False),
                    created_at=bindparam("b_now"),
                    updated_at=bindparam("b_now"))
            .on_conflict_do_nothing().returning(_card.c.id, _card.c.public_id))
    return statement
