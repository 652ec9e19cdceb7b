"""The counts alone, without who: what a vote answers (its voter needs their vote and
the counts; the voters' lists stay behind /results, docs/api.md) and what the open
page refreshes (views.live_results). One statement, built once, reads them."""
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from grouptools.core.access import Action, can
from grouptools.core.plainrows import plain_rows, plain_scalar
from grouptools.poll.models import PendingBallot, Poll, PollOption
from grouptools.poll.results import results_hidden_until

_COUNTS = (select(PollOption.public_id, PollOption.votes, Poll.voter_count,
                  Poll.ballots_counted)
           .join(Poll, Poll.id == PollOption.poll_id)
           .where(PollOption.poll_id == bindparam("poll_id"))
           .order_by(PollOption.position))
_PENDING = select(func.count(PendingBallot.id)).where(PendingBallot.poll_id == bindparam("poll_id"))


@dataclass(frozen=True)
class Tally:
    id: str  # the option's public id
    votes: int
    percent: float
    winner: bool


@dataclass(frozen=True)
class Counts:
    voter_count: int
    options: list  # [Tally] in the options' order
    counted: int | None  # secret ballots: ballots in the counters (percents' base)
    pending: int | None  # secret ballots: ballots waiting for their batch


def read_counts(poll_id, anonymous):
    """The poll's counters as they are now (after a vote's commit, too): one statement,
    and on a secret ballot one more for the ballots waiting for their batch."""
    rows = plain_rows(_COUNTS, {"poll_id": poll_id}).all()
    voter_count = rows[0].voter_count if rows else 0
    counted = rows[0].ballots_counted if rows and anonymous else (0 if anonymous else None)
    pending = plain_scalar(_PENDING, {"poll_id": poll_id}) if anonymous else None
    return _counts(voter_count, [(row.public_id, row.votes) for row in rows], counted, pending)


def counts_of(poll, options):
    """The counts of a poll whose options (results.OptionRow, with their counters) this
    request read already: no statement on an open ballot, one on a secret ballot (the
    ballots waiting for their batch)."""
    counted = pending = None
    if poll.anonymous:
        counted = poll.ballots_counted
        pending = plain_scalar(_PENDING, {"poll_id": poll.id})
    return _counts(poll.voter_count, [(o.public_id, o.votes) for o in options], counted,
                   pending)


def _counts(voter_count, options, counted=None, pending=None):
    """Counts from the counters: `options` [(public id, votes)] in the options' order."""
    base = voter_count if counted is None else counted
    top = max((votes for _, votes in options), default=0)
    return Counts(voter_count, [Tally(public_id, votes,
                                      round(votes * 100 / base, 1) if base else 0.0,
                                      top > 0 and votes == top)
                                for public_id, votes in options], counted, pending)


@dataclass
class VoteAnswer:
    """What POST /votes answers: the voter's vote, whether they may see the results,
    and then the counts."""

    id: str
    my_vote: list | None  # option public ids; None on a secret ballot
    voter_count: int
    closed: bool
    results_visible_when: str | None
    results: Counts | None


class VoteContext:
    """What a vote answers, gathered around it: what it needs of the poll is taken
    before the vote (its commit expires the poll's row), the counts in the vote's own
    transaction (`read`, the `before_commit` of voting.cast_vote)."""

    def __init__(self, person, poll, membership):
        self.poll_id, self.public_id = poll.id, poll.public_id
        self.anonymous = poll.anonymous
        manager = can(person, Action.MANAGE_WIDGET, poll, membership)
        # The vote goes in only while the poll is open, and then the voter has voted.
        self.hidden = results_hidden_until(poll, manager, voted=True, closed=False)
        self.counts = None

    def read(self, counters=None):
        """The counts as the vote leaves them: its own writes' (voting.Counters) where
        they moved the counters, else read."""
        if counters is not None:
            self.counts = _counts(counters.voter_count, counters.options)
        else:
            self.counts = read_counts(self.poll_id, self.anonymous)

    def answer(self, chosen):
        """The answer to a vote that chose `chosen` (option public ids)."""
        counts = self.counts
        chosen = set(chosen)
        my_vote = None if self.anonymous else [t.id for t in counts.options if t.id in chosen]
        return VoteAnswer(self.public_id, my_vote, counts.voter_count, False, self.hidden,
                          counts if self.hidden is None else None)
