"""What becomes of a member's entries when they leave the group or are removed
(docs/security.md#leaving-and-removal): in lists still open, the entries they made for
themselves are withdrawn — their places go to the waitlist, the log says why, their
tickets stop working. Entries an organiser added for others stay; closed lists are history."""
from sqlalchemy import select

from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.relay import places
from grouptools.relay.models import ACTIVE_STATUSES, Relay, RelayEntry
from grouptools.relay.signups import take_off_list

# reason → (the entry's new status, the log line's kind)
OUTCOMES = {"left": ("withdrawn", "left_group"), "removed": ("removed", "removed_from_group")}


def _own_active_entries(membership):
    return (select(RelayEntry)
            .where(RelayEntry.membership_id == membership.id, RelayEntry.for_name.is_(None),
                   RelayEntry.status.in_(ACTIVE_STATUSES)))


def withdraw_departed_entries(membership, reason):
    """The core.widgets `on_member_gone` hook: runs in the caller's transaction."""
    status, log_kind = OUTCOMES[reason]
    actor = membership.person if reason == "left" else None
    now = utcnow()
    relay_ids = db.session.scalars(
        select(Relay.id).where(
            Relay.id.in_(_own_active_entries(membership).with_only_columns(RelayEntry.relay_id)),
            Relay.still_open(now))
        .order_by(Relay.id)  # one lock order for every removal
    ).all()
    for relay_id in relay_ids:
        relay = db.session.get(Relay, relay_id).lock()
        if relay.is_closed(now):
            continue  # closed while this waited for its lock: history now
        entries = db.session.scalars(
            _own_active_entries(membership).where(RelayEntry.relay_id == relay.id)
            .execution_options(populate_existing=True)
        ).all()
        # Waitlisted first, so their own waiting entry is not promoted into a place
        # freed by their other entry, only to be withdrawn next.
        for entry in sorted(entries, key=lambda e: (e.status != "waitlisted", e.id)):
            take_off_list(relay, entry, status, log_kind, actor)
