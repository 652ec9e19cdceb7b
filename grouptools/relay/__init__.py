"""Relay sign-ups (群接龙): typed replies, capacity and waitlist, chat text, tickets, export.

`blp` is the JSON API (/api/v1, routes in api.py), `bp` the pages (/r/<rid>: views.py,
manage.py, tickets.py), both defined in blueprints.py. `init_app` imports the route
modules and registers both — the package imports no module of its own when imported, so
none imports it back half-built — and registers the relay kind with core.widgets (the
group page's list, create link, export, what a departing member's entries become, the
ticket links the access log masks)."""


def init_app(app, rest_api):
    from grouptools.core.widgets import register_widget
    from grouptools.relay import api, manage, tickets, views  # noqa: F401  (register the routes)
    from grouptools.relay.blueprints import blp, bp
    from grouptools.relay.kind import RELAY

    rest_api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_widget(app, RELAY)
