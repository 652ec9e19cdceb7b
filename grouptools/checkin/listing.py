"""Habits on their group's page (core.widgets): a line per habit saying whether the
member has checked in today, and the create link."""
from sqlalchemy import and_, bindparam, select

from grouptools.checkin.checkins import window_text
from grouptools.checkin.models import Habit, HabitMember
from grouptools.checkin.streaks import is_scheduled
from grouptools.core.access import Action, authorize
from grouptools.core.errors import DomainError
from grouptools.core.i18n import gettext
from grouptools.core.models import Membership
from grouptools.core.timeutil import local_time, local_today, utcnow
from grouptools.core.urlpatterns import page_url
from grouptools.core.widgets import MyItem, WidgetSummary
from grouptools.extensions import db


def _status(closed, scheduled, done):
    if done:
        return gettext("You checked in today")
    if closed:
        return ""
    return gettext("Check in today") if scheduled else gettext("No check-in today")


def group_listing(group, person):
    """The group's habits as lines of its page, in one statement however many there are;
    `needs_me` when today is a check-in day the member has not checked in yet."""
    try:
        membership = authorize(person, Action.VIEW_GROUP, group)
    except DomainError:
        return []
    today = local_today(group)
    rows = db.session.execute(_GROUP_HABITS, {"group_id": group.id,
                                              "membership_id": membership.id}).all()
    items = []
    for habit, last_day in rows:
        closed, scheduled, done = habit.is_closed(), is_scheduled(habit, today), last_day == today
        items.append(WidgetSummary(
            title=habit.title, url=page_url("checkin_pages.show_habit", hid=habit.public_id),
            created_at=habit.created_at, status=_status(closed, scheduled, done), closed=closed,
            needs_me=not closed and scheduled and not done))
    return items


# Built once, the group and the reader as parameters (bench/inprocess.py).
_GROUP_HABITS = (select(Habit, HabitMember.last_day)
                 .outerjoin(HabitMember, and_(HabitMember.habit_id == Habit.id,
                                              HabitMember.membership_id == bindparam("membership_id")))
                 .where(Habit.group_id == bindparam("group_id")).order_by(Habit.created_at.desc()))


def checkins_to_do(person):
    """"Me"'s lines (core.widgets.my_open_items): habits in the person's groups whose
    check-in for today (each group's own today) is still to do and still possible —
    a check-in day, not past its time window — in one statement for all their groups.
    A day's to-do is as new as the day: it sorts by the start of that local day."""
    rows = Habit.open_in_groups_of(person, HabitMember.last_day).outerjoin(
        HabitMember, and_(HabitMember.habit_id == Habit.id,
                          HabitMember.membership_id == Membership.id))
    now = utcnow()
    items = []
    for habit, _membership, group, last_day in db.session.execute(rows).all():
        local_now = local_time(group, now)
        today = local_now.date()
        if last_day == today or not is_scheduled(habit, today):
            continue
        state = gettext("Not checked in yet today")
        if habit.window_start is not None:
            if local_now.time().replace(tzinfo=None) >= habit.window_end:
                continue
            state += " · " + window_text(habit)
        day_start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        items.append(MyItem(title=habit.title, group=group.name, state=state,
                            at=max(habit.created_at, day_start),
                            url=page_url("checkin_pages.show_habit", hid=habit.public_id)))
    return items


def create_link(group):
    return gettext("New check-in"), page_url("checkin_pages.create_habit", gid=group.public_id)
