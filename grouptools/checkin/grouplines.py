"""Habits' and events' lines on the group page, read with every other kind's in one
statement (core.widgets.GroupLines): the same lines as listing.group_listing and
eventlisting.group_listing.

Habit slots: `n1` the weekday mask, `d1` the reader's last check-in day, `d2`/`d3` the
habit's first and last day. Event slots: `t1`/`t2` when sign-in opens and ends, `t3`
when the reader signed in, `b1` whether the reader is on its roster."""
from types import SimpleNamespace

from sqlalchemy import exists, or_, select

from grouptools.checkin.eventlisting import _status as event_status
from grouptools.checkin.eventmodels import Event, EventRoster, EventSignin
from grouptools.checkin.listing import _status as habit_status
from grouptools.checkin.models import Habit, HabitMember
from grouptools.checkin.streaks import is_scheduled
from grouptools.core.grouplines import GroupLines
from grouptools.core.widgets import WidgetSummary


def _habit_columns(params):
    return {"n1": Habit.weekday_mask, "d2": Habit.starts_on, "d3": Habit.ends_on,
            "d1": select(HabitMember.last_day)
            .where(HabitMember.habit_id == Habit.id,
                   HabitMember.membership_id == params.membership_id).scalar_subquery()}


def _habit_line(row, reader):
    today = reader.today()
    habit = SimpleNamespace(weekday_mask=row.n1, starts_on=row.d2, ends_on=row.d3)
    closed, scheduled, done = reader.closed(Habit, row), is_scheduled(habit, today), row.d1 == today
    return WidgetSummary(
        title=row.title, url=reader.url("checkin_pages.show_habit", "hid", row.public_id),
        created_at=row.created_at, status=habit_status(closed, scheduled, done), closed=closed,
        needs_me=not closed and scheduled and not done)


HABIT_LINES = GroupLines(columns=_habit_columns, line=_habit_line)


def _event_columns(params):
    reader = params.membership_id
    return {"t1": Event.starts_at, "t2": Event.ends_at,
            "t3": select(EventSignin.signed_in_at)
            .where(EventSignin.event_id == Event.id, EventSignin.membership_id == reader)
            .scalar_subquery(),
            "b1": or_(Event.roster == "group", exists().where(
                EventRoster.event_id == Event.id, EventRoster.membership_id == reader))}


def _event_line(row, reader):
    addressed, signed_in_at, now = bool(row.b1), row.t3, reader.now
    if not reader.sees(row, addressed):
        return None
    by_rule = reader.closed(Event, row)
    event = SimpleNamespace(starts_at=row.t1, ends_at=row.t2, group=reader.group,
                            is_closed=lambda now=None: by_rule)
    closed = by_rule or now > event.ends_at
    return WidgetSummary(
        title=row.title, url=reader.url("event_pages.show_event", "eid", row.public_id),
        created_at=row.created_at, status=event_status(event, signed_in_at, now),
        closed=closed, needs_me=addressed and not closed and signed_in_at is None
        and event.starts_at <= now)


EVENT_LINES = GroupLines(columns=_event_columns, line=_event_line)
