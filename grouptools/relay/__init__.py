"""Relay sign-ups (群接龙): typed replies, capacity and waitlist, chat text, tickets, export.

`blp` is the JSON API (/api/v1), `bp` the pages (/r/<rid>), both in blueprints.py;
`init_app` registers both and lists relays on their group's page through core.widgets
(with what happens to a departing member's entries)."""
from grouptools.relay import api, manage, tickets, views  # noqa: F401  (register the routes)
from grouptools.relay.blueprints import blp, bp


def init_app(app, rest_api):
    from grouptools.core.widgets import register_widget
    from grouptools.relay.departures import withdraw_departed_entries
    from grouptools.relay.export import export_for_group
    from grouptools.relay.views import create_link, list_relays

    rest_api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_widget(app, list_relays, create_link, export_for_group,
                    on_member_gone=withdraw_departed_entries)
