"""What members did in the group's sign-up lists, for the group dashboard (core.widgets
`activity_counts`, `activity_times`): one aggregate statement whatever the group's size.
Entries a manager added for someone who replied in the chat (`for_name`) are the
manager's doing, not the entrant's, and count for nobody."""
from sqlalchemy import func, select

from grouptools.relay.models import Relay, RelayEntry

STANDING = ("confirmed", "waitlisted")


def activity_counts(group):
    """(membership_id, count): the member's own entries that stand (confirmed or waitlisted),
    one row per member."""
    return (select(RelayEntry.membership_id.label("membership_id"), func.count().label("count"))
            .join(Relay, Relay.id == RelayEntry.relay_id)
            .where(Relay.group_id == group.id, RelayEntry.for_name.is_(None),
                   RelayEntry.status.in_(STANDING))
            .group_by(RelayEntry.membership_id))


def activity_times(group):
    """When members signed up for themselves (withdrawn entries too: they acted then)."""
    return (select(RelayEntry.membership_id.label("membership_id"),
                   RelayEntry.created_at.label("at"))
            .join(Relay, Relay.id == RelayEntry.relay_id)
            .where(Relay.group_id == group.id, RelayEntry.for_name.is_(None)))
