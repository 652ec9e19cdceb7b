"""Relay sign-ups (群接龙): typed replies, capacity and waitlist, chat text, tickets, export.

`blp` is the JSON API (/api/v1, routes in api.py), `bp` the pages (/r/<rid>: views.py,
manage.py, tickets.py), both defined in blueprints.py. `init_app` imports the route
modules and registers both — the package imports no module of its own when imported, so
none imports it back half-built — and registers the relay kind with core.widgets (the
group page's list, create link, export, what a departing member's entries become, the
ticket links the access log masks)."""


def init_app(app, rest_api):
    from flask_babel import lazy_gettext as _l

    from grouptools.core.widgets import WidgetKind, register_widget
    from grouptools.relay import api, manage, tickets, views  # noqa: F401  (register the routes)
    from grouptools.relay.blueprints import blp, bp
    from grouptools.relay.departures import withdraw_departed_entries
    from grouptools.relay.export import export_for_group
    from grouptools.relay.views import create_link, list_relays

    rest_api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_widget(app, WidgetKind(
        key="relay", label=_l("Sign-up"), lister=list_relays, create_link=create_link,
        exporter=export_for_group, on_member_gone=withdraw_departed_entries,
        # Whoever holds a ticket's link holds the place at the door.
        secret_paths=(r"/r/+[A-Za-z0-9_-]{10}/+tickets/+",),
        assets=("css/relay.css",),
    ))
