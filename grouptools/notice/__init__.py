"""Notices (群通知): an announcement to the group or to chosen members, read receipts,
confirmations revision by revision, and the reminder for those who have not confirmed.

`blp` is the JSON API (/api/v1, routes in api.py), `bp` the pages (/n/<nid>: views.py,
manage.py), both defined
in blueprints.py. `init_app` imports the route modules and registers both — the package
imports no module of its own when imported, so none imports it back half-built — and
registers the notice kind with core.widgets (the group page's list, the group export,
what a departing member's place in chosen audiences becomes)."""


def init_app(app, rest_api):
    from grouptools.core.pickedphotos import allow_photo_form
    from grouptools.core.widgets import register_widget
    from grouptools.notice import api, manage, views  # noqa: F401  (register the routes)
    from grouptools.notice.blueprints import blp, bp
    from grouptools.notice.kind import NOTICE

    rest_api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_widget(app, NOTICE)
    allow_photo_form(app, "notice_pages.create_notice")
