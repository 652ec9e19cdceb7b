"""The group page's group, read with its asker (core.groups.views.show_group)."""
from sqlalchemy import and_, bindparam, select

from grouptools.core.access import remember_membership
from grouptools.core.errors import NotFound
from grouptools.core.groups.service import find_group_with
from grouptools.core.identity import current_person, settle_asker, unread_asker
from grouptools.core.models import Group, Membership, Person
from grouptools.extensions import db


def find_group_asked(public_id, columns, now):
    """(group, asker, values of `columns(now)`) for the group page: `find_group_with`,
    and while nobody has read the asker yet (core.identity.unread_asker) they are read
    in the same statement too, by the cookie's public id or the token's hash, and judged
    as identity judges them (settle_asker) — one statement for the page's group, asker,
    membership and widget clock, which is all its 304 reads. As before, the asker is
    known before an unknown group is 404 (a bad token is 401 first)."""
    asker = unread_asker()
    if asker is None:
        person = current_person()
        group, values = find_group_with(public_id, person, columns, now)
        return group, person, values
    by, value = asker
    key = (columns, by)
    statement = _ASKED_STATEMENTS.get(key)
    if statement is None:
        statement = (select(Group, Membership, Person, *columns(bindparam("now")))
                     .select_from(Group).where(Group.public_id == bindparam("public_id"))
                     .outerjoin(Person, getattr(Person, by) == bindparam("asker"))
                     .outerjoin(Membership, and_(Membership.group_id == Group.id,
                                                 Membership.person_id == Person.id)))
        statement = _ASKED_STATEMENTS.setdefault(key, statement)
    row = db.session.execute(statement, {"public_id": public_id, "asker": value,
                                         "now": now}).first()
    if row is None:
        current_person()  # the asker is judged first: a bad token is 401, not 404
        raise NotFound()
    group, membership, person = row[0], row[1], settle_asker(by, row[2])
    if person is not None:
        remember_membership(person, group, membership)
    return group, person, tuple(row[3:])


_ASKED_STATEMENTS = {}
