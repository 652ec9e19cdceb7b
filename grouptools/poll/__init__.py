"""Polls (群投票): text and picture polls, multiple choice, secret ballots, results.

`blp` is the JSON API (/api/v1), `bp` the pages (/p/<pid>), both in blueprints.py;
`init_app` registers both and lists polls on their group's page through core.widgets."""
from grouptools.poll import api, manage, sharing, views  # noqa: F401  (register the routes)
from grouptools.poll.blueprints import blp, bp


def init_app(app, rest_api):
    from grouptools.core.http import allow_large_body
    from grouptools.core.widgets import register_widget
    from grouptools.poll.departures import withdraw_departed_votes
    from grouptools.poll.export import export_for_group
    from grouptools.poll.listing import create_link, group_listing
    from grouptools.poll.manage import PHOTOS_MAX_BYTES

    rest_api.register_blueprint(blp)
    app.register_blueprint(bp)
    register_widget(app, group_listing, create_link, export_for_group,
                    on_member_gone=withdraw_departed_votes)
    allow_large_body(app, "poll_pages.create_poll", PHOTOS_MAX_BYTES)
