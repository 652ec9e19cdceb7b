"""The statements of a habit's leaderboard and roll call (stats.habit_stats), built once
per process with their values as parameters: group_id, habit_id, today and previous.

Both are read off indexes in the order they are shown, so that a tie of thousands at
the leaderboard's last place, or a group of 100,000 members, is not sorted to show a
hundred names (bench/README.md, "Check-in stats")."""
from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union,
    union_all,
)

from grouptools.checkin.models import Checkin, HabitMember
from grouptools.core.models import Membership, Person

NAME = func.coalesce(Membership.nickname, Person.name)
ACTIVE = and_(Membership.group_id == bindparam("group_id"), Membership.status == "active")


def active_members(habit):
    return and_(Membership.group_id == habit.group_id, Membership.status == "active")


def board_statement(roll_call_max, leaderboard_max, counts=None, feed=None):
    """The leaderboard (and the roll call's first `roll_call_max`, if any) as one
    statement of parameters group_id, habit_id, today and previous (the last scheduled
    day before today: a streak that ended before it is over, streaks.current_streak).
    `counts`: two scalar subqueries over the same parameters (service.today_counts),
    read in it too as one row of part 2 (total, current). `feed`: a subquery of
    today's newest check-ins (stats.newest_subquery), read in it too as rows of part 3
    (id, public_id, name, total: the picture's position, done_today: made up, and
    member_id, text, created_at, image_id, columns every row then has): the habit
    page's lists in one statement.

    The leaderboard is ordered by total days, then current streak, then joining (id).
    Its last shown place's total, T, is read off the (habit_id, total_days, …) index
    from the top. Those above T are fewer than the places; those at T (a tie of
    thousands when a big group checks in every day) are read as four parts of at most
    `leaderboard_max` each, every one in its index's order, so nothing is sorted but
    what is shown (bench/README.md, "Check-in stats"):
    - streaks that end on `previous`, on `today`, or later (after the group's time zone
      moved west), each by streak, longest first, then id: the current streaks, off
      (habit_id, total_days, streak_end, streak DESC, membership_id);
    - all of T by id, off (habit_id, total_days, membership_id): the first members with
      no current streak are among them, as fewer current ones come before them.
    The parts are merged (a member may be in two) and the first places kept in SQL: a
    sort of at most five times the places."""
    current = case((HabitMember.streak_end >= bindparam("previous", type_=Date),
                    HabitMember.streak), else_=_n(0))
    ranked = (select(HabitMember.total_days).select_from(HabitMember)
              .join(Membership, Membership.id == HabitMember.membership_id)
              .where(HabitMember.habit_id == bindparam("habit_id"), HabitMember.total_days > _n(0),
                     ACTIVE))
    # The last shown place's total (1 when there are fewer members than places), read
    # once (a CTE) from the index's top. The CTE sits inside the statement, which
    # begins with SELECT: one that does not counts as a write
    # (core.postgresql.configure_postgresql), whose ROLLBACK made psycopg forget every
    # statement it had prepared, so each was parsed and planned on every request.
    last_place = ranked.order_by(HabitMember.total_days.desc()).limit(_n(1)).offset(
        _n(leaderboard_max - 1)).correlate(None).subquery()
    threshold = select(func.coalesce(select(last_place.c.total_days).scalar_subquery(), _n(1))
                       .label("total")).cte("last_place")
    total = select(threshold.c.total).scalar_subquery()

    def board(*where, order):
        return (select(HabitMember.membership_id.label("id"),
                       HabitMember.total_days.label("total"), current.label("current"),
                       HabitMember.longest_streak.label("longest"),
                       (HabitMember.last_day == bindparam("today")).label("done_today"))
                .select_from(HabitMember)
                .join(Membership, Membership.id == HabitMember.membership_id)
                .where(HabitMember.habit_id == bindparam("habit_id"), *where, ACTIVE)
                .order_by(*order).limit(_n(leaderboard_max)))

    tie = HabitMember.total_days == total
    by_streak = (HabitMember.streak.desc(), HabitMember.membership_id)
    merged = union(*(select(part.subquery()) for part in (
        board(HabitMember.total_days > total, order=(HabitMember.total_days.desc(),)),
        board(tie, HabitMember.streak_end == bindparam("previous"), order=by_streak),
        board(tie, HabitMember.streak_end == bindparam("today"), order=by_streak),
        board(tie, HabitMember.streak_end > bindparam("today"), order=by_streak),
        board(tie, order=(HabitMember.membership_id,)),
    ))).add_cte(threshold, nest_here=True).subquery("board")
    # The places, then their names: the parts carry figures only.
    places = (select(merged).order_by(merged.c.total.desc(), merged.c.current.desc(),
                                      merged.c.id)
              .limit(_n(leaderboard_max)).subquery("places"))
    parts = [select(_n(0).label("part"), Membership.id, Membership.public_id, NAME,
                    places.c.total, places.c.current, places.c.longest, places.c.done_today)
             .select_from(places)
             .join(Membership, Membership.id == places.c.id)
             .join(Person, Person.id == Membership.person_id)]
    if roll_call_max:
        # Typed NULLs, each named as the leaderboard's column (PostgreSQL matches types).
        none = [cast(null(), Integer).label(name) for name in ("total", "current", "longest")]
        parts.append(not_done_query(None, None, _n(1).label("part"), Membership.id,
                                    Membership.public_id, NAME, *none,
                                    cast(null(), Boolean).label("done_today"))
                     .limit(_n(roll_call_max)))
    if counts is not None:
        # The request's one other read (the stats JSON): one statement fewer.
        members, done = counts
        parts.append(select(_n(2).label("part"), cast(null(), Integer).label("id"),
                            *(cast(null(), String).label(name) for name in ("public_id", "name")),
                            members.label("total"), done.label("current"),
                            cast(null(), Integer).label("longest"),
                            cast(null(), Boolean).label("done_today")))
    if feed is not None:
        # Typed NULLs again, the first row's deciding how a column is read back.
        parts = [part.add_columns(*_FEED_NULLS) for part in parts]
        parts.append(select(_n(3).label("part"), feed.c.id, feed.c.public_id, feed.c.name,
                            feed.c.position.label("total"),
                            *(cast(null(), Integer).label(name) for name in ("current", "longest")),
                            feed.c.makeup.label("done_today"), feed.c.member_id, feed.c.text,
                            feed.c.created_at, feed.c.image_id))
    return union_all(*(select(part.subquery()) for part in parts))


_FEED_NULLS = (cast(null(), String).label("member_id"), cast(null(), Text).label("text"),
               cast(null(), Checkin.created_at.type).label("created_at"),
               cast(null(), String).label("image_id"))


def fixed_number(number):
    """A statement's fixed count written into it rather than sent as a parameter: a
    plan PostgreSQL keeps for a prepared statement then knows how few rows each part
    reads (a LIMIT it cannot see, it guesses as a tenth of the table)."""
    return literal_column(str(int(number)), Integer)


_n = fixed_number


def not_done_query(habit, today, *columns):
    """Active members who have not checked in today, in the order they came (ids grow as
    they join): read from the group's index, leaving out today's checkers (read off the
    (habit_id, last_day, membership_id) index; a last day after today, once the group's
    zone moved west, counts as done). Without a habit, of parameters habit_id, group_id
    and today.

    A NOT IN rather than an outer join whose figures are NULL or earlier: PostgreSQL took
    that join for a handful of rows and read every member of a group of 100,000 (450 ms),
    and on SQLite each member cost two lookups more (bench/README.md, "Check-in stats")."""
    if habit is None:
        habit_id, active, today = bindparam("habit_id"), ACTIVE, bindparam("today")
    else:
        habit_id, active = habit.id, active_members(habit)
    done = select(HabitMember.membership_id).where(HabitMember.habit_id == habit_id,
                                                   HabitMember.last_day >= today)
    return (select(*columns).select_from(Membership)
            .join(Person, Person.id == Membership.person_id)
            .where(active, Membership.id.not_in(done))
            .order_by(Membership.id))
