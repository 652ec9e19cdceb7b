"""Habits on their group's page (core.widgets): a line per habit saying whether the
member has checked in today, and the create link."""
from flask import url_for
from flask_babel import gettext
from sqlalchemy import and_, select

from grouptools.checkin.models import Habit, HabitMember
from grouptools.checkin.streaks import is_scheduled
from grouptools.core.access import Action, authorize
from grouptools.core.errors import DomainError
from grouptools.core.timeutil import local_today
from grouptools.core.widgets import WidgetSummary
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
    rows = (select(Habit, HabitMember.last_day)
            .outerjoin(HabitMember, and_(HabitMember.habit_id == Habit.id,
                                         HabitMember.membership_id == membership.id))
            .where(Habit.group_id == group.id).order_by(Habit.created_at.desc()))
    items = []
    for habit, last_day in db.session.execute(rows).all():
        closed, scheduled, done = habit.is_closed(), is_scheduled(habit, today), last_day == today
        items.append(WidgetSummary(
            title=habit.title, url=url_for("checkin_pages.show_habit", hid=habit.public_id),
            created_at=habit.created_at, status=_status(closed, scheduled, done), closed=closed,
            needs_me=not closed and scheduled and not done))
    return items


def create_link(group):
    return gettext("New check-in"), url_for("checkin_pages.create_habit", gid=group.public_id)
