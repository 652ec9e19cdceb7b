"""The results picture beneath /p/<pid>, to post back into the chat (the QR codes and
the poster are the kit's: core.widgetpages)."""
from sqlalchemy import and_, bindparam, select

from grouptools.core.i18n import current_language, gettext
from grouptools.core.identity import asker_confirmed, asker_public_id
from grouptools.core.loaders import load_widget
from grouptools.core.models import Group, Membership, Person
from grouptools.core.plainrows import first_plain_row
from grouptools.core.share import etag_for, send_keyed_picture, send_picture
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll import results
from grouptools.poll.blueprints import bp
from grouptools.poll.export import option_label
from grouptools.poll.labels import voters_label
from grouptools.poll.models import Participation, Poll
from grouptools.poll.picture import Row, results_png

PRIVATE_PICTURE = "private, no-cache"


@bp.get("/p/<pid:pid>/results.png")
def results_picture(pid):
    """Counts and bars to post back into the chat; hidden exactly when the results are.
    A picture this worker has drawn is answered after one light statement (`_key`)."""
    key = _key(pid)
    if key is None:  # the asker is refused, or a case the full reading decides
        return send_picture(*_results_content(pid), cache_control=PRIVATE_PICTURE)
    return send_keyed_picture(key, lambda: _results_content(pid),
                              cache_control=PRIVATE_PICTURE)


_PARTICIPATED = (select(Participation.id)
                 .where(Participation.poll_id == Poll.id,
                        Participation.membership_id == Membership.id)
                 .correlate(Poll, Membership).exists())
# The poll's version moves with every vote and every batch of secret ballots counted
# (voting.py, ballots.py): its counters need no columns of their own here. By its public
# id, which is random and never reused, the poll needs no row id either.
_KEY = (select(Poll.version, Poll.closed_at, Poll.deadline, Poll.results_visibility,
               Poll.created_by_id, Group.version, Membership.role, Membership.status,
               _PARTICIPATED, Person.id, Person.session_version)
        .join(Group, Group.id == Poll.group_id)
        .outerjoin(Person, Person.public_id == bindparam("person_public_id"))
        .outerjoin(Membership, and_(Membership.group_id == Poll.group_id,
                                    Membership.person_id == Person.id))
        .where(Poll.public_id == bindparam("public_id")))


def _key(pid):
    """What the results picture shows, read in one statement — the poll's version (every
    vote, every batch counted, every change to it), its group's (names, avatars, the
    group's name) and whether it is closed — when the asker may see it: an active member to whom the
    results are shown (results.results_hidden_until). None otherwise: the full reading
    then refuses as it always has (401, 404, 403 with when the results show)."""
    asker = asker_public_id()  # the asker is read in the same statement
    if asker is None:
        return None
    row = first_plain_row(_KEY, {"public_id": pid, "person_public_id": asker})
    if row is None or row.status != "active" or not asker_confirmed(*row[-2:]):
        return None
    (version, closed_at, deadline, visibility, creator_id, group_version, role, _, took_part,
     person_id, _) = row
    closed = closed_at is not None or (
        Poll.DEADLINE_CLOSES and deadline is not None and deadline <= utcnow())
    manager = role in Membership.MANAGER_ROLES or creator_id == person_id
    shown = (manager or visibility == "always" or (visibility == "after_vote" and took_part)
             or (visibility in ("after_vote", "after_close") and closed))
    if not shown:
        return None
    return ("results.png", pid, version, group_version, closed)


def _results_content(pid):
    """(ETag, draw) of the results picture, with the access rules applied."""
    poll, person, _ = load_widget(Poll, pid)
    state = results.poll_state(person, poll, with_results=False)
    if state.results_visible_when is not None:
        raise results.ResultsHidden(state.results_visible_when)
    group = poll.group
    locale = current_language()
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

    return etag, draw
