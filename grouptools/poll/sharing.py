"""The results picture beneath /p/<pid>, to post back into the chat (the QR codes and
the poster are the kit's: core.widgetpages)."""
from flask_babel import get_locale, gettext

from grouptools.core.loaders import load_widget
from grouptools.core.share import etag_for, send_picture
from grouptools.poll import results
from grouptools.poll.blueprints import bp
from grouptools.poll.export import option_label
from grouptools.poll.labels import voters_label
from grouptools.poll.models import Poll
from grouptools.poll.picture import Row, results_png

PRIVATE_PICTURE = "private, no-cache"


@bp.get("/p/<pid:pid>/results.png")
def results_picture(pid):
    """Counts and bars to post back into the chat; hidden exactly when the results are."""
    poll, person, _ = load_widget(Poll, pid)
    state = results.poll_state(person, poll, with_results=False)
    if state.results_visible_when is not None:
        raise results.ResultsHidden(state.results_visible_when)
    group = poll.group
    locale = str(get_locale())
    # Open ballots: the first voters of each option, as avatars. Their names are part
    # of the ETag, so a renamed member is redrawn.
    tallies = results.poll_results_for(poll, manager=False, with_voters=not poll.anonymous)
    # Drawn from the person (core.avatars): the same colour and initial as on the pages.
    voters = [tuple((v.person_public_id, v.person_name) for v in r.voters or ())
              for r in tallies.options]
    etag = etag_for("results.png", poll.public_id, poll.version, state.closed, group.name,
                    locale, *(part for shown in voters for voter in shown for part in voter))

    def draw():
        rows = tuple(Row(option_label(r.option), r.votes, r.percent, r.winner,
                         r.option.image.thumb_data if r.option.image else None,
                         shown, r.voters_more if shown else 0)
                     for r, shown in zip(tallies.options, voters))
        status = voters_label(poll.voter_count) + " · " + (
            gettext("Closed") if state.closed else gettext("Open"))
        if poll.anonymous:
            status += " · " + gettext("Secret ballot")
            if tallies.pending:
                status += " · " + gettext("%(num)d not counted yet", num=tallies.pending)
        return results_png(etag, group.name, poll.title, status, rows)

    return send_picture(etag, draw, cache_control=PRIVATE_PICTURE)
