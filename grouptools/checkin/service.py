"""The rules of habits: create one, change its settings, close it, and a habit as one
asker sees it (`today` in the group's zone and the asker's own figures).

Checking in lives in checkins.py, the day and streak rules in streaks.py, what the
group sees (calendar, feed, leaderboard, roll call) in stats.py. Each function asks
core.access first and commits its own unit of work; those that depend on the date take
an optional `now`, so tests can stand at any instant."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select

from grouptools.checkin.models import Achievement, Checkin, Habit, HabitMember
from grouptools.checkin.streaks import current_streak, refresh_everyone
from grouptools.core.access import Action, authorize, can
from grouptools.core.closing import close_widget
from grouptools.core.copying import common_columns
from grouptools.core.database import commit_or_conflict
from grouptools.core.errors import Invalid
from grouptools.core.groups.counting import active_count
from grouptools.core.models import Membership
from grouptools.core.timeutil import local_today
from grouptools.core.plainrows import json_rows, plain_rows
from grouptools.extensions import db

SETTINGS = ("title", "description", "proof", "weekdays", "window_start", "window_end",
            "starts_on", "ends_on", "makeups_per_month", "makeup_days_back", "milestones")
NOT_ACTIVE = tuple(status for status in Membership.STATUSES if status != "active")
# What a copy takes over besides the columns every widget has (core.copying).
COPIED = ("proof", "weekday_mask", "window_start", "window_end", "starts_on", "ends_on",
          "makeups_per_month", "makeup_days_back", "milestone_list")
# Settings that change which days are scheduled: streaks are worked out again.
SCHEDULE = ("weekdays", "starts_on", "ends_on")


@dataclass(frozen=True)
class Me:
    """The asker's own figures in a habit."""

    done_today: bool
    current_streak: int
    longest_streak: int
    total_days: int
    makeups_left: int
    # The public id of today's check-in, read for the habit page (its undo button).
    today_checkin_id: str | None = None


@dataclass(frozen=True)
class HabitState:
    """A habit as one asker sees it: what the page and the JSON show."""

    habit: Habit
    today: date
    me: Me | None  # None for anyone who is not an active member
    manager: bool
    # (active members, of them checked in today), read with `me` when the page asks
    # (stats.habit_stats takes them as known_counts); None otherwise.
    counts: tuple | None = None
    # The asker's calendar, read with `me` for the habit page (month_columns); else None.
    month_read: tuple | None = None


def month_bounds(day):
    """(first day, first day of the next month) of `day`'s month."""
    first = day.replace(day=1)
    following = (first.replace(year=first.year + 1, month=1) if first.month == 12
                 else first.replace(month=first.month + 1))
    return first, following


def makeups_in_month(habit, membership_id, day):
    """Make-ups the member made for days of `day`'s month: the month of the day made up
    counts, not the month it was made in."""
    first, following = month_bounds(day)
    return db.session.scalar(select(func.count()).select_from(Checkin).where(
        Checkin.habit_id == habit.id, Checkin.membership_id == membership_id,
        Checkin.makeup.is_(True), Checkin.day >= first, Checkin.day < following))


def today_counts():
    """(active members, of them checked in today) as two scalar subqueries over the
    parameters `group_id`, `habit_id` and `today`: the members kept on the group's row
    (core.groups.counting), today's figures off the habit's (habit_id, last_day) index,
    leaving out the few members who have gone, rather than look up every member's
    figures."""
    members = active_count(bindparam("group_id"))
    gone = select(Membership.id).where(Membership.group_id == bindparam("group_id"),
                                       Membership.status.in_(NOT_ACTIVE))
    done = (select(func.count()).select_from(HabitMember)
            .where(HabitMember.habit_id == bindparam("habit_id"),
                   HabitMember.last_day == bindparam("today"),
                   HabitMember.membership_id.not_in(gone))
            .scalar_subquery())
    return members, done


def counts_parameters(habit, today):
    return {"group_id": habit.group_id, "habit_id": habit.id, "today": today}


FIGURES = (HabitMember.total_days, HabitMember.streak, HabitMember.longest_streak,
           HabitMember.last_day, HabitMember.streak_end)


def _figures_statement(with_counts, with_month):
    """my_figures' statement, built once per process for each of its shapes (building
    it cost more than running it: docs/architecture.md#speed)."""
    mine = (Checkin.habit_id == bindparam("habit_id"),
            Checkin.membership_id == bindparam("membership_id"))
    used = (select(func.count()).select_from(Checkin)
            .where(*mine, Checkin.makeup.is_(True), Checkin.day >= bindparam("first"),
                   Checkin.day < bindparam("following"))
            .scalar_subquery())
    extra = ()
    if with_counts:
        extra = (*today_counts(),
                 select(Checkin.public_id).where(*mine, Checkin.day == bindparam("today"))
                 .scalar_subquery())
    if with_month:
        extra = (*extra, *month_columns(mine))
    figures = and_(HabitMember.habit_id == Habit.id,
                   HabitMember.membership_id == bindparam("membership_id"))
    return (select(*FIGURES, used, *extra).select_from(Habit).outerjoin(HabitMember, figures)
            .where(Habit.id == bindparam("habit_id")))


def makeup_window(habit, today):
    """(first, end) of the past days a make-up may fill, by the habit's `makeup_days_back`
    (empty when it is 0); the month's make-ups left are another matter."""
    return today - timedelta(days=habit.makeup_days_back), today


def month_columns(mine):
    """The habit page's calendar as two JSON columns (core.plainrows.json_rows) of the
    asker's figures' row: [day, made up] of their check-ins in the month shown
    (`shown_first` to `shown_following`) and in the days a make-up may fill (`also_first`
    to `also_end`), and [public id, days, day earned] of their achievements. `mine`: the
    conditions on Checkin of the asker's check-ins of the habit."""
    day = Checkin.day
    wanted = or_(and_(day >= bindparam("shown_first"), day < bindparam("shown_following")),
                 and_(day >= bindparam("also_first"), day < bindparam("also_end")))
    days = select(json_rows(day, Checkin.makeup)).where(*mine, wanted).scalar_subquery()
    earned = (select(json_rows(Achievement.public_id, Achievement.days, Achievement.earned_on))
              .where(Achievement.habit_id == bindparam("habit_id"),
                     Achievement.membership_id == bindparam("membership_id"))
              .scalar_subquery())
    return days, earned


FIGURES_STATEMENTS = {(counts, month): _figures_statement(counts, month)
                      for counts in (False, True) for month in (False, True)}


def my_figures(habit, membership, today, with_counts=False, shown=None):
    """(Me, today's counts or None, the calendar or None): the member's figures and this
    month's make-ups, with `with_counts` (the habit page) the habit's `today_counts` and
    the id of the member's check-in of today, and with `shown` (the habit page: the first
    day of the month its calendar shows) the two columns of month_columns for that month
    and the makeup_window, all in one statement."""
    first, following = month_bounds(today)
    month = None
    if shown is not None:
        also_first, also_end = makeup_window(habit, today)
        month = {"shown_first": shown, "shown_following": month_bounds(shown)[1],
                 "also_first": also_first, "also_end": also_end}
    total, streak, longest, last_day, streak_end, used, *extra = plain_rows(
        FIGURES_STATEMENTS[with_counts, month is not None],
        {**counts_parameters(habit, today), "membership_id": membership.id, "first": first,
         "following": following, **(month or {})}).one()
    left = max(habit.makeups_per_month - used, 0)
    counts, checkin_id = (tuple(extra[:2]), extra[2]) if with_counts else (None, None)
    month_read = tuple(extra[-2:]) if month is not None else None
    if total is None:
        return Me(False, 0, 0, 0, left), counts, month_read
    return Me(done_today=last_day == today,
              current_streak=current_streak(habit, streak_end, streak, today),
              longest_streak=longest, total_days=total, makeups_left=left,
              today_checkin_id=checkin_id), counts, month_read


def habit_state(person, habit, now=None, with_counts=False, shown=None):
    """The habit as `person` may see it (404 for strangers, 401 for nobody); with
    `with_counts`, today's counts read beside the asker's figures, and with `shown` the
    asker's calendar of that month (my_figures: the habit page)."""
    membership = authorize(person, Action.VIEW_GROUP, habit)
    today = local_today(habit.group, now)
    me, counts, month_read = (my_figures(habit, membership, today, with_counts, shown)
                              if membership is not None else (None, None, None))
    return HabitState(habit, today, me, can(person, Action.MANAGE_WIDGET, habit, membership),
                      counts, month_read)


# --- Creating and changing ---------------------------------------------------------------

def _check_settings(habit):
    """Rules over several settings at once, on the habit as it would be saved."""
    errors = {}
    if (habit.window_start is None) != (habit.window_end is None):
        missing = "window_end" if habit.window_end is None else "window_start"
        errors[missing] = [str(_l("Give both the start and the end of the window, or neither."))]
    elif habit.window_start is not None and habit.window_end <= habit.window_start:
        errors["window_end"] = [str(_l("The window must end after it starts, on the same day."))]
    if habit.starts_on and habit.ends_on and habit.ends_on < habit.starts_on:
        errors["ends_on"] = [str(_l("The habit must end on or after the day it starts."))]
    if errors:
        raise Invalid(errors)


def _apply(habit, settings):
    for key, value in settings.items():
        if key not in SETTINGS:
            raise TypeError(f"unknown habit setting {key!r}")
        if key == "description":
            value = value or ""
        if key in ("weekdays", "milestones") and value is None:
            value = Habit.DEFAULT_MILESTONES if key == "milestones" else range(1, 8)
        setattr(habit, key, value)


def create_habit(person, group, **settings):
    """A new habit in the group, for whoever may create there. Unset settings take the
    defaults: every weekday, no window, 2 make-ups a month up to 3 days back,
    milestones at 7, 21, 30 and 100 days."""
    authorize(person, Action.CREATE_WIDGET, group)
    habit = Habit(group=group, created_by_id=person.id, proof="none", weekdays=range(1, 8),
                  makeups_per_month=2, makeup_days_back=3, milestones=Habit.DEFAULT_MILESTONES)
    _apply(habit, settings)
    _check_settings(habit)
    db.session.add(habit)
    commit_or_conflict()
    return habit


def copy_habit(person, habit, group):
    """The WidgetKind `copy` hook (core.copying): a new open habit in `group` with the same
    proof, schedule, window, make-up rules and milestones, and no check-ins."""
    copy = Habit(**common_columns(person, habit, group),
                 **{key: getattr(habit, key) for key in COPIED})
    db.session.add(copy)
    return copy


def update_habit(person, habit, **changes):
    """Change settings (managers). A new schedule applies from then on: stored days keep
    their check-ins, and every member's streaks are worked out again from them."""
    authorize(person, Action.MANAGE_WIDGET, habit)
    habit.lock()
    before = {key: getattr(habit, key) for key in SCHEDULE}
    _apply(habit, changes)
    try:
        _check_settings(habit)
    except Invalid:
        db.session.rollback()
        raise
    if any(getattr(habit, key) != value for key, value in before.items()):
        refresh_everyone(habit)
    commit_or_conflict()
    return habit


def close_habit(person, habit, closed=True):
    """Closing stops check-ins (everything stays readable); reopening takes them again."""
    habit, _ = close_widget(person, habit, closed)
    commit_or_conflict()
    return habit
