"""Who sees which results, and the results themselves: counts from the counters, the
first voters of each option, the members who have not voted, the reminder to paste.

Nothing here reads every vote: a handful of indexed queries whatever their number
(bench/poll_results.py). A secret ballot's counts are those of its counted batches
(ballots.py), for every asker."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, func, literal, select, union_all

from grouptools.core.access import Action, authorize, can
from grouptools.core.database import UNION_PARTS, first_of_each, request_writes_on_read
from grouptools.core.errors import NotAllowed
from grouptools.core.i18n import gettext
from grouptools.core.models import Membership, Person
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll import ballots
from grouptools.poll.models import Participation, Poll, PollOption
from grouptools.poll.optionrows import options_took_part_and_chose
from grouptools.poll.voterrows import (
    Voter,
    options_and_first_voters,
    read_first_voters,
    voter_columns,
)

VOTERS_SHOWN = 50  # what /results names per option (the voters' list)
VOTERS_PREVIEW = 5  # the page's row of avatars and the poll's JSON: the rest is counted
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


@dataclass
class OptionResult:
    option: PollOption  # or an optionrows.OptionRow (pages, JSON): what both have
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
    options: list = field(default_factory=list)  # [OptionRow] in their order

    @property
    def widget(self):
        return self.poll


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


def poll_state(person, poll, with_results=True, voters_shown=VOTERS_PREVIEW):
    """The poll as `person` may see it (404 for strangers, 401 for nobody), its results
    naming the first `voters_shown` voters of each option (the page's row of avatars;
    the whole list is /results' and the voters' page's)."""
    return poll_states(person, [poll], with_results, voters_shown)[0]


def poll_states(person, polls, with_results=True, voters_shown=VOTERS_PREVIEW):
    """Each poll as `person` may see it (404 for strangers, 401 for nobody), read with
    the same handful of statements however many polls there are (the group's export
    asks for all of them)."""
    memberships = [authorize(person, Action.VIEW_GROUP, poll) for poll in polls]
    _count_pools_if_closed(polls)
    now = utcnow()
    first_voters = None
    if len(polls) == 1 and with_results and voters_shown > 0 and _may_name_voters(
            person, polls[0], memberships[0], now):
        # A page or a JSON answer that may name voters: its options, the asker's vote
        # and the first voters in one statement.
        options, voted, mine, first_voters = options_and_first_voters(
            polls[0], memberships[0], voters_shown)
    else:
        options, voted, mine = options_took_part_and_chose(polls, memberships)
    states = []
    for poll, membership in zip(polls, memberships):
        manager = can(person, Action.MANAGE_WIDGET, poll, membership)
        closed = poll.is_closed(now)
        took_part = (poll.id, membership.id) in voted
        if poll.anonymous:
            my_vote = None if took_part else []
        else:
            chosen = mine.get(poll.id, ())
            my_vote = [o.public_id for o in options[poll.id] if o.id in chosen]
        hidden = results_hidden_until(poll, manager, took_part, closed)
        can_vote = not closed and (not took_part or poll.allow_change)
        states.append(PollState(poll, membership, manager, closed, took_part, my_vote, None,
                                hidden, can_vote, options[poll.id]))
    shown = [state for state in states if with_results and state.results_visible_when is None]
    if not shown:
        return states
    for state, results in zip(shown, _results_of([(s.poll, s.manager) for s in shown],
                                                 voters_shown,
                                                 {s.poll.id: s.options for s in shown},
                                                 first_voters)):
        state.results = results
    return states


def _may_name_voters(person, poll, membership, now):
    """Whether the results of an open ballot may be shown to this asker once they have
    voted: then its first voters are read with its options (a page's asker who has not
    voted on an "after_vote" poll has them read for nothing, and not shown)."""
    if poll.anonymous:
        return False
    manager = can(person, Action.MANAGE_WIDGET, poll, membership)
    return results_hidden_until(poll, manager, True, poll.is_closed(now)) is None


def _count_pools_if_closed(polls):
    closed_secret = [poll for poll in polls if poll.anonymous and poll.is_closed()]
    if not closed_secret:
        return
    pending = ballots.pending_counts(closed_secret)
    for poll in closed_secret:
        if pending.get(poll.id):
            count_pool_if_closed(poll)


def count_pool_if_closed(poll):
    """A secret ballot found closed (its deadline passed while nothing ran) with ballots
    still pending: count them now, before anyone reads results, in a write transaction
    of its own under the poll's lock — so results after close are exact."""
    if not poll.anonymous or not poll.is_closed() or not ballots.pending_count(poll):
        return
    db.session.commit()  # end this reading transaction: the next one takes the write lock
    request_writes_on_read()
    poll.lock()
    counted = ballots.count_pool(poll) if poll.is_closed() else 0
    db.session.commit()
    ballots.after_counting(counted)


def poll_results(person, poll):
    """The results, or 403 while they are hidden from the asker."""
    state = poll_state(person, poll, voters_shown=VOTERS_SHOWN)
    if state.results_visible_when is not None:
        raise ResultsHidden(state.results_visible_when)
    return state.results


def results_shown_to(person, poll, membership):
    """Whether the asker manages `poll`, once it is sure they see its results (403 while
    they are hidden from them): their participation is read only where it decides (an
    open "after_vote" poll, asked by a member), in one small statement. What they then
    see is what every asker of the same standing sees (/results is kept once a version,
    poll/api.py)."""
    manager = can(person, Action.MANAGE_WIDGET, poll, membership)
    hidden = results_hidden_until(poll, manager, False, poll.is_closed())
    if hidden == "after_vote" and db.session.scalar(_TOOK_PART, {
            "poll_id": poll.id, "membership_id": membership.id}):
        hidden = None
    if hidden is not None:
        raise ResultsHidden(hidden)
    return manager


_TOOK_PART = select(exists().where(Participation.poll_id == bindparam("poll_id"),
                                   Participation.membership_id == bindparam("membership_id")))


def poll_results_for(poll, manager, with_voters=True):
    """Counts from the counters, the first VOTERS_SHOWN voters of each option by index
    (or as many as `with_voters` says, none for False), the members who have not voted:
    a handful of queries whatever the number of votes."""
    shown = VOTERS_SHOWN if with_voters is True else int(with_voters)
    return _results_of([(poll, manager)], shown)[0]


def _results_of(polls_and_managers, voters_shown=VOTERS_SHOWN, options=None,
                first_voters=None):
    """Results of each (poll, whether the asker manages it), read together: the same
    statements for one poll as for every poll of a group; the first `voters_shown`
    voters of each option (0: none, the counts only). `options`: {poll id: [OptionRow]}
    already read; else each poll's `options` (ORM rows, with their pictures' bytes:
    what the pictures draw). `first_voters`: {option id: [Voter]} already read."""
    with_voters = voters_shown > 0
    polls = [poll for poll, _ in polls_and_managers]
    if options is None:
        options = {poll.id: poll.options for poll in polls}
    managed = [poll for poll, manager in polls_and_managers if manager]
    open_ballots = [poll for poll in polls if not poll.anonymous]
    secret = [poll for poll in polls if poll.anonymous]
    pending = ballots.pending_counts(secret) if secret else {}
    voters = first_voters
    if voters is None:
        voters = read_first_voters({o.id: poll.group_id for poll in open_ballots
                                for o in options[poll.id]}, voters_shown) \
            if with_voters else {}
    not_voted, not_voted_counts = _not_voted([poll for poll in managed if not poll.anonymous])
    not_voted_counts.update(_not_voted_counts([poll for poll in managed if poll.anonymous]))
    answers = []
    for poll, manager in polls_and_managers:
        counted = pending_here = None
        if poll.anonymous:
            counted, pending_here = poll.ballots_counted, pending.get(poll.id, 0)
        shown = voters if with_voters and not poll.anonymous else None
        results = _results(poll, options[poll.id], shown, counted, pending_here)
        if manager:
            results.not_voted_count = not_voted_counts[poll.id]
            if not poll.anonymous:
                results.not_voted = not_voted.get(poll.id, [])
        answers.append(results)
    return answers


def _results(poll, options, voters, counted, pending):
    """One poll's Results from what was read: its `options`, `voters` {option id:
    [Voter]} (None on a secret ballot), `counted`/`pending` on secret ballots."""
    voter_count = poll.voter_count
    base = voter_count if counted is None else counted
    top = max((o.votes for o in options), default=0)
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
    return Results(poll, voter_count, rows, counted=counted, pending=pending)


def _not_voted_query(poll, *columns):
    took_part = exists().where(Participation.poll_id == poll.id,
                               Participation.membership_id == Membership.id)
    return (select(literal(poll.id).label("poll_id"), *columns)
            .where(Membership.group_id == poll.group_id, Membership.status == "active",
                   ~took_part))


def _not_voted(polls):
    """({poll id: [Voter]}, {poll id: how many}): the first NOT_VOTED_SHOWN active
    members of each poll's group who have not taken part, in joining order, and how many
    they are in all — counted beside them by a window over the rows before the LIMIT,
    so the list and its count are one statement."""
    order = (Membership.joined_at, Membership.id)
    # Each part numbers its rows, so the joining order is the database's own, NULLs and all.
    firsts = first_of_each([_not_voted_query(poll, func.row_number().over(order_by=order)
                                             .label("rank"),
                                             func.count().over().label("total"),
                                             *voter_columns())
                            .join(Person, Person.id == Membership.person_id).order_by(*order)
                            for poll in polls], NOT_VOTED_SHOWN)
    rows = [row for shown in firsts for row in db.session.execute(select(shown))]
    not_voted = {poll.id: [] for poll in polls}
    counts = {poll.id: 0 for poll in polls}
    for poll_id, _, total, *voter in sorted(rows, key=lambda row: row[:2]):
        not_voted[poll_id].append(Voter(*voter))
        counts[poll_id] = total
    return not_voted, counts


def _not_voted_counts(polls):
    """{poll id: how many active members have not taken part} (secret ballots: their
    managers see how many, never who)."""
    queries = [_not_voted_query(poll, func.count(Membership.id).label("count")) for poll in polls]
    return {poll_id: count for start in range(0, len(queries), UNION_PARTS)
            for poll_id, count in db.session.execute(
                union_all(*queries[start:start + UNION_PARTS]))}


def reminder_text(results, url):
    """`@张三 @李四 … Please vote: <title>` and the link, ready to paste into the chat.
    A secret ballot names nobody (organisers do not see who took part, see results)."""
    names = [f"@{m.display_name}" for m in (results.not_voted or [])]
    if results.not_voted is not None and (results.not_voted_count or 0) > len(names):
        names.append("…")
    line = gettext("Please vote: %(title)s", title=results.poll.title)
    return " ".join([*names, line]) + "\n" + url
