"""Who may do what: the one place permissions are decided (docs/security.md#who-can-see-what).

Routes and services ask `authorize`; they never re-implement a rule. The answer follows
one convention everywhere: no identity where one is needed → 401; the asker may not see
the thing (stranger, pending, left or removed) → 404, so ids cannot be probed; the asker
sees it but may not do this → 403, so a member learns why a button is refused.

A thing asked about is one of three kinds, by what it is, not by the attributes it
happens to have: a `Group`; an item a member owns inside a widget (a
core.widgetbase.OwnedItem: `.widget`, `.owner_membership_id`); or else a widget, which
exposes `.group` and `.created_by_id` (core.widgetbase.WidgetMixin) and may be meant for
some members only (`addressed_to`)."""
from enum import Enum

from flask import has_request_context, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from grouptools.core.conditional import note_change
from grouptools.core.errors import Conflict, NotAllowed, NotFound
from grouptools.core.i18n import gettext
from grouptools.core.models import Group, Membership, MembershipEvent
from grouptools.core.timeutil import local_time
from grouptools.core.widgetbase import OwnedItem
from grouptools.extensions import db


class Unauthenticated(NotAllowed):
    status = 401
    default_message = _l("Tell us your name first: this needs to know who you are.")


class Action(Enum):
    # Anyone, even without a name: the public card (name, join policy, question).
    VIEW_PUBLIC_CARD = "view_public_card"
    JOIN = "join"
    # Active members.
    VIEW_GROUP = "view_group"
    VIEW_ROSTER = "view_roster"
    ACT = "act"
    LEAVE = "leave"
    # Something a member earned (a certificate): the group's active members, and its
    # earner whatever their status now (docs/security.md#certificates).
    VIEW_EARNED = "view_earned"
    CREATE_WIDGET = "create_widget"
    # Managers (owner and admins).
    MANAGE_GROUP = "manage_group"  # settings, approvals, removals, private roster fields
    ISSUE_SIGNIN_LINK = "issue_signin_link"
    MANAGE_WIDGET = "manage_widget"  # also the widget's creator
    # An item inside a widget (a relay entry …): its owner, and the widget's managers.
    CHANGE_OWN_ITEM = "change_own_item"
    # The owner alone.
    CHANGE_ROLES = "change_roles"
    DELETE_GROUP = "delete_group"
    EXPORT_GROUP = "export_group"


PUBLIC_ACTIONS = {Action.VIEW_PUBLIC_CARD}
# Actions on a widget that change what someone sees in it (core.conditional).
CHANGING_ACTIONS = {Action.ACT, Action.MANAGE_WIDGET, Action.CHANGE_OWN_ITEM}
IDENTIFIED_ACTIONS = {Action.JOIN}
MEMBER_ACTIONS = {Action.VIEW_GROUP, Action.VIEW_ROSTER, Action.ACT, Action.LEAVE,
                  Action.VIEW_EARNED}
MANAGER_ACTIONS = {Action.MANAGE_GROUP, Action.ISSUE_SIGNIN_LINK}
OWNER_ACTIONS = {Action.CHANGE_ROLES, Action.DELETE_GROUP, Action.EXPORT_GROUP}

REFUSALS = {
    Action.ACT: _l("This is addressed to other members of the group."),
    Action.CREATE_WIDGET: _l("Only the group's organisers may create here."),
    Action.MANAGE_GROUP: _l("Only the group's owner and admins may do this."),
    Action.ISSUE_SIGNIN_LINK: _l("Only the group's owner and admins may do this."),
    Action.MANAGE_WIDGET: _l("Only its creator and the group's owner and admins may do this."),
    Action.CHANGE_OWN_ITEM: _l("Only its owner and the organisers may change this."),
    Action.CHANGE_ROLES: _l("Only the group's owner may do this."),
    Action.DELETE_GROUP: _l("Only the group's owner may do this."),
    Action.EXPORT_GROUP: _l("Only the group's owner may do this."),
    Action.LEAVE: _l("The owner cannot leave: make another member the owner first."),
}


MEMBERSHIPS_READ = "grouptools.memberships"


def _memberships_read():
    """{(person id, group id): membership or None} read so far in this request; None
    outside one (the CLI, services called directly), where every call reads afresh.

    Kept in the request's WSGI environ rather than `g`: `g` belongs to the app context,
    which a test or a CLI command may hold open across many requests, and a cache there
    would outlive the request that filled it."""
    if not has_request_context():
        return None
    return request.environ.setdefault(MEMBERSHIPS_READ, {})


def _still_current(membership, key):
    """Whether a remembered row still answers for `key`: not deleted or dropped from
    the session (a rolled-back insert), not handed to another person (a move)."""
    if membership is None:
        return True
    state = inspect(membership)
    if state.deleted or state.was_deleted or state.detached or state.transient:
        return False
    person_id = state.dict.get("person_id")  # unloaded after a commit: refreshed on use
    return person_id is None or person_id == key[0]


def membership_of(person, group):
    """The person's membership row in the group, whatever its status, or None.

    Read once per request: the page, `authorize`, the services and the group page's
    listers all ask, and the row they share is the session's one object, so a status
    or role written during the request is seen by every later reader. Writes that
    create a membership, delete one or hand it to another person call
    `forget_membership` (core.groups.service, core.groups.moves)."""
    if person is None:
        return None
    read = _memberships_read()
    key = (person.id, group.id)
    if read is not None and key in read and _still_current(read[key], key):
        return read[key]
    membership = db.session.scalar(
        select(Membership).where(Membership.group_id == group.id, Membership.person_id == person.id)
    )
    if read is not None:
        read[key] = membership
    return membership


def remember_membership(person, group, membership):
    """Tell this request the person's membership in the group (None: they have none),
    read together with something else (core.loaders reads it with the widget), so
    `membership_of` does not read it again."""
    read = _memberships_read()
    if read is not None and person is not None:
        read[(person.id, group.id)] = membership


def forget_membership(group, person=None):
    """Drop what this request remembers of `person`'s membership in `group` (of every
    membership in the group when `person` is None): the next `membership_of` reads it."""
    read = _memberships_read()
    if not read:
        return
    group_id, person_id = _row_id(group), _row_id(person) if person is not None else None
    for key in [k for k in read if k[1] == group_id and person_id in (None, k[0])]:
        del read[key]


def _row_id(row):
    """A row's id without reloading it (after a commit every attribute is expired)."""
    identity = inspect(row).identity
    return identity[0] if identity is not None else row.id


def moved_away_notice(person, group):
    """"Your membership here moved to another device on …" for a person whose membership
    a manager's link moved away (and who has not joined again), else None."""
    if person is None:
        return None
    moved_at = db.session.scalar(
        select(MembershipEvent.at)
        .where(MembershipEvent.group_id == group.id, MembershipEvent.old_person_id == person.id,
               MembershipEvent.kind == "moved_device")
        .order_by(MembershipEvent.at.desc()).limit(1)
    )
    if moved_at is None:
        return None
    return gettext("Your membership here moved to another device on %(date)s.",
                   date=format_date(local_time(group, moved_at).date()))


def widget_of(thing):
    """The widget a thing is, or holds it; None for a group."""
    if isinstance(thing, Group):
        return None
    return thing.widget if isinstance(thing, OwnedItem) else thing


def group_of(thing):
    """The group whose membership decides: the group itself, or the widget's."""
    return thing if isinstance(thing, Group) else widget_of(thing).group


def _manages_widget(person, membership, widget):
    return membership.is_manager or (widget is not None and widget.created_by_id == person.id)


def _decide(person, action, thing, membership):
    """(allowed, refusal status) without raising."""
    if action in PUBLIC_ACTIONS:
        return True, None
    if person is None:
        return False, 401
    if action in IDENTIFIED_ACTIONS:
        return True, None
    if action is Action.LEAVE and membership is not None and membership.status == "pending":
        return True, None  # withdrawing one's own request to join
    if (action is Action.VIEW_EARNED and membership is not None
            and thing.owner_membership_id == membership.id):
        return True, None
    if membership is None or not membership.is_active:
        return False, 404
    widget = widget_of(thing)
    if widget is not None and not widget.addressed_to(membership):
        # Meant for other members: hidden like from a stranger, except from those who
        # manage it, who see it but do not act in it.
        if not _manages_widget(person, membership, widget):
            return False, 404
        if action is Action.ACT:
            return False, 403
    if action in MEMBER_ACTIONS:
        if action is Action.LEAVE and membership.role == "owner":
            return False, 409
        return True, None
    group = group_of(thing)
    if action is Action.CREATE_WIDGET:
        allowed = membership.is_manager or group.members_can_create
    elif action is Action.MANAGE_WIDGET:
        allowed = _manages_widget(person, membership, widget_of(thing))
    elif action is Action.CHANGE_OWN_ITEM:
        if not isinstance(thing, OwnedItem):
            raise TypeError(f"{action} is decided for an OwnedItem, not {thing!r}")
        allowed = (thing.owner_membership_id == membership.id
                   or _manages_widget(person, membership, thing.widget))
    elif action in MANAGER_ACTIONS:
        allowed = membership.is_manager
    elif action in OWNER_ACTIONS:
        allowed = membership.role == "owner"
    else:
        raise ValueError(f"no rule for {action}")
    return (True, None) if allowed else (False, 403)


def can(person, action, thing, membership=None):
    membership = membership or membership_of(person, group_of(thing))
    return _decide(person, action, thing, membership)[0]


def authorize(person, action, thing):
    """The asker's membership (None for public actions by strangers), or the refusal."""
    membership = membership_of(person, group_of(thing))
    allowed, status = _decide(person, action, thing, membership)
    if allowed:
        if action in CHANGING_ACTIONS and not isinstance(thing, Group):
            note_change(thing)  # its version moves when this transaction commits
        return membership
    if status == 401:
        raise Unauthenticated()
    if status == 404:
        # Not a bare 404 for someone whose membership moved: they learn where it went.
        moved = moved_away_notice(person, group_of(thing)) if membership is None else None
        raise NotFound(moved)
    if status == 409:
        raise Conflict(REFUSALS[action])
    if action is Action.CHANGE_OWN_ITEM and thing.OWNER_REFUSAL is not None:
        raise NotAllowed(thing.OWNER_REFUSAL)
    raise NotAllowed(REFUSALS.get(action))
