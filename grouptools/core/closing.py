"""Closing, reopening and deleting a widget by hand: one rule for every widget.

Closing sets `closed_at` (closing twice keeps the first time); reopening clears it and,
for widgets whose `REOPEN_DROPS_PAST_DEADLINE` is set, a deadline already past, which
would close the widget again at once. What a widget adds — a log line, a version bump,
counting what waits to be counted — it passes as hooks."""
from sqlalchemy import delete

from grouptools.core.access import Action, authorize
from grouptools.core.database import commit_or_conflict
from grouptools.core.errors import Conflict
from grouptools.core.timeutil import utcnow
from grouptools.core.widgets import kind_of
from grouptools.extensions import db


class WidgetClosed(Conflict):
    """409: a closed widget no longer takes what was sent; the message is its kind's
    (`WidgetTexts.refused`: "This poll is closed: it no longer accepts votes.")."""

    def __init__(self, widget):
        super().__init__(kind_of(widget).texts.refused)


def close_widget(person, widget, closed=True, *, on_change=None, while_closed=None):
    """Close (or, with closed=False, reopen) `widget` for one of its managers, inside the
    caller's transaction: the caller commits. (the locked widget, what `while_closed`
    returned).

    The widget's row is locked (WidgetMixin.lock) until the caller's transaction ends,
    so a vote or a sign-up waiting on the same lock sees the new state.
    - `while_closed(widget)` runs under the lock at a moment the widget is closed: right
      after closing, right before reopening (a poll counts its pending secret ballots).
    - `on_change(widget, closed)` runs when the state changed.

    :raise 401/404/403: as core.access decides for Action.MANAGE_WIDGET
    """
    authorize(person, Action.MANAGE_WIDGET, widget)
    widget = widget.lock()
    changed, settled = set_closed(widget, closed, while_closed=while_closed)
    if changed and on_change is not None:
        on_change(widget, closed)
    return widget, settled


def set_closed(widget, closed, now=None, while_closed=None):
    """The change itself, under a lock the caller holds: (did the state change, what
    `while_closed` returned)."""
    now = now or utcnow()
    settled = None
    if closed:
        changed = widget.closed_at is None
        if changed:
            widget.closed_at = now
        if while_closed is not None:
            settled = while_closed(widget)
        return changed, settled
    if while_closed is not None:
        settled = while_closed(widget)
    if widget.REOPEN_DROPS_PAST_DEADLINE:
        changed = widget.is_closed(now)
        if widget.deadline is not None and widget.deadline <= now:
            widget.deadline = None
    else:
        changed = widget.closed_at is not None
    widget.closed_at = None
    return changed, settled


def delete_widget(person, widget):
    """Delete `widget` for one of its managers, with everything in it (the database
    cascades its rows; pictures nothing uses any more go with core.image_cleanup).

    :raise 401/404/403: as core.access decides for Action.MANAGE_WIDGET
    """
    authorize(person, Action.MANAGE_WIDGET, widget)
    model = type(widget)
    db.session.execute(delete(model).where(model.id == widget.id))
    commit_or_conflict()
