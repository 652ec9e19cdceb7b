"""The group's widgets' clock: two columns of a row per group (core.models.GroupClock)
that say whether anything its group page shows of its widgets may have changed — so the
page's ETag is read off that one row, not worked out from every widget
(docs/architecture.md#speed). A group without the row yet (none of its widgets ever
changed) reads as version 0 with nothing to come.

- `GroupClock.widgets_version` moves when any widget of the group is created, changed or
  deleted: in the same commit as the widget's own version (core.conditional notes every
  such change; `bump_widget_clocks` runs there), every kind alike.
- `GroupClock.next_moment` is the soonest of its widgets' moments (`CLOCK_MOMENTS`: a
  deadline, an event's start) still to come, or NULL when none is. What it promises:
  no moment of any widget lies between the time it was written and it, so until it
  passes, time changes nothing the group page shows (beside the local date, which the
  page's ETag holds by itself). A write that gives a widget a moment sooner than it
  brings it forward; a widget deleted or a deadline moved later may leave it too early,
  which costs one more working out, never a stale page. Once it has passed, the first
  reader works out the next one (`widgets_clock`) and stores it after its answer.

The ETag part is (widgets_version, next moment still to come): the latter changes
exactly when one of the widgets' moments passes."""
import logging

from flask import after_this_request
from sqlalchemy import bindparam, case, func, select, union_all, update
from sqlalchemy.exc import SQLAlchemyError

from grouptools.core.database import dialect_insert, request_writes_on_read
from grouptools.core.models import Group, GroupClock
from grouptools.core.plainrows import plain_scalar
from grouptools.core.timeutil import UTCDateTime, utcnow
from grouptools.extensions import db

log = logging.getLogger(__name__)

# session.info key: {group id or a new widget: [its moments written in this transaction]}
_NOTED = "grouptools.widget_groups"
_CLOCK = GroupClock.__table__
_SOONEST = bindparam("soonest", type_=UTCDateTime)
_BUMPS = {}
# Stored only if no widget of the group changed since the reader read the version: a
# change's own commit brought the moment forward, if it had to.
_STORE = (update(_CLOCK).where(_CLOCK.c.group_id == bindparam("the_group"),
                               _CLOCK.c.widgets_version == bindparam("read_version"))
          .values(next_moment=bindparam("worked_out", type_=UTCDateTime)))

# The clock as two columns correlated with Group (core.loaders.load_group's `also`).
CLOCK_COLUMNS = (
    # 0 for a group without the row (no widget yet), as core.loaders.peek_group reads it:
    # the coalesce is outside, where a subquery that found no row gives NULL.
    func.coalesce(select(GroupClock.widgets_version)
                  .where(GroupClock.group_id == Group.id).scalar_subquery(), 0),
    select(GroupClock.next_moment).where(GroupClock.group_id == Group.id).scalar_subquery(),
)


def _bump(dialect, sooner):
    """The statement that moves a group's clock (and, `sooner`, brings its moment forward
    to `soonest`), making its row when the group has none (every widget of a group moves
    it, so a group without a row has had none: its moments are the ones noted now; the
    migration that made the table gave existing groups a row each). Built once per
    dialect."""
    key = (dialect, sooner)
    if key not in _BUMPS:
        insert = dialect_insert(dialect)(_CLOCK).values(
            group_id=bindparam("group_id"), widgets_version=1,
            next_moment=_SOONEST if sooner else None)
        moved = {"widgets_version": _CLOCK.c.widgets_version + 1}
        if sooner:
            moved["next_moment"] = case((_CLOCK.c.next_moment <= _SOONEST,
                                         _CLOCK.c.next_moment), else_=_SOONEST)
        _BUMPS[key] = insert.on_conflict_do_update(index_elements=[_CLOCK.c.group_id],
                                                   set_=moved)
    return _BUMPS[key]


def note_widget(session, widget, moments=()):
    """Have the clock of `widget`'s group moved when this transaction commits; `moments`:
    the widget's moments as they are written (created, or changed)."""
    group_id = widget.group_id
    if group_id is None:  # a new widget given its group by object: known after the flush
        group = getattr(widget, "group", None)
        group_id = group.id if group is not None and group.id is not None else widget
    noted = session.info.setdefault(_NOTED, {})
    noted.setdefault(group_id, []).extend(moment for moment in moments if moment is not None)


def moments_of(widget):
    """The widget's moments as they are about to be written."""
    return [getattr(widget, name) for name in type(widget).CLOCK_MOMENTS]


def bump_widget_clocks(session):
    """Move the clocks of the groups whose widgets this transaction changed (run when it
    commits, after the widgets' own versions: one order of row locks for every writer),
    bringing `next_moment` forward to a moment written sooner."""
    noted = session.info.pop(_NOTED, None)
    if not noted:
        return
    now = utcnow()
    soonest = {}
    for key, moments in noted.items():
        group_id = key if isinstance(key, int) else key.group_id
        if group_id is None:
            continue
        coming = [moment for moment in moments if moment > now]
        if coming:
            was = soonest.get(group_id)
            soonest[group_id] = min(coming) if was is None else min(was, *coming)
        else:
            soonest.setdefault(group_id, None)
    connection = session.connection()
    dialect = connection.dialect.name
    for group_id in sorted(soonest):  # one order of the clocks' rows for every writer
        moment = soonest[group_id]
        connection.execute(_bump(dialect, moment is not None),
                           {"group_id": group_id, "soonest": moment}
                           if moment is not None else {"group_id": group_id})


def bump_cte(after=None):
    """PostgreSQL: the clock's move as one more data-modifying CTE, `clock`, of a write
    written as SQL (relay/lockedrows.py), for the group `:clock_group_id`; `after`, the
    CTE whose row must have been written for it to move. Saves the commit its own
    statement: say so with `moved_by_statement` once it ran."""
    where = f" WHERE EXISTS (SELECT FROM {after})" if after else ""
    return (f"clock AS (\n  INSERT INTO group_clock (group_id, widgets_version)\n"
            f"  SELECT :clock_group_id, 1{where}\n"
            f"  ON CONFLICT (group_id) DO UPDATE\n"
            f"  SET widgets_version = group_clock.widgets_version + 1)")


def moved_by_statement(session, group_id):
    """The write's own statement moved the clock of `group_id` (bump_cte): the commit
    moves it no further, unless this transaction wrote a moment for the group."""
    noted = session.info.get(_NOTED)
    if noted is not None and noted.get(group_id) == []:
        del noted[group_id]


def forget_noted(session):
    session.info.pop(_NOTED, None)


def widgets_clock(group_id, widgets_version, next_moment, models, now=None):
    """The group page's ETag part for its widgets: (widgets_version, the next moment still
    to come). When the stored one has passed, the next is worked out (one statement) and
    stored once this request has answered."""
    now = now or utcnow()
    if next_moment is None or next_moment > now:
        return widgets_version, next_moment
    fresh = plain_scalar(_next_moment_statement(tuple(models)),
                         {"group_id": group_id, "now": now})

    @after_this_request
    def store(response):
        store_next_moment(group_id, widgets_version, fresh)
        return response

    return widgets_version, fresh


def store_next_moment(group_id, widgets_version, next_moment):
    """Keep the next moment a reader worked out, in a write transaction of its own after
    the reading one (core.database.request_writes_on_read); an answer never fails for
    it: the next reader works it out again."""
    try:
        db.session.commit()
        request_writes_on_read()
        db.session.connection().execute(_STORE, {"the_group": group_id,
                                                 "read_version": widgets_version,
                                                 "worked_out": next_moment})
        db.session.commit()
    except SQLAlchemyError:
        log.warning("group %s: its next moment was not stored", group_id, exc_info=True)
        db.session.rollback()


_NEXT_MOMENT = {}


def _next_moment_statement(models):
    """The soonest moment after `now` of the group's widgets of `models`, each read off
    the widgets' group index; built once per set of models."""
    statement = _NEXT_MOMENT.get(models)
    if statement is None:
        now = bindparam("now", type_=UTCDateTime)
        parts = [select(func.min(column).label("moment"))
                 .where(model.group_id == bindparam("group_id"), column > now)
                 for model in models for column in
                 (getattr(model, name) for name in model.CLOCK_MOMENTS)]
        together = union_all(*parts).subquery()
        statement = _NEXT_MOMENT.setdefault(models, select(func.min(together.c.moment)))
    return statement
