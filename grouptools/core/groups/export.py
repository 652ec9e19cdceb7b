"""A group's data for its owner to keep: everything as JSON, the members as CSV.

The group is theirs: settings, members (with join answers and last activity), and each
widget as its managers see it through the API (secret ballots stay counts only)."""

from grouptools.core.access import Action, authorize
from grouptools.core.export import csv_text
from grouptools.core.groups.schemas import ManagedMemberSchema
from grouptools.core.groups.service import SETTINGS, roster
from grouptools.core.i18n import gettext
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
    """The roster as CSV (core.export: a BOM for Excel, names and answers never run as
    formulas)."""
    authorize(person, Action.EXPORT_GROUP, group)
    members, _ = roster(person, group)
    header = [gettext("Name"), gettext("Role"), gettext("Status"), gettext("Joined"),
              gettext("Last active"), gettext("Answer to the join question")]
    return csv_text(header, ([member.display_name, member.role, member.status,
                              local_time(group, member.joined_at),
                              local_time(group, member.last_active_at), member.answer or ""]
                             for member in members))
