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

from sqlalchemy import (
    Boolean, Integer, String, and_, bindparam, cast, literal_column, null, or_, select,
    union_all,
)
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from grouptools.checkin.board import ACTIVE, NAME, board_statement, fixed_number, not_done_query
from grouptools.checkin.board import active_members as _active_members
from grouptools.checkin.models import Achievement, Checkin, CheckinImage, HabitMember
from grouptools.checkin.service import counts_parameters, month_bounds, today_counts
from grouptools.checkin.streaks import current_streak, is_scheduled, previous_scheduled_day
from grouptools.core.access import Action, authorize, can
from grouptools.core.errors import NotFound
from grouptools.core.i18n import gettext
from grouptools.core.models import Image, Membership, Person
from grouptools.core.plainrows import plain_rows
from grouptools.core.timeutil import local_today
from grouptools.core.widgetpages import widget_link
from grouptools.extensions import db

LEADERBOARD_MAX = 100
NOT_DONE_MAX = 200  # names the roll call @-mentions
NOT_DONE_PAGE = 50  # names of `not_done` a page (`?page=`)
FEED_MAX = 200



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


class FeedItem(NamedTuple):
    """A check-in as the habit page's feed shows it: plain values, no ORM objects."""

    id: str
    member_id: str
    name: str
    makeup: bool
    text: str
    created_at: object
    image_ids: list  # public ids of its pictures, in order


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
    feed: list | None = None  # with `feed_max`: [FeedItem] of today's newest

    @property
    def not_done_count(self):
        """Who has not checked in today (managers; 0 on a day off, None for members)."""
        if self.not_done is None:
            return None
        return self.member_count - self.done_count if self.scheduled_today else 0

    @property
    def pages(self):
        return max(1, -(-(self.not_done_count or 0) // NOT_DONE_PAGE))


def habit_stats(person, habit, now=None, page=1, known_counts=None,
                leaderboard_max=LEADERBOARD_MAX, feed_max=0):
    """Today's count, the leaderboard (by total days, then current streak; its first
    `leaderboard_max`) and, for managers, page `page` of who has not checked in today
    (NOT_DONE_PAGE a page) and the roll call naming the first NOT_DONE_MAX.
    `known_counts`: (members, done today) the same request read already (HabitState);
    `feed_max` (the habit page): today's newest check-ins as `feed`, as
    `newest_checkins` reads them, in the same statement."""
    membership = authorize(person, Action.VIEW_GROUP, habit)
    manager = can(person, Action.MANAGE_WIDGET, habit, membership)
    today = local_today(habit.group, now)
    scheduled = is_scheduled(habit, today)
    roll_call_read = manager and scheduled
    leaderboard, roll_call, counts, feed = _leaderboard_and_roll_call(
        habit, today, roll_call_read, leaderboard_max, with_counts=known_counts is None,
        feed_max=feed_max)
    member_count, done_count = known_counts or counts
    not_done = None
    if manager:
        not_done = []
        if scheduled:
            first, last = (page - 1) * NOT_DONE_PAGE, page * NOT_DONE_PAGE
            # The first pages are names the roll call read already.
            not_done = (roll_call[first:last] if last <= NOT_DONE_MAX
                        else _not_done(habit, today, first, NOT_DONE_PAGE))
    stats = HabitStats(habit, today, scheduled, done_count, member_count, leaderboard,
                       not_done, None, page, feed)
    if roll_call_read:
        stats.roll_call_text = roll_call_text(stats, roll_call)
    return stats


def _leaderboard_and_roll_call(habit, today, with_roll_call, leaderboard_max,
                               with_counts=False, feed_max=0):
    """([Standing] of the leaderboard's first `leaderboard_max`, [Listed] of the first
    NOT_DONE_MAX who have not checked in today, or [] without `with_roll_call`, with
    `with_counts` today's (active members, of them checked in today), else None, and
    with `feed_max` [FeedItem] of today's newest, else None): one statement, each part
    its own ordered, limited select (a UNION ALL), sorted back here."""
    previous = previous_scheduled_day(habit, today)
    shape = (NOT_DONE_MAX if with_roll_call else 0, leaderboard_max, with_counts, feed_max)
    statement = _BOARDS.get(shape)
    if statement is None:
        statement = _BOARDS[shape] = board_statement(
            *shape[:2], counts=today_counts() if with_counts else None,
            feed=newest_subquery(feed_max) if feed_max else None)
    # Without a scheduled day before today every streak still runs (current_streak): a
    # `previous` before any day says so to the same statement.
    rows = plain_rows(statement, {**counts_parameters(habit, today),
                                  "previous": previous or date.min}).all()
    standings = sorted((row for row in rows if row[0] == 0),
                       key=lambda row: (-row[4], -row[5], row[1]))
    leaderboard = [Standing(*row[2:7], bool(row[7])) for row in standings]
    roll_call = [Listed(row[2], row[3]) for row in sorted(
        (row for row in rows if row[0] == 1), key=lambda row: row[1])]
    counts = next(((row[4], row[5]) for row in rows if row[0] == 2), None)
    feed = feed_items(row for row in rows if row[0] == 3) if feed_max else None
    return leaderboard, roll_call, counts, feed


_BOARDS = {}


def _not_done(habit, today, offset, limit):
    """A page of `board.not_done_query`, stopping after `offset + limit`."""
    return [Listed(*row) for row in db.session.execute(
        not_done_query(habit, today, Membership.public_id, NAME).offset(offset).limit(limit))]


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


def calendar(person, habit, month=None, member_id=None, now=None, known=None, also=None,
             achievements=False, read=None):
    """{month, days: [{date, makeup}], current_streak, longest_streak, total_days} of a
    member (the asker by default) for one month (default: this month).

    For the habit page: `known`, the asker's figures (service.Me) the request read
    already; `also`, a range of days (first, end) whose check-ins are read in the same
    statement and answered as `also_done` (the days a make-up may still fill);
    `achievements`, the member's achievements read in it too, as `achievements`
    ([Earned] by days); `read`, the asker's month and achievements read already with
    their figures (service.month_columns, covering `month` and `also`)."""
    membership = authorize(person, Action.VIEW_GROUP, habit)
    member = member_of(habit, membership, member_id)
    today = local_today(habit.group, now)
    first, following = month_bounds(month or today)
    earned = None
    if read is not None and member is membership:
        read, earned = _month_of_columns(*read)
    else:
        read = plain_rows(MONTH_DAYS[bool(also), achievements], {
            "habit_id": habit.id, "membership_id": member.id, "first": first,
            "following": following,
            **({"also_first": also[0], "also_end": also[1]} if also else {})}).all()
        if achievements:
            earned = [Earned(row.public_id, row.days, row.day) for row in read if row.part == 1]
            read = [(row.day, row.makeup) for row in read if row.part == 0]
    answer = {"month": first.strftime("%Y-%m"),
              "days": [{"date": day.isoformat(), "makeup": makeup} for day, makeup in read
                       if first <= day < following]}
    if also:
        answer["also_done"] = {day for day, _ in read if also[0] <= day < also[1]}
    if achievements:
        answer["achievements"] = earned
    if known is not None and member is membership:
        figures = (known.current_streak, known.longest_streak, known.total_days)
    else:
        row = db.session.get(HabitMember, (habit.id, member.id))
        figures = ((current_streak(habit, row.streak_end, row.streak, today),
                    row.longest_streak, row.total_days) if row else (0, 0, 0))
    return {**answer, "current_streak": figures[0], "longest_streak": figures[1],
            "total_days": figures[2]}


def _month_of_columns(days, earned):
    """([(day, made up)] by day, [Earned] by days) from service.month_columns' two JSON
    columns (None for no rows on PostgreSQL; days as ISO text, made up as 0/1 on SQLite)."""
    days = sorted((date.fromisoformat(day), bool(makeup)) for day, makeup in days or ())
    earned = sorted((Earned(public_id, count, date.fromisoformat(day))
                     for public_id, count, day in earned or ()),
                    key=lambda item: (item.days, item.earned_on))
    return days, earned


def _month_days(with_also, with_achievements):
    """A member's check-in days of a month (`first` to `following`), and `with_also`
    those of a range of days besides (`also_first` to `also_end`); `with_achievements`
    (the habit page), their achievements too, in the same statement: rows of part 0 are
    days, of part 1 achievements (`day` the day earned)."""
    days = Checkin.day
    wanted = and_(days >= bindparam("first"), days < bindparam("following"))
    if with_also:
        wanted = or_(wanted, and_(days >= bindparam("also_first"),
                                  days < bindparam("also_end")))
    mine = (Checkin.habit_id == bindparam("habit_id"),
            Checkin.membership_id == bindparam("membership_id"))
    if not with_achievements:
        return select(days, Checkin.makeup).where(*mine, wanted).order_by(days)
    read = (select(literal_column("0", Integer).label("part"), days.label("day"),
                   Checkin.makeup.label("makeup"), cast(null(), String).label("public_id"),
                   cast(null(), Integer).label("days"))
            .where(*mine, wanted))
    earned = (select(literal_column("1", Integer), Achievement.earned_on, cast(null(), Boolean),
                     Achievement.public_id, Achievement.days)
              .where(Achievement.habit_id == bindparam("habit_id"),
                     Achievement.membership_id == bindparam("membership_id")))
    both = union_all(read, earned)
    columns = both.selected_columns
    return both.order_by(columns.part, columns.days, columns.day)


MONTH_DAYS = {(also, achievements): _month_days(also, achievements)
              for also in (False, True) for achievements in (False, True)}


class Earned(NamedTuple):
    """An achievement as the habit page lists it."""

    public_id: str
    days: int
    earned_on: date


# A check-in's pictures as pages and the API list them: their addresses and sizes, never
# the pictures' bytes (served on their own, /images/<id>).
WITH_PICTURES = selectinload(Checkin.images).joinedload(CheckinImage.image).defer(
    Image.data).defer(Image.thumb_data)
# The same, joined into the statement that reads the check-ins (a feed: one statement).
JOINED_PICTURES = joinedload(Checkin.images).joinedload(CheckinImage.image).defer(
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
        .options(contains_eager(Membership.person), JOINED_PICTURES)
        .where(Checkin.habit_id == habit.id, Checkin.day == day, _active_members(habit))
        .order_by(Checkin.created_at.desc(), Checkin.id.desc()).limit(FEED_MAX)).unique().all()
    return [(checkin, member) for checkin, member in rows]


def newest_checkins(habit, day, limit):
    """[FeedItem] of the `limit` newest check-ins of `day` by active members, with their
    pictures' ids, in one statement: the check-ins come off the (habit_id, day,
    created_at, id) index in the feed's order, so a page of ten costs the same on a day
    of ten check-ins or of a thousand."""
    statement = _NEWEST.get(limit)
    if statement is None:
        statement = _NEWEST[limit] = _newest_statement(limit)
    rows = plain_rows(statement, {"habit_id": habit.id, "group_id": habit.group_id,
                                  "day": day})
    items = {}
    for checkin_id, *values, image_id in rows:
        item = items.get(checkin_id)
        if item is None:
            item = items[checkin_id] = FeedItem(*values, [])
        if image_id is not None:
            item.image_ids.append(image_id)
    return list(items.values())


_NEWEST = {}


def _newest_statement(limit):
    newest = _newest_checkins(limit, bindparam("day"))
    return (select(newest, Image.public_id)
            .outerjoin(CheckinImage, CheckinImage.checkin_id == newest.c.id)
            .outerjoin(Image, Image.id == CheckinImage.image_id)
            .order_by(newest.c.created_at.desc(), newest.c.id.desc(), CheckinImage.position))


def _newest_checkins(limit, day):
    return (select(Checkin.id, Checkin.public_id, Membership.public_id.label("member_id"),
                   NAME.label("name"), Checkin.makeup, Checkin.text, Checkin.created_at)
            .join(Membership, Membership.id == Checkin.membership_id)
            .join(Person, Person.id == Membership.person_id)
            .where(Checkin.habit_id == bindparam("habit_id"), Checkin.day == day, ACTIVE)
            .order_by(Checkin.created_at.desc(), Checkin.id.desc()).limit(fixed_number(limit))
            .subquery())


def newest_subquery(limit):
    """The `limit` newest check-ins of today (parameter `today`) with their pictures, a
    row per picture (or one without), unordered: board.board_statement reads them in
    the habit page's statement, `feed_items` puts them in order."""
    newest = _newest_checkins(limit, bindparam("today"))
    return (select(newest.c.id, newest.c.public_id, newest.c.member_id, newest.c.name,
                   newest.c.makeup, newest.c.text, newest.c.created_at,
                   Image.public_id.label("image_id"), CheckinImage.position)
            .outerjoin(CheckinImage, CheckinImage.checkin_id == newest.c.id)
            .outerjoin(Image, Image.id == CheckinImage.image_id)
            .subquery())


def feed_items(rows):
    """[FeedItem] of the board statement's rows of part 3 (board.board_statement says
    their columns), newest first, each with its pictures' ids in their order."""
    rows = sorted(rows, key=lambda row: row[4] or 0)  # the picture's position
    rows.sort(key=lambda row: (row[10], row[1]), reverse=True)  # created_at, id
    items = {}
    for _, checkin_id, public_id, name, _, _, _, makeup, member_id, text, at, image_id in rows:
        item = items.get(checkin_id)
        if item is None:
            item = items[checkin_id] = FeedItem(public_id, member_id, name, makeup, text, at, [])
        if image_id is not None:
            item.image_ids.append(image_id)
    return list(items.values())


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
