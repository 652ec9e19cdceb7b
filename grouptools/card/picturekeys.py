"""What decides a card's picture (/c/<cid>/card.png), read in one light statement, so a
picture this worker has drawn is answered without reading the card, its folder and its
owner again (core.share.send_keyed_picture, docs/architecture.md#speed)."""
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased

from grouptools.card.models import Card, CardFolder
from grouptools.core.identity import asker_confirmed, asker_public_id
from grouptools.core.models import Group, Membership, Person
from grouptools.core.plainrows import first_plain_row

_owner, _asker = aliased(Membership), aliased(Membership)
_KEY = (
    select(Card.id, Card.public, Card.updated_at, _owner.status, CardFolder.version,
           CardFolder.folder_visibility, Group.version, _asker.status, Person.id,
           Person.session_version)
    .join(CardFolder, CardFolder.id == Card.folder_id)
    .join(Group, Group.id == CardFolder.group_id)
    .join(_owner, _owner.id == Card.owner_membership_id)
    .outerjoin(Person, Person.public_id == bindparam("person_public_id"))
    .outerjoin(_asker, and_(_asker.group_id == CardFolder.group_id,
                            _asker.person_id == Person.id))
    .where(Card.public_id == bindparam("cid")))


def card_picture_key(cid):
    """(key, public) for the card's picture when the asker — read in the same statement
    (core.identity.asker_public_id), nobody when no one is signed in — may see it — the card's own time (its values), its folder's version (its fields) and its
    group's (the group's name, the owner's name and avatar, core.conditional) — as
    service.find_card and service.card_view decide: a card whose owner is an active
    member, public or seen by an active member of a folder open to members. None
    otherwise (the full reading then refuses as it always has, or lets the owner and
    managers see a card of a folder for managers only)."""
    asker = asker_public_id()
    row = first_plain_row(_KEY, {"cid": cid, "person_public_id": asker})
    if row is None or (asker is not None and not asker_confirmed(*row[-2:])):
        return None
    card_id, public, updated_at, owner_status, folder_version, visibility, group_version, \
        asker_status, _, _ = row
    if owner_status != "active":
        return None
    if not public and (asker_status != "active" or visibility == "managers"):
        return None
    return ("card.png", cid, card_id, public, updated_at, folder_version, group_version), public
