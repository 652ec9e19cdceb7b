"""Saving my card, holding the database's writer as briefly as it can (SQLite lets one
writer in at a time, so how long a save holds it bounds the saves per second).

Before the write: the folder with its group, the asker's membership and the asker's
card's line are read in one statement (card.loading), in a read transaction of their
own (core.database.before_the_write); the values are checked against the fields, and
the display name, what is missing and the search grams worked out. Nothing is written
when a value is refused.

Then the write, in plain statements (no ORM flush): the folder's version moved first,
in the statement that returns its settings as they are now — on PostgreSQL that takes
the folder's row lock, in the order a settings change takes it (folder, then cards), so
what is read next is current; then the membership and the card read again; the card
written (UPDATE, or INSERT … RETURNING its ids); its grams written again only when what
search reads changed; the folder's counts moved only when they change; the member's
nickname (the card's display name) and the group's version only when it changed.

Anything read before the write that changed meanwhile (the fields, the format, the
deadline, the member's status or role) sends the save down service's ORM path, which
reads everything afresh: it is rare, and that path is the rules' own."""
from sqlalchemy import and_, bindparam, delete, insert, select, update

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
_MEMBER_AND_CARD = (
    select(_member.c.status, _member.c.role, _member.c.nickname, _card.c.id, _card.c.public_id,
           _card.c.complete, _card.c.search_visible, _card.c.search_all, _card.c.public)
    .select_from(_member.outerjoin(_card, and_(_card.c.folder_id == bindparam("folder_id"),
                                               _card.c.owner_membership_id == _member.c.id)))
    .where(_member.c.id == bindparam("membership_id")))
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

    with unit_of_work():
        # The writer's turn is taken here, at the write transaction's first statement.
        now_folder = db.session.execute(_TAKE_FOLDER, {"folder_id": folder.id}).first()
        if now_folder is None:
            raise NotFound()
        version_moved(folder)
        row = db.session.execute(_MEMBER_AND_CARD, {"folder_id": folder.id,
                                                    "membership_id": membership.id}).one()
        if (*now_folder, row.status, row.role) != seen:
            # The settings, the deadline or the member changed since they were read.
            db.session.expire_all()
            return fallback(person, group, values, public)
        now = utcnow()
        changes = {"last_active_at": now, "updated_at": now}
        if kept and row.nickname != name:
            changes["nickname"] = name
            note_change(group)  # names show on every page of the group
        db.session.execute(update(_member).where(_member.c.id == membership.id)
                           .values(**changes))
        complete = not missing
        card = {"values": kept, "display_name": name, "complete": complete,
                "missing": missing, "search_visible": texts[0], "search_all": texts[1],
                "updated_at": now}
        if public is not None:
            card["public"] = bool(public)
        created = row.id is None
        if created:
            card_id, public_id = db.session.execute(
                insert(_card).values(folder_id=folder.id, owner_membership_id=membership.id,
                                     created_at=now, **card)
                .returning(_card.c.id, _card.c.public_id)).one()
            shown = bool(public)
        else:
            card_id, public_id = row.id, row.public_id
            db.session.execute(update(_card).where(_card.c.id == card_id).values(**card))
            shown = bool(public) if public is not None else bool(row.public)
        if created or (row.search_visible, row.search_all) != texts:
            if not created:
                db.session.execute(_DROP_GRAMS, {"card_id": card_id})
            grams = [{"card_id": card_id, "folder_id": folder.id, "gram": gram,
                      "visible": visible} for gram, visible in card_grams(*texts).items()]
            if grams:
                db.session.execute(insert(CardSearchGram.__table__), grams)
        counted = (1 if created else 0, int(complete) - (0 if created else int(row.complete)))
        if counted != (0, 0):  # kept as card.counting keeps them for the ORM's writes
            db.session.execute(_COUNTS, {"folder_id": folder.id, "cards": counted[0],
                                         "complete": counted[1]})
        saved = SavedCard(public_id, kept, name, complete, missing, shown,
                                  SavedOwner(membership.public_id))
        view = CardView(saved, folder, fields,
                                rules.visible_values(fields, kept, True), True, name)
        db.session.commit()
    return view, created
