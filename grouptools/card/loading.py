"""The group's folder, read by the group's public id in one statement with its group,
the asker (when nobody has read them yet) and their membership, and the few columns of
the asker's own card that the folder's page shows — as core.loaders reads a widget by
its own id. The folder's page (/g/<gid>/cards) and the group's card answers of the API
(/api/v1/groups/<gid>/cards) are asked by the group's id; reading the folder's id first
cost them a statement, and the API's the asker's apart (docs/architecture.md#speed)."""
from typing import NamedTuple

from flask import g

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import contains_eager

from grouptools.card.models import Card, CardFolder
from grouptools.core.access import remember_membership
from grouptools.core.identity import current_person, require_person, unread_asker
from grouptools.core.loaders import asker_of_row
from grouptools.core.models import Group, Membership, Person
from grouptools.extensions import db


class MyCardLine(NamedTuple):
    """The asker's card as the folder's page names it: None columns when they have none."""

    public_id: str | None
    display_name: str | None
    complete: bool | None
    missing: list | None


class FolderOfGroup(NamedTuple):
    folder: CardFolder
    person: object  # the asker; None for nobody (public actions only)
    membership: object  # the asker's membership as read (the caller authorizes)
    mine: MyCardLine


_STATEMENTS = {}
# The session's identity map holds its rows weakly: a folder read here is held in `g`
# for the rest of the request, so service.folder_of finds it however it was passed on.
FOLDERS_HELD = "card_folders_held"


def _statement(by):
    """Built once per way of finding the asker: `Person.<by> == :asker` ("id" once they
    are read, "public_id" by the cookie, "token_hash" by a Bearer token)."""
    statement = _STATEMENTS.get(by)
    if statement is None:
        mine = and_(Membership.group_id == CardFolder.group_id,
                    Membership.person_id == Person.id)
        my_card = and_(Card.folder_id == CardFolder.id, Card.owner_membership_id == Membership.id)
        statement = _STATEMENTS.setdefault(by, (
            select(CardFolder, Membership, Person, Card.public_id, Card.display_name,
                   Card.complete, Card.missing)
            .join(CardFolder.group)
            .outerjoin(Person, getattr(Person, by) == bindparam("asker"))
            .outerjoin(Membership, mine)
            .outerjoin(Card, my_card)
            .options(contains_eager(CardFolder.group))
            .where(Group.public_id == bindparam("gid"))))
    return statement


def folder_of_group(gid, public=False, person=None):
    """FolderOfGroup for the group with public id `gid`, or None when there is no such
    group or it has no folder (the caller then answers as before: 404, or NoFolder's
    message). `public`: the route answers strangers too (its public card); else nobody
    is 401, asked before the group is looked for (ids are not probed without a name).
    `person`: the asker, already known (a write, or work outside a request)."""
    asker = unread_asker() if person is None else None
    if asker is not None:
        by, value = asker
    else:
        if person is None:
            person = current_person() if public else require_person()
        by, value = "id", person.id if person is not None else None
    row = db.session.execute(_statement(by), {"gid": gid, "asker": value}).first()
    if row is None:
        return None
    folder, membership, person, *mine = row
    g.setdefault(FOLDERS_HELD, {})[folder.group_id] = folder
    if by != "id":
        person, membership = asker_of_row(by, person, folder.group, membership, public)
    elif person is not None:
        remember_membership(person, folder.group, membership)
    if person is None:
        membership, mine = None, (None, None, None, None)
    return FolderOfGroup(folder, person, membership, MyCardLine(*mine))
