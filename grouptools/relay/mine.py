"""What a member holds on sign-up lists across their groups — places and waitlist
positions, for "Me" (core.widgets.my_open_items) — and the news that they moved up from
a waitlist, which "Me" and the relay page show for a few days after it happened.

Moving up is read from the change log, which records every promotion with the entry
it promoted (changelog.promoted_params); the entry's own columns only narrow down which
log lines to read."""
from datetime import timedelta

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from grouptools.core.i18n import gettext
from grouptools.core.models import Membership
from grouptools.core.timeutil import utcnow
from grouptools.core.widgets import MyItem
from grouptools.extensions import db
from grouptools.relay.models import ACTIVE_STATUSES, Relay, RelayEntry, RelayLog

# How long "you moved up" stays on the page and on "Me" after the promotion.
MOVED_UP_SHOWN = timedelta(days=3)


def _rank(seq_column, status):
    """The entry's number (or waitlist position) as a correlated count: 1…n in its
    slot, by order of confirmation (or of joining the waitlist), as places.number_of."""
    other = aliased(RelayEntry)
    return (select(func.count(other.id))
            .where(other.relay_id == RelayEntry.relay_id,
                   other.slot_id.is_not_distinct_from(RelayEntry.slot_id),
                   other.status == status,
                   getattr(other, seq_column) <= getattr(RelayEntry, seq_column))
            .correlate(RelayEntry).scalar_subquery())


def moved_up(entries, now=None):
    """The public ids of `entries` that a promotion from the waitlist confirmed within
    MOVED_UP_SHOWN, as the change log records it: at most one statement."""
    cutoff = (now or utcnow()) - MOVED_UP_SHOWN
    candidates = {entry.public_id: entry for entry in entries
                  if entry.status == "confirmed" and entry.waitlist_seq is not None
                  and entry.confirmed_at is not None and entry.confirmed_at >= cutoff}
    if not candidates:
        return set()
    relay_ids = {entry.relay_id for entry in candidates.values()}
    promoted = set()
    for params in db.session.scalars(select(RelayLog.params).where(
            RelayLog.relay_id.in_(relay_ids), RelayLog.created_at >= cutoff)):
        promoted.update(p.get("entry") for p in params.get("promoted") or ())
    return promoted & candidates.keys()


def moved_up_text(number):
    return gettext("You moved up from the waitlist: No. %(number)d", number=number)


def my_places(person):
    """"Me"'s lines: the person's own places and waitlist positions on open lists in all
    their groups (not entries an organiser added for someone else), with "you moved up"
    where it just happened — two statements however many groups and lists there are."""
    query = (Relay.open_in_groups_of(person, RelayEntry,
                                     _rank("confirmed_seq", "confirmed").label("number"),
                                     _rank("waitlist_seq", "waitlisted").label("position"))
             .join(RelayEntry, RelayEntry.relay_id == Relay.id)
             .where(RelayEntry.membership_id == Membership.id, RelayEntry.for_name.is_(None),
                    RelayEntry.status.in_(ACTIVE_STATUSES))
             .options(joinedload(RelayEntry.slot)))
    rows = db.session.execute(query).all()
    news = moved_up([row[3] for row in rows])
    items = []
    for relay, _membership, group, entry, number, position in rows:
        at = entry.created_at
        if entry.public_id in news:
            state, at = moved_up_text(number), entry.confirmed_at
        elif entry.status == "confirmed":
            state = gettext("No. %(number)d", number=number)
        else:
            state = gettext("Waitlist %(position)d", position=position)
        if entry.slot_id is not None:
            state = f"{entry.slot.label} · {state}"
        items.append(MyItem(title=relay.title, group=group.name, state=state, at=at,
                            news=entry.public_id in news,
                            url=url_for("relay_pages.show_relay", rid=relay.public_id,
                                        _anchor="mine")))
    return items
