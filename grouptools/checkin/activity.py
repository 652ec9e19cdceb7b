"""What members did in the group's check-ins and event sign-ins, for the group
dashboard (core.widgets `activity_counts`, `activity_times`): one aggregate statement
per kind whatever the group's size."""
from sqlalchemy import func, select

from grouptools.checkin.eventmodels import Event, EventSignin
from grouptools.checkin.models import Checkin, Habit


def habit_activity_counts(group):
    """(membership_id, count): check-in days, make-ups included, over the group's habits, one
    row per member."""
    return (select(Checkin.membership_id.label("membership_id"), func.count().label("count"))
            .join(Habit, Habit.id == Checkin.habit_id)
            .where(Habit.group_id == group.id)
            .group_by(Checkin.membership_id))


def habit_activity_times(group):
    return (select(Checkin.membership_id.label("membership_id"), Checkin.created_at.label("at"))
            .join(Habit, Habit.id == Checkin.habit_id)
            .where(Habit.group_id == group.id))


def event_activity_counts(group):
    """(membership_id, count): events the member signed in to, one row per member."""
    return (select(EventSignin.membership_id.label("membership_id"), func.count().label("count"))
            .join(Event, Event.id == EventSignin.event_id)
            .where(Event.group_id == group.id)
            .group_by(EventSignin.membership_id))


def event_activity_times(group):
    return (select(EventSignin.membership_id.label("membership_id"),
                   EventSignin.signed_in_at.label("at"))
            .join(Event, Event.id == EventSignin.event_id)
            .where(Event.group_id == group.id))
