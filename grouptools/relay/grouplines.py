"""Relays' lines on the group page, read with every other kind's in one statement
(core.widgets.GroupLines): the same lines as listing.list_relays. Slots: `n1` the
capacity, `n2` places taken, `n3` the waitlist's length, `n4` the reader's own active
entries, `n5` the slots' capacity summed (service.slots_capacity)."""
from types import SimpleNamespace

from grouptools.core.grouplines import GroupLines
from grouptools.core.widgets import WidgetSummary
from grouptools.relay.listing import status_line
from grouptools.relay.models import ACTIVE_STATUSES, Relay, RelayEntry
from grouptools.relay.service import entries_counted, slots_capacity


def _columns(params):
    count, slot_capacity = entries_counted, slots_capacity()
    return {"n1": Relay.capacity, "n2": Relay.taken,
            "n3": count(RelayEntry.status == "waitlisted"),
            "n4": count(RelayEntry.membership_id == params.membership_id,
                        RelayEntry.for_name.is_(None), RelayEntry.status.in_(ACTIVE_STATUSES)),
            "n5": slot_capacity}


def _line(row, reader):
    closed = reader.closed(Relay, row)
    places = SimpleNamespace(capacity=row.n1, taken=row.n2)
    return WidgetSummary(
        title=row.title, url=reader.url("relay_pages.show_relay", "rid", row.public_id),
        created_at=row.created_at, status=status_line(places, row.n3, row.n5),
        closed=closed, needs_me=not row.n4 and not closed)


LINES = GroupLines(columns=_columns, line=_line)
