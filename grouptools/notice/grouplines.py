"""Notices' lines on the group page, read with every other kind's in one statement
(core.widgets.GroupLines): the same lines as listing.group_listing. Slots: `b1` addressed
to the reader, `b2` confirmed by them (this revision), `b3` pinned, `b4` whether it asks
for a confirmation."""
from types import SimpleNamespace

from grouptools.core.grouplines import GroupLines
from grouptools.core.widgets import WidgetSummary
from grouptools.notice.listing import _status
from grouptools.notice.models import Notice
from grouptools.notice.receipts import confirmed_clause


def _columns(params):
    return {"b1": Notice.addressed_to_clause(params.membership_id),
            "b2": confirmed_clause(params.membership_id),
            "b3": Notice.pinned, "b4": Notice.require_confirmation}


def _line(row, reader):
    addressed, confirmed, pinned, asks = bool(row.b1), bool(row.b2), bool(row.b3), bool(row.b4)
    if not reader.sees(row, addressed):
        return None
    closed = reader.closed(Notice, row)
    notice = SimpleNamespace(require_confirmation=asks, deadline=row.deadline, group=reader.group)
    return WidgetSummary(
        title=row.title, url=reader.url("notice_pages.show_notice", "nid", row.public_id),
        created_at=row.created_at, status=_status(notice, addressed, confirmed, closed),
        closed=closed, pinned=pinned,
        needs_me=addressed and asks and not confirmed and not closed)


LINES = GroupLines(columns=_columns, line=_line)
