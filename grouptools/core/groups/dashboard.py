"""The group dashboard for managers: who takes part and in what, who has gone quiet,
and how many members acted week by week (docs/architecture.md#the-group-dashboard).

It reads the widgets only through the registry (core.widgets): each kind's aggregate
counts, restricted to the page of members shown and read for all kinds in one
statement, and every kind's dated actions for the weekly chart, so the number of
statements, and the rows Python handles, stay the same whatever the group's size."""
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from babel.dates import format_skeleton
from flask_babel import format_date
from sqlalchemy import and_, case, func, select, union_all
from sqlalchemy.orm import contains_eager

from grouptools.core.access import Action, authorize
from grouptools.core.groups.counting import member_count
from grouptools.core.i18n import current_locale, gettext
from grouptools.core.links import group_url
from grouptools.core.models import Membership, Person
from grouptools.core.timeutil import group_zone, local_today, utcnow
from grouptools.core.widgets import activity_counts, activity_times, registered_widgets
from grouptools.extensions import db

QUIET_DAYS_DEFAULT = 14
WEEKS = 12
PAGE_SIZE = 20  # members a page; the quiet list and its reminder name as many at most
SORTS = ("name", "joined", "last", "total")
WEEKLY_CACHE_SIZE = 256
_weekly_cache = OrderedDict()  # see _weekly_active


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
    members: list  # [MemberActivity]: one page of the active members, in the asked order
    member_count: int
    page: int
    sort: str
    descending: bool
    quiet: list  # [MemberActivity]: the first PAGE_SIZE quiet members, quietest first
    quiet_count: int
    quiet_days: int
    weekly_active: list  # [(Monday of the week, members who acted that week)], oldest first
    reminder_text: str | None = field(default=None)

    @property
    def acted_keys(self):
        return [key for key, _label in self.kinds]

    @property
    def pages(self):
        return max(1, -(-self.member_count // PAGE_SIZE))


def local_midnight(group, day):
    """The instant `day` begins in the group's zone, as aware UTC."""
    return datetime.combine(day, time(0), tzinfo=group_zone(group)).astimezone(timezone.utc)


def quiet_since(group, quiet_days, now=None):
    """The instant the last `quiet_days` local days began: a member who joined before it
    and did nothing since has gone quiet. Days are dates in the group's zone, today one
    of them (14 days on 3 December: since the start of 20 November there)."""
    return local_midnight(group, local_today(group, now) - timedelta(days=quiet_days - 1))


def natural_order(sort, kinds=()):
    """Counts and last activity read best from the most; names and joining from the first."""
    return sort in ("last", "total", *kinds)


def group_dashboard(person, group, quiet_days=QUIET_DAYS_DEFAULT, sort="joined",
                    descending=None, page=1, now=None):
    """The dashboard (managers; members 403, strangers 404).

    The roster is sorted, filtered and paged in SQL and each kind's counts are read for
    one page only, so the statements and what Python handles stay the same whatever the
    group's size (see _Roster)."""
    authorize(person, Action.MANAGE_GROUP, group)
    now = now or utcnow()
    roster = _Roster(group)
    sort = sort if sort in (*SORTS, *roster.counts) else "joined"
    if descending is None:
        descending = natural_order(sort, roster.counts)
    page = max(1, page)
    members, member_count = roster.read(sort, descending, offset=(page - 1) * PAGE_SIZE)
    since = quiet_since(group, quiet_days, now)
    # Read off the (group, status, last activity) index: the quiet ones only.
    quiet, quiet_count = roster.read(
        "last", where=and_(roster.last < since,
                           func.coalesce(Membership.joined_at, Membership.created_at) < since),
        with_counts=False)
    labels = {kind.key: str(kind.label) for kind in registered_widgets()}
    return Dashboard(group=group, kinds=[(key, labels[key]) for key in roster.counts],
                     members=members, member_count=member_count, page=page, sort=sort,
                     descending=descending, quiet=quiet, quiet_count=quiet_count,
                     quiet_days=quiet_days,
                     weekly_active=_weekly_active(group, roster.actions, now),
                     reminder_text=_reminder_text(group, quiet, quiet_count, quiet_days))


class _Roster:
    """The group's active members with what they did per kind, read a page at a time.

    Last activity is the membership's `last_active_at`, which every kind moves when a
    member acts (core.groups.service.record_activity; never for a secret ballot), so
    the order by it, the quiet filter and the page are read off the roster alone. The
    counts are then read for that page's members only, every kind in one statement —
    unless the page is ordered by a count, which needs every member's."""

    def __init__(self, group):
        self.group = group
        self.counts = activity_counts(group)
        dated = activity_times(group)
        self.actions = union_all(*dated).subquery("actions") if dated else None
        # Every membership has it from the moment it is made (joining counts), so the
        # order by it and the quiet filter are read off its index (core.models).
        self.last = Membership.last_active_at

    def _acted_columns(self):
        subqueries = {key: counts.subquery(f"acted_{key}") for key, counts in self.counts.items()}
        return subqueries, {key: func.coalesce(sub.c.count, 0) for key, sub in subqueries.items()}

    def read(self, sort=None, descending=False, where=None, offset=0, with_counts=True):
        """([MemberActivity] of one page, how many match)."""
        mine = and_(Membership.group_id == self.group.id, Membership.status == "active")
        if where is not None:
            mine = and_(mine, where)
        query = (select(Membership, self.last.label("last"))
                 .join(Person, Person.id == Membership.person_id)
                 .options(contains_eager(Membership.person)).where(mine))
        by_count = sort == "total" or sort in self.counts
        if by_count:
            subqueries, acted = self._acted_columns()
            for sub in subqueries.values():
                query = query.outerjoin(sub, sub.c.membership_id == Membership.id)
            query = query.add_columns(*(value.label(f"acted_{key}") for key, value in acted.items()))
            column = sum(acted.values()) if sort == "total" else acted[sort]
        else:
            # By joining: straight off the (group_id, status, joined_at, id) index.
            column = {"name": func.lower(func.coalesce(Membership.nickname, Person.name)),
                      "joined": Membership.joined_at, "last": self.last}.get(sort, self.last)
        if column is self.last:
            # Ties follow the direction too, so the index is walked one way (bench/growth.py).
            order = [c.desc() if descending else c.asc()
                     for c in (column, Membership.joined_at, Membership.id)]
        else:
            order = [column.desc() if descending else column.asc(), Membership.joined_at,
                     Membership.id]
        rows = db.session.execute(query.order_by(*order).offset(offset).limit(PAGE_SIZE)).all()
        if by_count:
            acted = {row[0].id: {key: getattr(row, f"acted_{key}") for key in self.counts}
                     for row in rows}
        elif with_counts:
            acted = self._page_counts([row[0].id for row in rows])
        else:
            acted = {}
        members = [MemberActivity(membership=row[0], last_active_at=row.last,
                                  acted=acted.get(row[0].id, {})) for row in rows]
        if where is None:  # the whole roster: the count kept on the group's row
            return members, member_count(self.group)
        return members, db.session.scalar(select(func.count()).select_from(Membership).where(mine))

    def _page_counts(self, ids):
        """{membership id: {kind: count}} for these members, every kind in one statement:
        for each member, each kind's aggregate as a scalar subquery on that member alone,
        read off the kind's membership_id index. (Restricting the aggregate with
        `membership_id IN (…)` let SQLite read it off the widget's own index instead —
        every entry of a relay, every receipt of a notice: 40 ms at 100,000 rows.)"""
        acted = {mid: dict.fromkeys(self.counts, 0) for mid in ids}
        if not ids or not self.counts:
            return acted
        keys = list(self.counts)
        columns = []
        for key in keys:
            counts = self.counts[key]
            columns.append(counts.with_only_columns(counts.selected_columns.count,
                                                     maintain_column_froms=True)
                           .where(counts.selected_columns.membership_id == Membership.id)
                           .scalar_subquery())
        for mid, *values in db.session.execute(
                select(Membership.id, *columns).where(Membership.id.in_(ids))):
            acted[mid] = {key: value or 0 for key, value in zip(keys, values)}
        return acted


def week_starts(group, now=None):
    """The Mondays (local dates) of the last WEEKS weeks, this one last."""
    today = local_today(group, now)
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=WEEKS - 1 - n) for n in range(WEEKS)]


def _weekly_active(group, actions, now):
    """[(Monday, how many members acted that week)]: weeks run Monday to Sunday in the
    group's zone; one statement over the dated actions of twelve weeks.

    That statement grows with what the group did, so its answer is kept (per process,
    for WEEKLY_CACHE_SIZE groups) until a member acts or joins or leaves: a cheap read of
    the roster's latest `last_active_at` and size says whether it still holds. A deleted
    check-in shows in the chart from the next action on."""
    mondays = week_starts(group, now)
    if actions is None:
        return [(monday, 0) for monday in mondays]
    # The latest activity: the first row of the (group, status, last activity) index
    # read backwards (a max() with a WHERE is not read off the index on SQLite).
    version = (db.session.scalar(
        select(Membership.last_active_at)
        .where(Membership.group_id == group.id, Membership.status == "active",
               Membership.last_active_at.is_not(None))
        .order_by(Membership.last_active_at.desc()).limit(1)),
        member_count(group))
    key = (group.public_id, group.timezone, mondays[0], version)
    if key in _weekly_cache:
        _weekly_cache.move_to_end(key)
        return _weekly_cache[key]
    bounds = [local_midnight(group, monday) for monday in mondays]
    bounds.append(local_midnight(group, mondays[-1] + timedelta(weeks=1)))
    week = case(*((actions.c.at < bound, n) for n, bound in enumerate(bounds[1:-1])),
                else_=WEEKS - 1)
    active = dict(db.session.execute(
        select(week, func.count(func.distinct(actions.c.membership_id)))
        .where(actions.c.at >= bounds[0], actions.c.at < bounds[-1])
        .group_by(week)).all())
    weekly = [(monday, active.get(n, 0)) for n, monday in enumerate(mondays)]
    _weekly_cache[key] = weekly
    while len(_weekly_cache) > WEEKLY_CACHE_SIZE:
        _weekly_cache.popitem(last=False)
    return weekly


def _reminder_text(group, quiet, quiet_count, quiet_days):
    """`@张三 @李四 We have not heard from you …` and the group's link, ready to paste
    into the chat, naming the quiet members listed (then "…"); None when nobody is quiet."""
    if not quiet:
        return None
    names = [f"@{member.membership.display_name}" for member in quiet]
    if quiet_count > len(names):
        names.append("…")
    line = gettext("We have not heard from you in %(days)d days: is everything all right? "
                   "Here is what is going on in %(group)s:", days=quiet_days, group=group.name)
    return " ".join([*names, line]) + "\n" + group_url(group)


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
                        active=active, label=format_skeleton("MMMd", monday, locale=current_locale()),
                        long_label=format_date(monday, "long")))
    return bars
