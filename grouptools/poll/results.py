"""Who sees which results, and the results themselves: counts from the counters, the
first voters of each option, the members who have not voted, the reminder to paste.

Nothing here reads every vote: a handful of indexed queries whatever their number
(bench/poll_results.py). A secret ballot's counts are those of its counted batches
(ballots.py), for every asker."""
from dataclasses import dataclass, field

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import exists, func, select, union_all

from grouptools.core.access import Action, authorize, can
from grouptools.core.database import request_writes_on_read
from grouptools.core.errors import NotAllowed
from grouptools.core.models import Membership, Person
from grouptools.extensions import db
from grouptools.poll import ballots
from grouptools.poll.models import Participation, Poll, PollOption, Vote
from grouptools.poll.service import lock_poll, my_option_ids

VOTERS_SHOWN = 50
NOT_VOTED_SHOWN = 200


class ResultsHidden(NotAllowed):
    MESSAGES = {
        "after_vote": _l("The results are shown once you have voted."),
        "after_close": _l("The results are shown when the poll closes."),
        "never": _l("Only the organisers see the results of this poll."),
    }

    def __init__(self, when):
        super().__init__(self.MESSAGES[when])
        self.when = when


@dataclass(frozen=True)
class Voter:
    """A member as results name them: only what is shown, read without whole rows."""

    id: int
    public_id: str
    display_name: str
    group_id: int


@dataclass
class OptionResult:
    option: PollOption
    votes: int
    percent: float
    winner: bool
    voters: list | None  # first memberships on open ballots, None on secret ones
    voters_more: int


@dataclass
class Results:
    poll: Poll
    voter_count: int
    options: list
    not_voted: list | None = None  # memberships, for managers of open ballots
    not_voted_count: int | None = None  # for managers
    counted: int | None = None  # secret ballots: ballots in the counters (percents' base)
    pending: int | None = None  # secret ballots: ballots waiting for their batch


@dataclass
class PollState:
    """A poll as one asker sees it: what the page, the JSON and the pictures show."""

    poll: Poll
    membership: Membership
    manager: bool
    closed: bool
    voted: bool
    my_vote: list | None  # option public ids; None once voted on a secret ballot
    results: Results | None
    results_visible_when: str | None
    can_vote: bool = field(default=False)


def results_hidden_until(poll, manager, voted, closed):
    """None when the asker sees the results, else when they will: after_vote,
    after_close or never. Managers always see them."""
    mode = poll.results_visibility
    if manager or mode == "always":
        return None
    if mode == "after_vote":
        return None if voted or closed else "after_vote"
    if mode == "after_close":
        return None if closed else "after_close"
    return "never"


def _participated(poll, membership):
    return db.session.scalar(select(
        exists().where(Participation.poll_id == poll.id,
                       Participation.membership_id == membership.id)
    ))


def poll_state(person, poll, with_results=True):
    """The poll as `person` may see it (404 for strangers, 401 for nobody)."""
    membership = authorize(person, Action.VIEW_GROUP, poll)
    count_pool_if_closed(poll)
    manager = can(person, Action.MANAGE_WIDGET, poll, membership)
    closed = poll.is_closed()
    voted = _participated(poll, membership)
    if poll.anonymous:
        my_vote = None if voted else []
    else:
        mine = my_option_ids(poll, membership)
        my_vote = [o.public_id for o in poll.options if o.id in mine]
    hidden = results_hidden_until(poll, manager, voted, closed)
    results = poll_results_for(poll, manager) if with_results and hidden is None else None
    can_vote = not closed and (not voted or poll.allow_change)
    return PollState(poll, membership, manager, closed, voted, my_vote, results, hidden,
                     can_vote)


def count_pool_if_closed(poll):
    """A secret ballot found closed (its deadline passed while nothing ran) with ballots
    still pending: count them now, before anyone reads results, in a write transaction
    of its own under the poll's lock — so results after close are exact."""
    if not poll.anonymous or not poll.is_closed() or not ballots.pending_count(poll):
        return
    db.session.commit()  # end this reading transaction: the next one takes the write lock
    request_writes_on_read()
    lock_poll(poll)
    counted = ballots.count_pool(poll) if poll.is_closed() else 0
    db.session.commit()
    ballots.after_counting(counted)


def poll_results(person, poll):
    """The results, or 403 while they are hidden from the asker."""
    state = poll_state(person, poll, with_results=False)
    if state.results_visible_when is not None:
        raise ResultsHidden(state.results_visible_when)
    return poll_results_for(poll, state.manager)


def poll_results_for(poll, manager, with_voters=True):
    """Counts from the counters, the first voters of each option by index, the members
    who have not voted: a handful of queries whatever the number of votes."""
    options = poll.options
    voter_count = poll.voter_count
    counted = pending = None
    if poll.anonymous:
        counted, pending = poll.ballots_counted, ballots.pending_count(poll)
    base = voter_count if counted is None else counted
    top = max((o.votes for o in options), default=0)
    voters = _first_voters(options) if with_voters and not poll.anonymous else None
    rows = []
    for option in options:
        shown = voters.get(option.id, []) if voters is not None else None
        rows.append(OptionResult(
            option=option,
            votes=option.votes,
            percent=round(option.votes * 100 / base, 1) if base else 0.0,
            winner=top > 0 and option.votes == top,
            voters=shown,
            voters_more=max(0, option.votes - len(shown)) if shown is not None else 0,
        ))
    results = Results(poll, voter_count, rows, counted=counted, pending=pending)
    if manager:
        results.not_voted_count = _not_voted_count(poll)
        if not poll.anonymous:
            results.not_voted = _not_voted(poll)
    return results


def _voter_columns():
    return (Membership.id, Membership.public_id, func.coalesce(Membership.nickname, Person.name),
            Membership.group_id)


def _first_voters(options):
    """{option id: [Voter]}, the first VOTERS_SHOWN of each option in voting order: one
    statement, each part read by the (option_id, id) index however many votes there are."""
    if not options:
        return {}
    parts = []
    for option in options:
        first = (select(Vote.option_id, Vote.membership_id, Vote.id)
                 .where(Vote.option_id == option.id).order_by(Vote.id).limit(VOTERS_SHOWN)
                 .subquery())
        parts.append(select(first))
    shown = union_all(*parts).subquery()
    rows = db.session.execute(
        select(shown.c.option_id, shown.c.id, *_voter_columns())
        .join(Membership, Membership.id == shown.c.membership_id)
        .join(Person, Person.id == Membership.person_id)).all()
    voters = {}
    for option_id, _, *voter in sorted(rows, key=lambda row: row[1]):
        voters.setdefault(option_id, []).append(Voter(*voter))
    return voters


def _not_voted_query(poll, *columns):
    took_part = exists().where(Participation.poll_id == poll.id,
                               Participation.membership_id == Membership.id)
    return (select(*columns)
            .where(Membership.group_id == poll.group_id, Membership.status == "active",
                   ~took_part))


def _not_voted(poll):
    query = (_not_voted_query(poll, *_voter_columns())
             .join(Person, Person.id == Membership.person_id)
             .order_by(Membership.joined_at, Membership.id).limit(NOT_VOTED_SHOWN))
    return [Voter(*row) for row in db.session.execute(query)]


def _not_voted_count(poll):
    return db.session.scalar(_not_voted_query(poll, func.count(Membership.id)))


def reminder_text(results, url):
    """`@张三 @李四 … Please vote: <title>` and the link, ready to paste into the chat.
    A secret ballot names nobody (organisers do not see who took part, see results)."""
    names = [f"@{m.display_name}" for m in (results.not_voted or [])]
    if results.not_voted is not None and (results.not_voted_count or 0) > len(names):
        names.append("…")
    line = gettext("Please vote: %(title)s", title=results.poll.title)
    return " ".join([*names, line]) + "\n" + url
