"""What core knows of relays: the registration (core.widgets.WidgetKind) and, from it,
the pages every widget has beneath /r/<rid> (core.widgetpages)."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from grouptools.core.i18n import gettext
from grouptools.relay import activity
from grouptools.core.widgetpages import add_widget_pages
from grouptools.core.widgets import WidgetKind, WidgetTexts
from grouptools.relay import service
from grouptools.relay.blueprints import blp, bp
from grouptools.relay.departures import withdraw_departed_entries
from grouptools.relay.export import export_for_group
from grouptools.relay.grouplines import LINES
from grouptools.relay.listing import create_link, list_relays
from grouptools.relay.mine import my_places
from grouptools.relay.models import Relay
from grouptools.relay.poster import poster_facts
from grouptools.relay.transfer import TRANSFER


def relay_page(relay, **values):
    return url_for("relay_pages.show_relay", rid=relay.public_id, **values)


def manage_page(relay):
    return url_for("relay_pages.manage", rid=relay.public_id)


def public_facts(relay):
    """What the poster says (when, where, places left, the deadline …): public already,
    and what a stranger decides by."""
    return [fact.text for fact in poster_facts(relay)]


def public_lines(relay):
    return (gettext("Join the group to see the list and sign up."),)


def sample_relay(person, group):
    return service.create_relay(person, group, title="周六羽毛球", description="报名从速",
                                capacity=8, slots=())


RELAY = WidgetKind(
    key="relay", label=_l("Sign-up"), model=Relay, path="r", pages=bp.name, page=relay_page,
    lister=list_relays, lines=LINES, create_link=create_link, exporter=export_for_group,
    on_member_gone=withdraw_departed_entries, close=service.close_relay,
    public_facts=public_facts, public_lines=public_lines, manage_link=manage_page,
    api=blp.name, sample=sample_relay, my_open_items=my_places, copy=service.copy_relay,
    activity_counts=activity.activity_counts, activity_times=activity.activity_times,
    transfer=TRANSFER,
    # Whoever holds a ticket's link holds the place at the door.
    secret_paths=(r"/r/+[A-Za-z0-9_-]{10}/+tickets/+",),
    assets=("css/relay.css",), poster_facts=poster_facts,
    texts=WidgetTexts(
        in_group=_l("A sign-up list in %(group)s"),
        closed=_l("The list is closed: nobody can sign up or change an entry now."),
        reopened=_l("The list is open again."),
        refused=_l("This list is closed: it no longer takes sign-ups or changes."),
        confirm_delete=_l("Tick the box to confirm that the list and every entry will be "
                          "deleted."),
    ),
)
add_widget_pages(bp, RELAY)
