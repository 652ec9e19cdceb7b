"""A group's data for its owner to keep: everything as JSON, the members as CSV.

The group is theirs: settings, members (with join answers and last activity), and each
widget as its managers see it through the API (secret ballots stay counts only)."""
import csv
import io

from flask_babel import gettext

from grouptools.core.access import Action, authorize
from grouptools.core.groups.schemas import ManagedMemberSchema
from grouptools.core.groups.service import SETTINGS, roster
from grouptools.core.links import group_url
from grouptools.core.timeutil import local_time, utcnow
from grouptools.core.widgets import export_widgets


def export_group(person, group):
    """The whole group as JSON-ready data (the owner only)."""
    authorize(person, Action.EXPORT_GROUP, group)
    members, _ = roster(person, group)
    return {
        "exported_at": utcnow().isoformat(),
        "group": {"id": group.public_id, "url": group_url(group),
                  "created_at": group.created_at.isoformat(),
                  **{key: getattr(group, key) for key in SETTINGS}},
        "members": ManagedMemberSchema(many=True).dump(members),
        "widgets": export_widgets(group, person),
    }


def members_csv(person, group):
    """The roster as CSV with a BOM, so Excel reads the Chinese names right."""
    authorize(person, Action.EXPORT_GROUP, group)
    members, _ = roster(person, group)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Name"), gettext("Role"), gettext("Status"), gettext("Joined"),
                     gettext("Last active"), gettext("Answer to the join question")])
    for member in members:
        writer.writerow([
            member.display_name, member.role, member.status,
            _local(group, member.joined_at), _local(group, member.last_active_at),
            member.answer or "",
        ])
    return "\ufeff" + out.getvalue()


def _local(group, at):
    return local_time(group, at).strftime("%Y-%m-%d %H:%M") if at else ""
