"""What members did in the group's polls, for the group dashboard (core.widgets
`activity_counts`, `activity_times`): one aggregate statement whatever the group's size.

A secret ballot's participation counts as taking part and nothing more: it has no time
(poll/models.py), so it never reaches "last active" or the weekly chart."""
from sqlalchemy import func, select

from grouptools.poll.models import Participation, Poll, Vote


def activity_counts(group):
    """(membership_id, count): polls the member voted in, one row per member."""
    return (select(Participation.membership_id.label("membership_id"), func.count().label("count"))
            .join(Poll, Poll.id == Participation.poll_id)
            .where(Poll.group_id == group.id)
            .group_by(Participation.membership_id))


def activity_times(group):
    """When members voted on open ballots (a secret ballot stores no vote rows)."""
    return (select(Vote.membership_id.label("membership_id"), Vote.created_at.label("at"))
            .join(Poll, Poll.id == Vote.poll_id)
            .where(Poll.group_id == group.id))
