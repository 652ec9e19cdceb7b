"""The day and streak rules of a habit, as plain functions over dates; and each
member's figures worked out from their stored days with them.

- A *day* is a calendar date in the group's time zone (core.timeutil.local_today):
  daylight-saving changes shift hours, never dates, so no day is doubled or lost.
- A *scheduled day* is one of the habit's weekdays between `starts_on` and `ends_on`.
- A *streak* counts consecutive scheduled days with a check-in: a scheduled day
  without one breaks it; other days are passed over (they neither break nor extend
  it). Streaks are worked out afresh from the stored dates with the schedule in force:
  after the weekdays or `starts_on` change, check-ins already stored stay (and count in
  the total days), while the new schedule decides which days make or break a streak.
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
    total_days: int  # every check-in counts, on whatever day
    streak: int  # the streak ending at `streak_end`
    longest_streak: int
    last_day: object  # the latest check-in's day, or None
    streak_end: object  # the latest check-in on a scheduled day, or None


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
    """A member's Figures from their check-in days (dates, in any order). A check-in on
    a day the schedule in force does not name (stored before it changed) counts in the
    total and is passed over by streaks."""
    days = sorted(set(days))
    streak = longest = 0
    end = None
    for day in days:
        if not is_scheduled(habit, day):
            continue
        streak = streak + 1 if end is not None and continues(habit, end, day) else 1
        longest, end = max(longest, streak), day
    return Figures(len(days), streak, longest, days[-1] if days else None, end)


def current_streak(habit, streak_end, streak, today):
    """The streak that ended at `streak_end`, if it still runs today; else 0."""
    if streak_end is None:
        return 0
    previous = previous_scheduled_day(habit, today)
    return streak if previous is None or streak_end >= previous else 0


def current_streak_clause(habit, today):
    """`current_streak` as SQL over HabitMember rows: the leaderboard sorts by it."""
    previous = previous_scheduled_day(habit, today)
    if previous is None:
        return HabitMember.streak
    return case((HabitMember.streak_end >= literal(previous), HabitMember.streak), else_=0)


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
