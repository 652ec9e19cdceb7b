"""/api/v1 routes about habits and check-ins: parse, ask the service, answer."""
from datetime import date

from grouptools.checkin import checkins, service, stats
from grouptools.checkin.blueprints import blp
from grouptools.checkin.kind import CHECKIN
from grouptools.checkin.models import Habit
from grouptools.checkin.schemas import (
    AchievementSchema,
    CalendarArgsSchema,
    CalendarSchema,
    CheckinCreateSchema,
    CheckinSchema,
    FeedArgsSchema,
    FeedItemSchema,
    HabitCreateSchema,
    HabitSchema,
    HabitUpdateSchema,
    StatsArgsSchema,
    StatsSchema,
)
from grouptools.core.access import Action, can
from grouptools.core.conditional import shared_json
from grouptools.core.database import before_the_write
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.core.timeutil import utcnow
from grouptools.core.widgetapi import add_widget_api

STATS = StatsSchema()  # built once: shared_json dumps with it

add_widget_api(blp, CHECKIN, "habits/<pid:hid>", schema=HabitSchema, state=service.habit_state,
               create_rule="groups/<pid:gid>/habits", create_schema=HabitCreateSchema,
               create=service.create_habit, update_schema=HabitUpdateSchema,
               update=service.update_habit)


@blp.route("/habits/<pid:hid>/checkins", methods=["POST"])
@rate_limited("check_in")
@blp.arguments(CheckinCreateSchema())
@blp.response(201, CheckinSchema, description="Checked in")
@blp.alt_response(200, schema=CheckinSchema, description="That day was checked in already")
def check_in(data, hid):
    """Check in for today, or make up a past day (`date`). The habit and the asker are
    read before the write begins, so SQLite's writer's turn is held only for the write
    (and a second tap, which writes nothing, never takes it)."""
    with before_the_write():
        habit, person, _ = load_widget(Habit, hid, Action.ACT)
    done = checkins.check_in(person, habit, **data)
    return done, 201 if done.created else 200


@blp.route("/habits/<pid:hid>/checkins/<pid:cid>", methods=["DELETE"])
@rate_limited("check_in")
@blp.response(204)
def delete_checkin(hid, cid):
    """Undo a check-in: the member today's own, managers any."""
    habit, person, _ = load_widget(Habit, hid)
    checkins.delete_checkin(person, habit, cid)


@blp.route("/habits/<pid:hid>/calendar")
@blp.arguments(CalendarArgsSchema(), location="query")
@blp.response(200, CalendarSchema)
def get_calendar(args, hid):
    """A member's check-in days of one month (mine by default)."""
    habit, person, _ = load_widget(Habit, hid)
    month = args.get("month")
    first = date.fromisoformat(f"{month}-01") if month else None
    return stats.calendar(person, habit, first, args.get("member_id"))


@blp.route("/habits/<pid:hid>/feed")
@blp.arguments(FeedArgsSchema(), location="query")
@blp.response(200, FeedItemSchema(many=True))
def get_feed(args, hid):
    """One local day's check-ins, newest first (today by default)."""
    habit, person, _ = load_widget(Habit, hid)
    return stats.feed(person, habit, args.get("date"))


@blp.route("/habits/<pid:hid>/stats")
@blp.arguments(StatsArgsSchema(), location="query")
@blp.response(200, StatsSchema)
def get_stats(args, hid):
    """Today's count, the leaderboard, and for managers who has not checked in (a page of
    it, `?page=`) and the roll call."""
    habit, person, membership = load_widget(Habit, hid)
    # Members read it alike, managers alike (with who has not checked in), page by page.
    manager = can(person, Action.MANAGE_WIDGET, habit, membership)
    now, page = utcnow(), args["page"]
    return shared_json(habit, "habit stats", STATS,
                       lambda: stats.habit_stats(person, habit, now, page=page), manager, page,
                       now=now)


@blp.route("/habits/<pid:hid>/achievements")
@blp.response(200, AchievementSchema(many=True))
def get_achievements(hid):
    """Achievements the habit's members earned, in the order earned."""
    habit, person, _ = load_widget(Habit, hid)
    return [(achievement, member, habit)
            for achievement, member in stats.achievements(person, habit)]
