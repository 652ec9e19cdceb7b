"""What members did in the group's sign-up lists, for the group dashboard (core.widgets
`activity_counts`, `activity_times`): one aggregate statement whatever the group's size.
Entries a manager added for someone who replied in the chat (`for_name`) are the
manager's doing, not the entrant's, and count for nobody."""
from sqlalchemy import func, select

from grouptools.extensions import db
from grouptools.relay.models import Relay, RelayEntry

STANDING = ("confirmed", "waitlisted")


def activity_counts(group):
    """{membership id: the member's own entries that stand (confirmed or waitlisted)}."""
    return dict(db.session.execute(
        select(RelayEntry.membership_id, func.count())
        .join(Relay, Relay.id == RelayEntry.relay_id)
        .where(Relay.group_id == group.id, RelayEntry.for_name.is_(None),
               RelayEntry.status.in_(STANDING))
        .group_by(RelayEntry.membership_id)).all())


def activity_times(group):
    """When members signed up for themselves (withdrawn entries too: they acted then)."""
    return (select(RelayEntry.membership_id.label("membership_id"),
                   RelayEntry.created_at.label("at"))
            .join(Relay, Relay.id == RelayEntry.relay_id)
            .where(Relay.group_id == group.id, RelayEntry.for_name.is_(None)))
