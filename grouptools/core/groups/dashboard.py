"""The group dashboard for managers: who takes part and in what, who has gone quiet,
and how many members acted week by week (docs/architecture.md#the-group-dashboard).

It reads the widgets only through the registry (core.widgets): one aggregate statement
per kind for the counts and one statement over every kind's dated actions, so the
number of statements stays the same whatever the group's size."""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from babel.dates import format_skeleton
from flask_babel import format_date, get_locale, gettext
from sqlalchemy import case, func, select, union_all
from sqlalchemy.orm import joinedload

from grouptools.core.access import Action, authorize
from grouptools.core.links import group_url
from grouptools.core.models import Membership
from grouptools.core.timeutil import group_zone, local_today, utcnow
from grouptools.core.widgets import activity_counts, activity_times, registered_widgets
from grouptools.extensions import db

QUIET_DAYS_DEFAULT = 14
QUIET_DAYS_MIN = 1
QUIET_DAYS_MAX = 365
WEEKS = 12
REMINDER_NAMES_MAX = 200  # like the widgets' reminders: the first 200, then "…"


@dataclass
class MemberActivity:
    membership: Membership
    acted: dict  # {kind key: count}, every kind that reports activity
    last_active_at: datetime | None

    @property
    def total(self):
        return sum(self.acted.values())


@dataclass
class Dashboard:
    group: object
    kinds: list  # [(kind key, translated label)], the columns
    members: list  # [MemberActivity], active members, earliest joined first
    quiet: list  # [MemberActivity]
    quiet_days: int
    weekly_active: list  # [(Monday of the week, members who acted that week)], oldest first
    reminder_text: str | None = field(default=None)

    @property
    def acted_keys(self):
        return [key for key, _label in self.kinds]


def local_midnight(group, day):
    """The instant `day` begins in the group's zone, as aware UTC."""
    return datetime.combine(day, time(0), tzinfo=group_zone(group)).astimezone(timezone.utc)


def quiet_since(group, quiet_days, now=None):
    """The instant the last `quiet_days` local days began: a member who joined before it
    and did nothing since has gone quiet. Days are dates in the group's zone, today one
    of them (14 days on 3 December: since the start of 20 November there)."""
    return local_midnight(group, local_today(group, now) - timedelta(days=quiet_days - 1))


def group_dashboard(person, group, quiet_days=QUIET_DAYS_DEFAULT, now=None):
    """The dashboard (managers; members 403, strangers 404)."""
    authorize(person, Action.MANAGE_GROUP, group)
    now = now or utcnow()
    memberships = db.session.scalars(
        select(Membership).where(Membership.group_id == group.id, Membership.status == "active")
        .options(joinedload(Membership.person))
        .order_by(Membership.joined_at.is_(None), Membership.joined_at, Membership.id)).all()
    counts = activity_counts(group)
    dated = activity_times(group)
    actions = union_all(*dated).subquery() if dated else None
    last = _last_actions(actions)
    members = []
    for membership in memberships:
        times = [at for at in (membership.last_active_at, last.get(membership.id)) if at]
        members.append(MemberActivity(
            membership=membership,
            acted={key: by_member.get(membership.id, 0) for key, by_member in counts.items()},
            last_active_at=max(times) if times else None))
    since = quiet_since(group, quiet_days, now)
    quiet = [member for member in members
             if (member.membership.joined_at or member.membership.created_at) < since
             and (member.last_active_at is None or member.last_active_at < since)]
    labels = {kind.key: str(kind.label) for kind in registered_widgets()}
    return Dashboard(group=group, kinds=[(key, labels[key]) for key in counts],
                     members=members, quiet=quiet, quiet_days=quiet_days,
                     weekly_active=_weekly_active(group, actions, now),
                     reminder_text=_reminder_text(group, quiet, quiet_days))


def _last_actions(actions):
    """{membership id: the time of their latest dated action}, one statement."""
    if actions is None:
        return {}
    return dict(db.session.execute(
        select(actions.c.membership_id, func.max(actions.c.at))
        .group_by(actions.c.membership_id)).all())


def week_starts(group, now=None):
    """The Mondays (local dates) of the last WEEKS weeks, this one last."""
    today = local_today(group, now)
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=WEEKS - 1 - n) for n in range(WEEKS)]


def _weekly_active(group, actions, now):
    """[(Monday, how many members acted that week)]: weeks run Monday to Sunday in the
    group's zone; one statement, whatever the number of actions."""
    mondays = week_starts(group, now)
    bounds = [local_midnight(group, monday) for monday in mondays]
    bounds.append(local_midnight(group, mondays[-1] + timedelta(weeks=1)))
    active = {}
    if actions is not None:
        week = case(*((actions.c.at < bound, n) for n, bound in enumerate(bounds[1:-1])),
                    else_=WEEKS - 1)
        active = dict(db.session.execute(
            select(week, func.count(func.distinct(actions.c.membership_id)))
            .where(actions.c.at >= bounds[0], actions.c.at < bounds[-1])
            .group_by(week)).all())
    return [(monday, active.get(n, 0)) for n, monday in enumerate(mondays)]


def _reminder_text(group, quiet, quiet_days):
    """`@张三 @李四 We have not heard from you …` and the group's link, ready to paste
    into the chat; None when nobody is quiet."""
    if not quiet:
        return None
    names = [f"@{member.membership.display_name}" for member in quiet[:REMINDER_NAMES_MAX]]
    if len(quiet) > REMINDER_NAMES_MAX:
        names.append("…")
    line = gettext("We have not heard from you in %(days)d days: is everything all right? "
                   "Here is what is going on in %(group)s:", days=quiet_days, group=group.name)
    return " ".join([*names, line]) + "\n" + group_url(group)


def sort_members(board, key, descending):
    """The members ordered by `key`: "name", "joined", "last", "total" or a kind's key
    (its count); ties keep the earliest joined first. Unknown keys sort by joining."""
    never = datetime.min.replace(tzinfo=timezone.utc)
    keys = {
        "name": lambda m: m.membership.display_name.casefold(),
        "joined": lambda m: m.membership.joined_at or m.membership.created_at,
        "last": lambda m: m.last_active_at or never,
        "total": lambda m: m.total,
    }
    if key in board.acted_keys:
        return sorted(board.members, key=lambda m: m.acted[key], reverse=descending)
    return sorted(board.members, key=keys.get(key, keys["joined"]), reverse=descending)


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    active: int
    label: str  # the week's Monday, short ("11月3日", "3 Nov")
    long_label: str  # the same with the year, for the table and screen readers


CHART_WIDTH, CHART_HEIGHT = 360, 180
BAR_WIDTH, BAR_STEP, BAR_LEFT = 20, 28, 16
PLOT_TOP, PLOT_BOTTOM = 22, 150  # room for the counts above and the dates below


def chart(board):
    """Where the weekly chart's bars go, for the server-drawn SVG (no chart library):
    heights in proportion to the busiest week."""
    highest = max((active for _monday, active in board.weekly_active), default=0) or 1
    room = PLOT_BOTTOM - PLOT_TOP
    bars = []
    for n, (monday, active) in enumerate(board.weekly_active):
        height = round(room * active / highest)
        bars.append(Bar(x=BAR_LEFT + n * BAR_STEP, y=PLOT_BOTTOM - height, height=height,
                        active=active, label=format_skeleton("MMMd", monday, locale=get_locale()),
                        long_label=format_date(monday, "long")))
    return bars
