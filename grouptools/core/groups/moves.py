"""Moving one membership to another device
(docs/security.md#moving-a-membership-to-another-device).

A manager issues a member who changed phones a one-time link. Confirming it moves that
membership — its nickname and everything it did in that one group — to the device, and
never the person: their other groups, API token and personal sign-in link stay theirs.
An owner's or admin's membership never moves this way (they keep their own link)."""
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select, update

from grouptools.core.access import Action, authorize, can, forget_membership, membership_of
from grouptools.core.errors import Conflict, NotAllowed, NotFound
from grouptools.core.models import (
    Membership,
    MembershipEvent,
    Person,
    SigninLink,
    hash_secret,
)
from grouptools.core.people.service import new_token
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db

# Rows about a membership that are bookkeeping, not something its holder did.
NOT_ACTIVITY = ("membership_event", "signin_link")
# Columns by which a group's rows name the person who made them (a widget's creator, a
# picture's uploader): in the moved membership's group they follow it.
MADE_BY = ("created_by_id", "uploader_id")


def issue_move_link(person, group, target):
    """A one-time secret that moves `target`'s membership to the device that opens it.

    Only managers issue it, only for an active member with the role `member`, never for
    themselves. It no longer hands over a person, so whether the member organises some
    other group does not matter: that group stays where it is."""
    mine = authorize(person, Action.ISSUE_SIGNIN_LINK, group)
    if not target.is_active:
        raise Conflict(_l("Sign-in links are only for active members."))
    # An imported organiser's place (a placeholder) is handed out like any member's.
    if target.id == mine.id or (target.role in Membership.MANAGER_ROLES
                                and not target.placeholder):
        raise NotAllowed(_l("Organisers use their own sign-in link from “Me”."))
    secret = secrets.token_urlsafe(24)
    db.session.add(SigninLink(
        secret_hash=hash_secret(secret), membership_id=target.id, group_id=group.id,
        issued_by_id=person.id, expires_at=utcnow() + timedelta(days=SigninLink.LIFETIME_DAYS),
    ))
    db.session.commit()
    return secret


def find_move_link(secret):
    """The link with this secret while it is unused and unexpired, else None. Reading it
    uses nothing up: the confirm page (and chat apps' preview bots) only look."""
    link = db.session.scalar(select(SigninLink).where(SigninLink.secret_hash == hash_secret(secret)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link


def move_refusal(link, device):
    """Why the link's membership cannot move to `device` (the device's person, or None),
    as the error to raise; None when it can."""
    membership = link.membership
    issuer = db.session.get(Person, link.issued_by_id) if link.issued_by_id is not None else None
    # The issuer must still be allowed to issue it: core.access decides, as when issuing.
    if not (membership.is_active and (membership.role == "member" or membership.placeholder)
            and can(issuer, Action.ISSUE_SIGNIN_LINK, membership.group)):
        return Conflict(_l("This link no longer works: the membership or the organiser who "
                           "issued it has changed. Ask an organiser for a new one."))
    if device is None:
        return None
    if device.id == membership.person_id:
        return Conflict(_l("This membership is already on this device: there is nothing to move."))
    here = membership_of(device, membership.group)
    if here is None:
        return None
    if here.role in Membership.MANAGER_ROLES:
        return Conflict(_l("You organise this group on this device, so another member's place "
                           "cannot move onto it. Open the link on the member's own phone."))
    if here.status == "removed":
        return Conflict(_l("The name on this device was removed from this group; ask an "
                           "organiser to restore it."))
    if has_activity(here):
        return Conflict(_l("On this device you already take part in this group, with entries "
                           "or votes of your own, and those are never overwritten. Open the "
                           "link on another device, or ask an organiser."))
    return None


def has_activity(membership):
    """Whether any row of any table (any widget's, found through the foreign keys, so
    core needs to know no widget) refers to the membership: entries, votes, …"""
    target = Membership.__table__
    for table in db.metadata.sorted_tables:
        # A widget marks tables that are not a member's doing (a notice's chosen audience)
        # with `info={"not_activity": True}`.
        if table.name in NOT_ACTIVITY or table.info.get("not_activity"):
            continue
        for column in table.c:
            if any(fk.references(target) for fk in column.foreign_keys):
                if db.session.scalar(select(exists().where(column == membership.id))):
                    return True
    return False


def redeem_move_link(secret, device):
    """Move the link's membership to `device`, or to a new person named like the member
    when the device has none. (membership, its person now, whether that person is new).

    The conditional UPDATE lets exactly one of two simultaneous taps win; the move
    commits with it, or not at all (a refused move leaves the link usable)."""
    link = db.session.scalar(select(SigninLink).where(SigninLink.secret_hash == hash_secret(secret)))
    if link is None:
        raise NotFound()
    now = utcnow()
    claimed = db.session.execute(
        update(SigninLink)
        .where(SigninLink.id == link.id, SigninLink.used_at.is_(None), SigninLink.expires_at > now)
        .values(used_at=now)
    ).rowcount
    refusal = (NotFound(_l("This link was already used, or it has expired. Ask an organiser "
                           "for a new one.")) if claimed != 1 else move_refusal(link, device))
    if refusal is not None:
        db.session.rollback()
        raise refusal
    membership = link.membership
    old_person = membership.person
    created = device is None
    if created:
        device = Person(name=membership.display_name[:Person.NAME_MAX],
                        token_hash=hash_secret(new_token()))
        db.session.add(device)
    else:
        fresh = membership_of(device, membership.group)
        if fresh is not None:
            # Re-joined from the chat link and did nothing yet: it gives way.
            db.session.delete(fresh)
            db.session.flush()
        # Others keep seeing the name they knew, whatever this device's person is called.
        membership.nickname = membership.display_name[:Membership.NICKNAME_MAX]
    was_placeholder = membership.placeholder
    membership.person = device
    membership.placeholder = False
    db.session.flush()
    _hand_over_made_by(membership.group_id, old_person.id, device.id)
    db.session.add(MembershipEvent(group_id=membership.group_id, membership_id=membership.id,
                                   kind="moved_device", at=now, by_id=link.issued_by_id,
                                   old_person_id=old_person.id))
    # Any other link issued for this membership would move it again: spent too.
    db.session.execute(
        update(SigninLink)
        .where(SigninLink.membership_id == membership.id, SigninLink.used_at.is_(None))
        .values(used_at=now)
    )
    if was_placeholder:
        # An import made that person for this place alone (a name, a token nobody holds):
        # with the place handed out it would be in no group.
        db.session.flush()
        db.session.execute(delete(Person).where(
            Person.id == old_person.id,
            ~exists().where(Membership.person_id == old_person.id)))
    group = membership.group
    db.session.commit()
    # The membership now answers for the device, and no longer for its old person.
    forget_membership(group, old_person)
    forget_membership(group, device)
    return membership, device, created


def _hand_over_made_by(group_id, old_person_id, new_person_id):
    """Widgets and pictures the member made in this group follow the membership (so they
    still manage their own poll); what they made in other groups stays theirs."""
    for table in db.metadata.sorted_tables:
        if "group_id" not in table.c:
            continue
        for name in MADE_BY:
            column = table.c.get(name)
            if column is None or not any(fk.references(Person.__table__)
                                         for fk in column.foreign_keys):
                continue
            db.session.execute(
                update(table)
                .where(table.c.group_id == group_id, column == old_person_id)
                .values({name: new_person_id})
            )


def moves_by_member(group):
    """{membership id: its latest move}, for the managers' members page."""
    events = db.session.scalars(
        select(MembershipEvent)
        .where(MembershipEvent.group_id == group.id, MembershipEvent.kind == "moved_device")
        .order_by(MembershipEvent.at, MembershipEvent.id)
    ).all()
    return {event.membership_id: event for event in events}
