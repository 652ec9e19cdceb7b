"""Polls' lines on the group page, read with every other kind's in one statement
(core.widgets.GroupLines): the same lines as listing.group_listing. Slots: `n1` the
voter count, `b1` whether the reader voted."""
from sqlalchemy import exists

from grouptools.core.i18n import format_local, gettext
from grouptools.core.grouplines import GroupLines
from grouptools.core.widgets import WidgetSummary
from grouptools.poll.labels import voters_label
from grouptools.poll.models import Participation, Poll


def _columns(params):
    return {"n1": Poll.voter_count,
            "b1": exists().where(Participation.poll_id == Poll.id,
                                 Participation.membership_id == params.membership_id)}


def _line(row, reader):
    closed = reader.closed(Poll, row)
    status = voters_label(row.n1)
    if row.deadline and not closed:
        status += " · " + gettext("closes %(when)s", when=format_local(reader.group, row.deadline))
    return WidgetSummary(
        title=row.title, url=reader.url("poll_pages.show_poll", "pid", row.public_id),
        created_at=row.created_at, status=status, closed=closed,
        needs_me=not closed and not row.b1)


LINES = GroupLines(columns=_columns, line=_line)
