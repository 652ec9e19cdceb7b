"""Copying a widget: one rule for every kind (docs/api.md#copying-a-widget).

A manager copies a poll, a relay, a notice, a habit or an event into a new open widget
with the same settings and no responses, in the same group or in another group they
manage. Core decides who may copy where and commits; the kind's `copy(person, widget,
group)` hook (core.widgets.WidgetKind) only says what its settings are, building the new
rows with the helpers here: the columns every widget has (`common_columns`), its
pictures (`picture_for`) and its chosen members (`members_in`).

A picture belongs to one group (core.models.Image): a copy in the same group shares
it — a picture is kept while anything points at it (core.image_cleanup) — and a copy
in another group gets its own, so deleting either group leaves the other whole. Chosen
members (a notice's audience, an event's roster) are memberships of one group: in
another group the copy chooses the same people where they are active members there."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grouptools.core.access import Action, authorize
from grouptools.core.database import commit_or_conflict
from grouptools.core.errors import Conflict
from grouptools.core.models import Group, Image, Membership
from grouptools.core.timeutil import utcnow
from grouptools.core.widgets import kind_of
from grouptools.extensions import db


class NotCopyable(Conflict):
    """409: the kind has no copy (member cards: one folder per group)."""

    default_message = _l("This cannot be copied: a group has one member-card folder. "
                         "Create it in the other group instead.")


def copy_widget(person, widget, group=None):
    """A new open copy of `widget` in `group` (its own group by default), made by
    `person` and committed.

    :raise 401/404/403: as core.access decides — managing the widget, and creating
        widgets in its own group or managing the other group (a group the asker cannot
        see is 404, one where they are a member but no organiser 403)
    :raise NotCopyable: the kind copies nothing (409)
    """
    kind = kind_of(widget)
    authorize(person, Action.MANAGE_WIDGET, widget)
    group = group or widget.group
    if group.id == widget.group_id:
        authorize(person, Action.CREATE_WIDGET, group)
    else:
        authorize(person, Action.MANAGE_GROUP, group)
    if kind.copy is None:
        raise NotCopyable()
    copy = kind.copy(person, widget, group)
    commit_or_conflict()
    return copy


def common_columns(person, widget, group):
    """The columns every widget has, for its copy: title, description and a deadline
    still ahead (one already past would close the copy at once); the copy is open and
    `person`'s."""
    now = utcnow()
    deadline = widget.deadline if widget.deadline and widget.deadline > now else None
    return {"group": group, "created_by_id": person.id, "title": widget.title,
            "description": widget.description, "deadline": deadline}


def picture_for(image, group):
    """`image` for a copy in `group`: itself in its own group, else a new picture of
    that group with the same content (uploaded, for the record, by the same person)."""
    if image is None or image.group_id == group.id:
        return image
    twin = Image(group=group, uploader_id=image.uploader_id, mime=image.mime,
                 width=image.width, height=image.height, data=image.data,
                 thumb_mime=image.thumb_mime, thumb_width=image.thumb_width,
                 thumb_height=image.thumb_height, thumb_data=image.thumb_data,
                 digest=image.digest)
    db.session.add(twin)
    return twin


def members_in(group, memberships):
    """The active memberships of `group` held by the people of `memberships` (chosen
    members of another group), in one statement; the same rows in their own group."""
    person_ids = {membership.person_id for membership in memberships}
    if not person_ids:
        return []
    return list(db.session.scalars(select(Membership).where(
        Membership.group_id == group.id, Membership.status == "active",
        Membership.person_id.in_(person_ids)).order_by(Membership.id)))


def copy_targets(person, widget):
    """[(group public id, name)] where `person` may put a copy of `widget`: its own group
    first, then the other groups they manage (owner or admin), by name."""
    rows = db.session.execute(
        select(Group.public_id, Group.name).join(Membership, Membership.group_id == Group.id)
        .where(Membership.person_id == person.id, Membership.status == "active",
               Membership.role.in_(("owner", "admin")), Group.id != widget.group_id)
        .order_by(Group.name, Group.id)).all()
    return [(widget.group.public_id, widget.group.name), *((gid, name) for gid, name in rows)]
