"""Polls (群投票): text and picture polls, multiple choice, secret ballots, results.

`blp` is the JSON API (/api/v1, routes in api.py), `bp` the pages (/p/<pid>: views.py,
manage.py, sharing.py), both defined in blueprints.py. `init_app` imports the route
modules and registers both — the package imports no module of its own when imported, so
none imports it back half-built — and registers the poll kind with core.widgets (the
group page's list, create link, export, what a departing member's votes become)."""


def init_app(app, rest_api):
    from grouptools.core.pickedphotos import allow_photo_form
    from grouptools.core.widgets import register_widget
    from grouptools.poll import api, manage, pictures, sharing, views, voters  # noqa: F401  (routes)
    from grouptools.poll.blueprints import blp, bp
    from grouptools.poll.kind import POLL

    rest_api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_widget(app, POLL)
    allow_photo_form(app, "poll_pages.create_poll")
