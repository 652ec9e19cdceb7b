"""An event's attendance as CSV for its managers: one row per roster member, signed in
or not, late marked. Cells are written by core.export (no text ever becomes a formula,
a BOM so Excel reads Chinese), times in the group's zone."""

from grouptools.checkin.events import attendance_rows
from grouptools.core.access import Action, authorize
from grouptools.core.export import CSV_BOM, csv_line
from grouptools.core.i18n import gettext
from grouptools.core.timeutil import local_time


def attendance_csv(person, event):
    """Managers only (403 for members), asked before anything is sent; then the lines."""
    authorize(person, Action.MANAGE_WIDGET, event)
    rows = attendance_rows(event)
    group = event.group

    def lines():
        yield CSV_BOM
        yield csv_line([gettext("Member"), gettext("Signed in at"), gettext("Late")])
        for _, name, signed_in_at in rows:
            when = (local_time(group, signed_in_at).replace(tzinfo=None, microsecond=0)
                    if signed_in_at else "")
            late = gettext("Yes") if signed_in_at and event.is_late(signed_in_at) else ""
            yield csv_line([name, when, late])

    return lines()
