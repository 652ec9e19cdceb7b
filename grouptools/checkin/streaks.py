"""The day and streak rules of a habit, as plain functions over dates.

- A *day* is a calendar date in the group's time zone (core.timeutil.local_today):
  daylight-saving changes shift hours, never dates, so no day is doubled or lost.
- A *scheduled day* is one of the habit's weekdays between `starts_on` and `ends_on`.
- A *streak* counts consecutive scheduled days with a check-in: a scheduled day
  without one breaks it; other days are passed over (they neither break nor extend
  it). Check-ins stored before the schedule changed keep counting: streaks are always
  worked out afresh from the stored dates with the schedule in force, so changing the
  weekdays or `starts_on` applies from then on to what breaks a streak.
- Today not yet done breaks nothing: the streak is current while no scheduled day has
  passed since the latest check-in."""
from datetime import timedelta
from typing import NamedTuple

from itertools import groupby

from sqlalchemy import case, literal, select, update

from grouptools.checkin.models import Checkin, HabitMember
from grouptools.extensions import db

WEEK = 7


class Figures(NamedTuple):
    total_days: int
    streak: int  # the streak ending at the latest check-in
    longest_streak: int
    last_day: object  # the latest check-in's day, or None


def on_weekday(habit, day):
    return bool(habit.weekday_mask & (1 << (day.isoweekday() - 1)))


def is_scheduled(habit, day):
    """One of the habit's weekdays, between its start and its end."""
    if habit.starts_on is not None and day < habit.starts_on:
        return False
    if habit.ends_on is not None and day > habit.ends_on:
        return False
    return on_weekday(habit, day)


def next_scheduled_day(habit, after):
    """The first scheduled day after `after`, or None when the habit has ended by then."""
    day = after + timedelta(days=1)
    if habit.starts_on is not None and day < habit.starts_on:
        day = habit.starts_on
    for offset in range(WEEK):
        candidate = day + timedelta(days=offset)
        if habit.ends_on is not None and candidate > habit.ends_on:
            return None
        if on_weekday(habit, candidate):
            return candidate
    return None


def previous_scheduled_day(habit, before):
    """The last scheduled day before `before`, or None when there was none."""
    day = before - timedelta(days=1)
    if habit.ends_on is not None and day > habit.ends_on:
        day = habit.ends_on
    for offset in range(WEEK):
        candidate = day - timedelta(days=offset)
        if habit.starts_on is not None and candidate < habit.starts_on:
            return None
        if on_weekday(habit, candidate):
            return candidate
    return None


def continues(habit, earlier, later):
    """Whether a streak runs on from a check-in on `earlier` to one on `later`: no
    scheduled day lies between them."""
    following = next_scheduled_day(habit, earlier)
    return following is None or following >= later


def figures(habit, days):
    """A member's Figures from their check-in days (dates, in any order)."""
    days = sorted(set(days))
    if not days:
        return Figures(0, 0, 0, None)
    streak = longest = 1
    for earlier, later in zip(days, days[1:]):
        streak = streak + 1 if continues(habit, earlier, later) else 1
        longest = max(longest, streak)
    return Figures(len(days), streak, longest, days[-1])


def current_streak(habit, last_day, streak, today):
    """The streak that ended at `last_day`, if it still runs today; else 0."""
    if last_day is None:
        return 0
    previous = previous_scheduled_day(habit, today)
    return streak if previous is None or last_day >= previous else 0


def current_streak_clause(habit, today):
    """`current_streak` as SQL over HabitMember rows: the leaderboard sorts by it."""
    previous = previous_scheduled_day(habit, today)
    if previous is None:
        return HabitMember.streak
    return case((HabitMember.last_day >= literal(previous), HabitMember.streak), else_=0)


# --- Keeping each member's figures -------------------------------------------------------

def refresh_member(habit, membership_id):
    """Work out one member's figures again from their stored days and keep them in their
    HabitMember row (which the caller holds locked: checkins.lock_member)."""
    days = db.session.scalars(select(Checkin.day).where(
        Checkin.habit_id == habit.id, Checkin.membership_id == membership_id)).all()
    worked_out = figures(habit, days)
    db.session.execute(
        update(HabitMember)
        .where(HabitMember.habit_id == habit.id, HabitMember.membership_id == membership_id)
        .values(**worked_out._asdict()))
    return worked_out


def refresh_everyone(habit):
    """Every member's figures again, after the schedule changed: the days are read in
    one pass, member by member, and written back in one batch. Members' check-ins lock
    their own rows; the caller holds the habit's, so no schedule changes meanwhile."""
    rows = db.session.execute(
        select(Checkin.membership_id, Checkin.day).where(Checkin.habit_id == habit.id)
        .order_by(Checkin.membership_id, Checkin.day).execution_options(yield_per=5000))
    changes = [{"habit_id": habit.id, "membership_id": membership_id,
                **figures(habit, [day for _, day in days])._asdict()}
               for membership_id, days in groupby(rows, key=lambda row: row[0])]
    if changes:
        db.session.execute(update(HabitMember), changes)
