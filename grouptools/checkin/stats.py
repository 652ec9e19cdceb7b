"""What a habit's members see of each other: a member's calendar, a day's feed, the
leaderboard and today's roll call, and the achievements earned.

Everything is counted against the group's active members: a member who leaves or is
removed drops out of the leaderboard, the counts and the roll call at once, while their
check-ins and achievements stay stored as history (an achievement stays verifiable).
The leaderboard and the counts read one HabitMember row per member (the figures kept at
each check-in), never the check-ins themselves, in the same few statements for 20
members or 2,000."""
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from flask_babel import gettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from grouptools.checkin.models import Achievement, Checkin, CheckinImage, HabitMember
from grouptools.checkin.service import month_bounds
from grouptools.checkin.streaks import current_streak, current_streak_clause, is_scheduled
from grouptools.core.access import Action, authorize, can
from grouptools.core.errors import NotFound
from grouptools.core.models import Image, Membership, Person
from grouptools.core.timeutil import local_today
from grouptools.core.widgetpages import widget_link
from grouptools.extensions import db

LEADERBOARD_MAX = 100
NOT_DONE_MAX = 200  # names the roll call @-mentions
NOT_DONE_PAGE = 50  # names of `not_done` a page (`?page=`)
FEED_MAX = 200

NAME = func.coalesce(Membership.nickname, Person.name)
NOT_ACTIVE = tuple(status for status in Membership.STATUSES if status != "active")


class Standing(NamedTuple):
    member_id: str
    name: str
    total_days: int
    current_streak: int
    longest_streak: int
    done_today: bool


class Listed(NamedTuple):
    member_id: str
    name: str


@dataclass
class HabitStats:
    habit: object
    today: date
    scheduled_today: bool
    done_count: int
    member_count: int
    leaderboard: list
    not_done: list | None  # managers only: this page of who has not checked in today
    roll_call_text: str | None  # managers only; None on a day off or when all are done
    page: int = 1

    @property
    def not_done_count(self):
        """Who has not checked in today (managers; 0 on a day off, None for members)."""
        if self.not_done is None:
            return None
        return self.member_count - self.done_count if self.scheduled_today else 0

    @property
    def pages(self):
        return max(1, -(-(self.not_done_count or 0) // NOT_DONE_PAGE))


def _active_members(habit):
    return and_(Membership.group_id == habit.group_id, Membership.status == "active")


def habit_stats(person, habit, now=None, page=1):
    """Today's count, the leaderboard (by total days, then current streak; its first
    LEADERBOARD_MAX) and, for managers, page `page` of who has not checked in today
    (NOT_DONE_PAGE a page) and the roll call naming the first NOT_DONE_MAX."""
    membership = authorize(person, Action.VIEW_GROUP, habit)
    manager = can(person, Action.MANAGE_WIDGET, habit, membership)
    today = local_today(habit.group, now)
    current = current_streak_clause(habit, today)
    member_count, done_count = db.session.execute(select(
        select(func.count()).select_from(Membership).where(_active_members(habit))
        .scalar_subquery(),
        # Today's figures off the habit's (habit_id, last_day) index, leaving out the few
        # members who have gone, rather than look up every member's figures.
        select(func.count()).select_from(HabitMember)
        .where(HabitMember.habit_id == habit.id, HabitMember.last_day == today,
               HabitMember.membership_id.not_in(
                   select(Membership.id).where(Membership.group_id == habit.group_id,
                                               Membership.status.in_(NOT_ACTIVE))))
        .scalar_subquery())).one()
    ranked = (select(HabitMember.total_days).select_from(HabitMember)
              .join(Membership, Membership.id == HabitMember.membership_id)
              .where(HabitMember.habit_id == habit.id, HabitMember.total_days > 0,
                     _active_members(habit)))
    # The 100th best total, read from the (habit_id, total_days) index from the top: only
    # members at or above it (ties included) are sorted by their current streak.
    threshold = ranked.order_by(HabitMember.total_days.desc()).limit(1).offset(
        LEADERBOARD_MAX - 1).correlate(None).scalar_subquery()
    rows = db.session.execute(
        select(Membership.public_id, NAME, HabitMember.total_days, current,
               HabitMember.longest_streak, HabitMember.last_day == today)
        .select_from(HabitMember)
        .join(Membership, Membership.id == HabitMember.membership_id)
        .join(Person, Person.id == Membership.person_id)
        .where(HabitMember.habit_id == habit.id,
               HabitMember.total_days >= func.coalesce(threshold, 1), _active_members(habit))
        .order_by(HabitMember.total_days.desc(), current.desc(), Membership.id)
        .limit(LEADERBOARD_MAX)).all()
    leaderboard = [Standing(*row[:5], bool(row[5])) for row in rows]
    scheduled = is_scheduled(habit, today)
    not_done = roll_call = None
    if manager:
        not_done, roll_call = [], []
        if scheduled:
            roll_call = _not_done(habit, today, 0, NOT_DONE_MAX)
            first, last = (page - 1) * NOT_DONE_PAGE, page * NOT_DONE_PAGE
            # The first pages are names the roll call read already.
            not_done = (roll_call[first:last] if last <= NOT_DONE_MAX
                        else _not_done(habit, today, first, NOT_DONE_PAGE))
    stats = HabitStats(habit, today, scheduled, done_count, member_count, leaderboard,
                       not_done, None, page)
    if manager and scheduled:
        stats.roll_call_text = roll_call_text(stats, roll_call)
    return stats


def _not_done(habit, today, offset, limit):
    """Active members who have not checked in today, in the order they came (ids grow as
    they join): read from the group's index, stopping after `offset + limit`."""
    figures = and_(HabitMember.habit_id == habit.id, HabitMember.membership_id == Membership.id)
    return [Listed(*row) for row in db.session.execute(
        select(Membership.public_id, NAME).select_from(Membership)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(HabitMember, figures)
        .where(_active_members(habit),
               or_(HabitMember.last_day.is_(None), HabitMember.last_day < today))
        .order_by(Membership.id).offset(offset).limit(limit))]


def roll_call_text(stats, not_done):
    """`已打卡 23/30，未打卡：@张三 @李四` and the habit's link, in the asker's language,
    naming `not_done`, the first NOT_DONE_MAX who have not checked in (then "…")."""
    names = [f"@{member.name}" for member in not_done]
    if stats.member_count - stats.done_count > len(names):
        names.append("…")
    if names:
        line = gettext("Checked in %(done)d/%(members)d, not yet: %(names)s",
                       done=stats.done_count, members=stats.member_count, names=" ".join(names))
    else:
        line = gettext("Checked in %(done)d/%(members)d: everyone has checked in today",
                       done=stats.done_count, members=stats.member_count)
    return f"{line}\n{widget_link(stats.habit)}"


# --- One member's days, one day's check-ins, achievements ---------------------------------

def member_of(habit, membership, member_id):
    """The asker's membership, or the active member of the habit's group named by
    `member_id` (404 for anyone else: a departed member's days are not listed)."""
    if member_id is None:
        return membership
    member = db.session.scalar(select(Membership).where(
        Membership.public_id == member_id, _active_members(habit)))
    if member is None:
        raise NotFound()
    return member


def calendar(person, habit, month=None, member_id=None, now=None):
    """{month, days: [{date, makeup}], current_streak, longest_streak, total_days} of a
    member (the asker by default) for one month (default: this month)."""
    membership = authorize(person, Action.VIEW_GROUP, habit)
    member = member_of(habit, membership, member_id)
    today = local_today(habit.group, now)
    first, following = month_bounds(month or today)
    days = db.session.execute(
        select(Checkin.day, Checkin.makeup)
        .where(Checkin.habit_id == habit.id, Checkin.membership_id == member.id,
               Checkin.day >= first, Checkin.day < following).order_by(Checkin.day)).all()
    row = db.session.get(HabitMember, (habit.id, member.id))
    return {
        "month": first.strftime("%Y-%m"),
        "days": [{"date": day.isoformat(), "makeup": makeup} for day, makeup in days],
        "current_streak": current_streak(habit, row.streak_end, row.streak, today) if row else 0,
        "longest_streak": row.longest_streak if row else 0,
        "total_days": row.total_days if row else 0,
    }


# A check-in's pictures as pages and the API list them: their addresses and sizes, never
# the pictures' bytes (served on their own, /images/<id>).
WITH_PICTURES = selectinload(Checkin.images).joinedload(CheckinImage.image).defer(
    Image.data).defer(Image.thumb_data)


def checkin_on(person, habit, day, member_id=None):
    """A member's (the asker's by default) check-in of one local day, or None: what the
    calendar shows when a day of it is opened."""
    membership = authorize(person, Action.VIEW_GROUP, habit)
    member = member_of(habit, membership, member_id)
    return db.session.scalar(
        select(Checkin).options(WITH_PICTURES)
        .where(Checkin.habit_id == habit.id, Checkin.membership_id == member.id,
               Checkin.day == day))


def feed(person, habit, day=None, now=None):
    """The check-ins of one local day (default: today), newest first, of active members:
    [(checkin, membership)], the first FEED_MAX."""
    authorize(person, Action.VIEW_GROUP, habit)
    day = day or local_today(habit.group, now)
    rows = db.session.execute(
        select(Checkin, Membership)
        .join(Membership, Membership.id == Checkin.membership_id)
        .join(Person, Person.id == Membership.person_id)
        .options(contains_eager(Membership.person), WITH_PICTURES)
        .where(Checkin.habit_id == habit.id, Checkin.day == day, _active_members(habit))
        .order_by(Checkin.created_at.desc(), Checkin.id.desc()).limit(FEED_MAX)).all()
    return [(checkin, member) for checkin, member in rows]


def achievements(person, habit):
    """[(achievement, membership)] of the habit's active members, in the order earned."""
    authorize(person, Action.VIEW_GROUP, habit)
    rows = db.session.execute(
        select(Achievement, Membership)
        .join(Membership, Membership.id == Achievement.membership_id)
        .join(Person, Person.id == Membership.person_id)
        .options(contains_eager(Membership.person))
        .where(Achievement.habit_id == habit.id, _active_members(habit))
        .order_by(Achievement.earned_on, Achievement.days, Achievement.id)).all()
    return [(achievement, member) for achievement, member in rows]
