"""The rules of voting: cast, change and withdraw a vote.

Plain functions over the models; each asks core.access before anything and commits its
own unit of work. Votes are counted by SQL expressions on counters, secret ones in
batches (ballots.py); every change of a member's vote happens under a lock on the
poll's row, taken before the member's participation and votes are read
(docs/architecture.md#traps-of-this-stack)."""
from datetime import timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from grouptools.core.access import Action, authorize
from grouptools.core.closing import WidgetClosed
from grouptools.core.conditional import version_moved
from grouptools.core.database import unit_of_work
from grouptools.core.errors import Conflict, Invalid, NotFound
from grouptools.core.groups.service import record_activity_now
from grouptools.core.models import Membership
from grouptools.core.plainrows import plain_rows
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll import ballots, lockedvote
from grouptools.poll.models import Participation, Poll, PollOption, Vote
from grouptools.poll.service import my_option_ids


DOUBLE_TAP = timedelta(minutes=1)


class AlreadyVoted(Conflict):
    default_message = _l("You already voted. Votes in a secret ballot cannot be changed: "
                         "nothing stored says what you chose.")


class ChangeNotAllowed(Conflict):
    default_message = _l("You already voted, and this poll does not allow changing votes.")


class _SettingsMoved(Exception):
    """The poll's options or rules changed between checking a ballot and writing it."""


class Ballot(NamedTuple):
    """A vote checked against the poll's options and min/max (check_ballot)."""

    chosen: frozenset  # the option rows' ids
    positions: dict  # option row id → position, every option of the poll (secret ballots)
    seen: object  # the poll's `updated_at` (its settings' time) when it was checked


def check_ballot(poll, option_ids):
    """The ballot for public option ids, checked against the poll's options and min/max
    (422). A read only: a write request checks before its write transaction begins
    (core.database.before_the_write), and the vote's claim on the poll then finds out
    whether the settings moved since (_claim_open_poll)."""
    rows = plain_rows(_OPTION_IDS, {"poll_id": poll.id}).all()
    by_public_id = {public_id: option_id for public_id, option_id, _ in rows}
    unknown = [i for i in option_ids if i not in by_public_id]
    if unknown:
        raise Invalid({"option_ids": [str(_l("Not an option of this poll."))]})
    if len(set(option_ids)) != len(option_ids):
        raise Invalid({"option_ids": [str(_l("Each option may be chosen once."))]})
    count = len(option_ids)
    if not poll.min_choices <= count <= poll.max_choices:
        if poll.min_choices == poll.max_choices:
            message = _l("Choose exactly %(num)d.", num=poll.max_choices)
        else:
            message = _l("Choose from %(min)d to %(max)d options.",
                         min=poll.min_choices, max=poll.max_choices)
        raise Invalid({"option_ids": [str(message)]})
    return Ballot(frozenset(by_public_id[i] for i in option_ids),
                  {option_id: position for _, option_id, position in rows}, poll.updated_at)


# The statements of a vote, built once on the tables (no ORM work: a vote's write holds
# SQLite's writer's turn, bench/inprocess.py "turn ms"), each run on the session's
# connection in its transaction (docs/architecture.md#statement-budget).
_POLL, _OPTION, _VOTE = Poll.__table__, PollOption.__table__, Vote.__table__
_PARTICIPATION = Participation.__table__
_CLAIM = (update(_POLL)
          .where(_POLL.c.id == bindparam("the_poll"), _POLL.c.closed_at.is_(None),
                 or_(_POLL.c.deadline.is_(None), _POLL.c.deadline > bindparam("now")))
          .values(version=_POLL.c.version + 1,
                  voter_count=_POLL.c.voter_count + bindparam("delta"),
                  updated_at=_POLL.c.updated_at)
          .returning(_POLL.c.updated_at, _POLL.c.voter_count))
# Every option row of the poll is written, chosen or not (_count); what they hold after
# is what the vote answers.
_COUNT = (update(_OPTION).where(_OPTION.c.poll_id == bindparam("the_poll"))
          .values(votes=_OPTION.c.votes + case(
              (_OPTION.c.id.in_(bindparam("plus", expanding=True)), 1),
              (_OPTION.c.id.in_(bindparam("minus", expanding=True)), -1), else_=0))
          .returning(_OPTION.c.public_id, _OPTION.c.votes, _OPTION.c.position))
_OPTION_IDS = select(PollOption.public_id, PollOption.id, PollOption.position).where(
    PollOption.poll_id == bindparam("poll_id"))
_LOCK_POLL = select(Poll.id).where(Poll.id == bindparam("poll_id")).with_for_update()
# Whether the member still is one, whether they took part, and what they chose: one
# read. On PostgreSQL it follows the lock on the poll's row, which every vote, withdrawal
# and removal takes before it touches a member's participation and votes (withdraw_vote
# by its claim, departures.py first of all), so this read is not overtaken; on SQLite
# the write transaction holds the database.
_MINE_NOW = (select(Membership.status, Participation.id.label("participation_id"),
                    Vote.option_id, Vote.created_at, Vote.first_vote)
             .select_from(Membership)
             .outerjoin(Participation,
                        and_(Participation.poll_id == bindparam("poll_id"),
                             Participation.membership_id == Membership.id))
             .outerjoin(Vote, and_(Vote.poll_id == Participation.poll_id,
                                   Vote.membership_id == Membership.id))
             .where(Membership.id == bindparam("membership_id")))
_UNCHOOSE = delete(_VOTE).where(_VOTE.c.poll_id == bindparam("poll_id"),
                                _VOTE.c.membership_id == bindparam("membership_id"),
                                _VOTE.c.option_id.in_(bindparam("removed", expanding=True)))
_CHOOSE = insert(_VOTE)
_TAKE_PART = insert(_PARTICIPATION)


def _run(statement, params):
    return db.session.connection().execute(statement, params)


def _claim_open_poll(poll, now, voters_delta, seen=None):
    """Bump the poll's version (and voter count) only while it is open: the closed check
    and the write are one statement, so a vote cannot slip past a close or a deadline.
    It also holds the poll's row until commit. `updated_at` stays: it is the settings'
    time, and a vote's time beside a participation would name a secret voter. A ballot
    checked before the write (`seen`: the settings' time then) is written only if the
    settings did not move since. The poll's voter count after it."""
    row = _run(_CLAIM, {"the_poll": poll.id, "now": now, "delta": voters_delta}).first()
    if row is None:
        raise WidgetClosed(poll)
    if seen is not None and row.updated_at != seen:
        raise _SettingsMoved()
    version_moved(poll)
    return row.voter_count


def _count(poll, plus=(), minus=()):
    """Move the counters in SQL. Every option row of the poll is written, chosen or not,
    so not even the database's own row versions show which option a vote went to. The
    options' (public id, votes) after it, in their order."""
    rows = _run(_COUNT, {"the_poll": poll.id, "plus": sorted(plus), "minus": sorted(minus)})
    return [(public_id, votes) for public_id, votes, _ in sorted(rows, key=lambda r: r[2])]


def _choose(poll, membership, options, now, first_vote):
    _run(_CHOOSE, [{"poll_id": poll.id, "option_id": o, "membership_id": membership.id,
                    "created_at": now, "first_vote": first_vote} for o in sorted(options)])


class Counters(NamedTuple):
    """What an open ballot's counters hold after a vote, read by the vote's own writes."""

    voter_count: int
    options: list  # [(option public id, votes)] in the options' order


def cast_vote(person, poll, option_ids, before_commit=None, ballot=None):
    """'created' (first vote), 'changed' or 'same'. 409 when closed, when a secret ballot
    is voted twice, or a change without allow_change; 422 outside min/max. `ballot`:
    check_ballot's, when the route checked it before the write began.

    `before_commit(counters)` is called in the vote's own transaction just before it
    commits, with the open ballot's Counters as its writes left them (None where it did
    not move them): what it reads then (the counts a vote answers, tallies.py) is what
    this vote left, without a transaction of its own."""
    membership = authorize(person, Action.ACT, poll)
    if poll.is_closed():
        raise WidgetClosed(poll)
    ballot = ballot or check_ballot(poll, option_ids)
    commit = _committer(before_commit)
    with unit_of_work():
        try:
            try:
                return _apply_vote(poll, membership, ballot.chosen, commit, ballot)
            except IntegrityError:
                # Two first votes of one member at once: the other one created the
                # participation; now this one is a change of it, under its lock.
                db.session.rollback()
                return _apply_vote(poll, membership, ballot.chosen, commit, ballot)
        except _SettingsMoved:
            # The options or rules changed since the ballot was checked: check it again,
            # inside the write this time.
            db.session.rollback()
            return cast_vote(person, poll, option_ids, before_commit)


def _committer(before_commit):
    def commit(counters=None):
        if before_commit is not None:
            before_commit(counters)
        db.session.commit()
    return commit


def _apply_vote(poll, membership, chosen, commit=None, ballot=None):
    commit = commit or (lambda counters=None: db.session.commit())
    seen = ballot.seen if ballot is not None else None
    now = utcnow()
    mine = {"poll_id": poll.id, "membership_id": membership.id}
    # The poll's row first, as a removal does (departures.py), then whether the member
    # still is one: a vote racing the member's removal lands before it or not at all.
    # (SQLite: the write transaction holds the whole database already.)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    if postgresql:
        _run(_LOCK_POLL, mine)
    rows = plain_rows(_MINE_NOW, mine).all()
    if not rows or rows[0].status != "active":
        raise NotFound()
    if rows[0].participation_id is not None:
        if poll.anonymous:
            raise AlreadyVoted()
        stored = [(row.option_id, row.created_at, row.first_vote) for row in rows
                  if row.option_id is not None]
        current = {option_id for option_id, _, _ in stored}
        if current == chosen:
            outcome = "created" if _just_cast(stored, now) else "same"
            commit()
            return outcome
        if not poll.allow_change:
            raise ChangeNotAllowed()
        removed, added = current - chosen, chosen - current
        if postgresql:
            return _change_in_one(poll, membership, added, removed, now, seen, commit)
        voter_count = _claim_open_poll(poll, now, 0, seen)
        if removed:
            _run(_UNCHOOSE, {**mine, "removed": sorted(removed)})
        if added:
            _choose(poll, membership, added, now, first_vote=False)
        options = _count(poll, plus=added, minus=removed)
        record_activity_now(membership.id, now)
        commit(Counters(voter_count, options))
        return "changed"
    voter_count = _claim_open_poll(poll, now, 1, seen)
    _run(_TAKE_PART, mine)
    if poll.anonymous:
        # The ballot joins the pending pool with no member on it; no counter and no
        # "last active" moves with this one vote (ballots.py).
        positions = ballot.positions if ballot is not None else None
        counted = ballots.add_ballot(poll, chosen, positions)
        commit()
        ballots.after_counting(counted)
        return "created"
    _choose(poll, membership, chosen, now, first_vote=True)
    options = _count(poll, plus=chosen)
    record_activity_now(membership.id, now)
    commit(Counters(voter_count, options))
    return "created"


def _change_in_one(poll, membership, added, removed, now, seen, commit):
    """The change's branch of _apply_vote on PostgreSQL: the claim, the choices, the
    counters and the activity in one statement (lockedvote.py), refused as the claim
    refuses (_claim_open_poll)."""
    changed = lockedvote.change_in_one(db.session.connection(), poll.id, membership.id,
                                       added, removed, now)
    if changed is None:
        raise WidgetClosed(poll)
    if seen is not None and changed.updated_at != seen:
        raise _SettingsMoved()
    version_moved(poll)
    commit(Counters(changed.voter_count, changed.options))
    return "changed"


def _just_cast(stored, now):
    """Whether the member's choices (`stored`: their votes' option, time, first_vote)
    were all stored by their first vote, within the last DOUBLE_TAP: the same vote sent
    twice (a double tap, a resent form) answers as the first did, not as "your vote did
    not change". Open ballots only: a secret ballot keeps no time beside a
    participation."""
    stamps = {(created_at, first_vote) for _, created_at, first_vote in stored}
    if len(stamps) != 1:
        return False
    created_at, first_vote = stamps.pop()
    return first_vote and now - created_at < DOUBLE_TAP


def withdraw_vote(person, poll):
    """Take one's vote back where changes are allowed (never on a secret ballot)."""
    membership = authorize(person, Action.ACT, poll)
    if poll.anonymous:
        raise AlreadyVoted()
    if not poll.allow_change:
        raise ChangeNotAllowed()
    if poll.is_closed():
        raise WidgetClosed(poll)
    with unit_of_work():
        taken = db.session.scalar(
            select(Participation).where(Participation.poll_id == poll.id,
                                        Participation.membership_id == membership.id)
            .with_for_update()
        )
        if taken is None:
            db.session.commit()
            return False
        _claim_open_poll(poll, utcnow(), -1)
        current = my_option_ids(poll, membership)
        db.session.execute(delete(Vote).where(Vote.poll_id == poll.id,
                                              Vote.membership_id == membership.id))
        db.session.delete(taken)
        db.session.flush()
        _count(poll, minus=current)
        db.session.commit()
        return True
