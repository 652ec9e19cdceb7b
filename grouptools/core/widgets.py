"""The widgets a group holds, listed on its page without core importing any widget.

Each widget registers, when the app is created, a function that lists what a person
may see of it in a group, and one that gives its "create" link; the group page shows
them all, open ones first, newest first. A widget also says what becomes of a member's
entries when the member leaves or is removed (`on_member_gone`)."""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from grouptools.core.access import Action, can


@dataclass(frozen=True)
class WidgetSummary:
    """One line of the group page's list."""

    kind: str  # "poll", "relay", … — also the CSS modifier of its label
    kind_label: str  # translated: "Poll", "接龙", …
    title: str
    url: str
    created_at: datetime
    status: str = ""  # translated one-liner: "12 voted · closes 20:00"
    closed: bool = False
    needs_me: bool = False  # the person has not acted on it yet


MEMBER_GONE_REASONS = ("left", "removed")


def register_widget(app, lister, create_link=None, exporter=None, on_member_gone=None):
    """`lister(group, person)` → WidgetSummary items the person may see;
    `create_link(group)` → (translated label, url) of the widget's create page;
    `exporter(group, person)` → (kind, [JSON-ready items]) for the group's export;
    `on_member_gone(membership, reason)` withdraws, in the widget's open items, what the
    member did for themselves (reason "left" or "removed"). It runs inside the caller's
    transaction, before the membership's status changes, and must not commit."""
    app.extensions.setdefault("grouptools_widgets", []).append((lister, create_link))
    if exporter is not None:
        app.extensions.setdefault("grouptools_exporters", []).append(exporter)
    if on_member_gone is not None:
        app.extensions.setdefault("grouptools_member_gone", []).append(on_member_gone)


def member_gone(membership, reason):
    """Tell every widget that a member is leaving or being removed (DESIGN §2)."""
    assert reason in MEMBER_GONE_REASONS, reason
    for hook in current_app.extensions.get("grouptools_member_gone", []):
        hook(membership, reason)


def export_widgets(group, person):
    """{kind: [items]}: every widget's data as its managers see it through the API."""
    exported = {}
    for exporter in current_app.extensions.get("grouptools_exporters", []):
        kind, items = exporter(group, person)
        exported[kind] = items
    return exported


def _registered():
    return current_app.extensions.get("grouptools_widgets", [])


def widgets_for_group(group, person):
    items = []
    for lister, _ in _registered():
        items.extend(lister(group, person))
    return sorted(items, key=lambda item: (item.closed, -item.created_at.timestamp()))


def create_links_for_group(group, person):
    """The "new poll", "new sign-up list" … links, for those who may create here."""
    if not can(person, Action.CREATE_WIDGET, group):
        return []
    return [create_link(group) for _, create_link in _registered() if create_link]
