"""Check-ins (群打卡): a habit the group keeps day by day — check-ins with their proof,
make-ups, streaks, the leaderboard and roll call, achievements at milestones; and event
sign-ins (活动签到), a second widget kind: members scan the rotating code on the
organiser's screen.

`blp` is the JSON API (/api/v1, routes in api.py), `bp` the pages (/h/<hid>: views.py),
both defined in blueprints.py. `init_app` imports the route modules and registers both,
and registers the check-in kind with core.widgets."""


def init_app(app, rest_api):
    from grouptools.checkin import api, certpages, eventapi, eventviews, views  # noqa: F401
    from grouptools.checkin.blueprints import blp, bp, event_blp, event_bp
    from grouptools.checkin.kind import CHECKIN, EVENT
    from grouptools.core.pickedphotos import allow_photo_form
    from grouptools.core.widgets import register_widget

    rest_api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_widget(app, CHECKIN)
    allow_photo_form(app, "checkin_pages.check_in")
    rest_api.register_blueprint(event_blp)
    app.register_blueprint(event_bp)
    register_widget(app, EVENT)
