"""The rules of voting: cast, change and withdraw a vote.

Plain functions over the models; each asks core.access before anything and commits its
own unit of work. Votes are counted by SQL expressions on counters, secret ones in
batches (ballots.py); every change of a member's vote happens under a lock on that
member's participation row (docs/architecture.md#traps-of-this-stack)."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, case, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from grouptools.core.access import Action, authorize
from grouptools.core.closing import WidgetClosed
from grouptools.core.conditional import version_moved
from grouptools.core.database import unit_of_work
from grouptools.core.errors import Conflict, Invalid, NotFound
from grouptools.core.groups.service import record_activity
from grouptools.core.models import Membership
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll import ballots
from grouptools.poll.models import Participation, Poll, PollOption, Vote
from grouptools.poll.service import my_option_ids


DOUBLE_TAP = timedelta(minutes=1)


class AlreadyVoted(Conflict):
    default_message = _l("You already voted. Votes in a secret ballot cannot be changed: "
                         "nothing stored says what you chose.")


class ChangeNotAllowed(Conflict):
    default_message = _l("You already voted, and this poll does not allow changing votes.")


def _chosen_options(poll, option_ids):
    """The option rows' ids for public ids, checked against the poll's min/max (422)."""
    by_public_id = dict(db.session.execute(_OPTION_IDS, {"poll_id": poll.id}).all())
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
    return {by_public_id[i] for i in option_ids}


# The statements of a vote, built once: a vote runs a dozen, and building each one (and
# its cache key) cost about as much as running it (docs/architecture.md#statement-budget).
_CLAIM = (update(Poll)
          .where(Poll.id == bindparam("the_poll"), Poll.closed_at.is_(None),
                 or_(Poll.deadline.is_(None), Poll.deadline > bindparam("now")))
          .values(version=Poll.version + 1, voter_count=Poll.voter_count + bindparam("delta"),
                  updated_at=Poll.updated_at)
          .execution_options(synchronize_session=False))
_COUNT = (update(PollOption).where(PollOption.poll_id == bindparam("the_poll"))
          .values(votes=PollOption.votes + case(
              (PollOption.id.in_(bindparam("plus", expanding=True)), 1),
              (PollOption.id.in_(bindparam("minus", expanding=True)), -1), else_=0))
          .execution_options(synchronize_session=False))
_OPTION_IDS = select(PollOption.public_id, PollOption.id).where(
    PollOption.poll_id == bindparam("poll_id"))
_LOCK_POLL = select(Poll.id).where(Poll.id == bindparam("poll_id")).with_for_update()
_STATUS = select(Membership.status).where(Membership.id == bindparam("membership_id"))
_MINE = ((Participation.poll_id == bindparam("poll_id"))
         & (Participation.membership_id == bindparam("membership_id")))
_LOCK_PARTICIPATION = select(Participation.id).where(_MINE).with_for_update()
_MY_VOTES = select(Vote.option_id, Vote.created_at, Vote.first_vote).where(
    Vote.poll_id == bindparam("poll_id"), Vote.membership_id == bindparam("membership_id"))
_UNCHOOSE = (delete(Vote)
             .where(Vote.poll_id == bindparam("poll_id"),
                    Vote.membership_id == bindparam("membership_id"),
                    Vote.option_id.in_(bindparam("removed", expanding=True)))
             .execution_options(synchronize_session=False))
_CHOOSE = insert(Vote)
_TAKE_PART = insert(Participation)


def _claim_open_poll(poll, now, voters_delta):
    """Bump the poll's version (and voter count) only while it is open: the closed check
    and the write are one statement, so a vote cannot slip past a close or a deadline.
    It also holds the poll's row until commit. `updated_at` stays: it is the settings'
    time, and a vote's time beside a participation would name a secret voter."""
    result = db.session.execute(_CLAIM, {"the_poll": poll.id, "now": now, "delta": voters_delta})
    if result.rowcount != 1:
        raise WidgetClosed(poll)
    version_moved(poll)


def _count(poll, plus=(), minus=()):
    """Move the counters in SQL. Every option row of the poll is written, chosen or not,
    so not even the database's own row versions show which option a vote went to."""
    db.session.execute(_COUNT, {"the_poll": poll.id, "plus": sorted(plus),
                                "minus": sorted(minus)})


def _choose(poll, membership, options, now, first_vote):
    db.session.execute(_CHOOSE, [{"poll_id": poll.id, "option_id": o,
                                  "membership_id": membership.id, "created_at": now,
                                  "first_vote": first_vote} for o in sorted(options)])


def cast_vote(person, poll, option_ids, before_commit=None):
    """'created' (first vote), 'changed' or 'same'. 409 when closed, when a secret ballot
    is voted twice, or a change without allow_change; 422 outside min/max.

    `before_commit()` is called in the vote's own transaction just before it commits:
    what it reads then (the counts a vote answers, tallies.py) is what this vote left,
    without a transaction of its own."""
    membership = authorize(person, Action.ACT, poll)
    if poll.is_closed():
        raise WidgetClosed(poll)
    chosen = _chosen_options(poll, option_ids)
    commit = _committer(before_commit)
    with unit_of_work():
        try:
            return _apply_vote(poll, membership, chosen, commit)
        except IntegrityError:
            # Two first votes of one member at once: the other one created the
            # participation; now this one is a change of it, under its lock.
            db.session.rollback()
            return _apply_vote(poll, membership, chosen, commit)


def _committer(before_commit):
    def commit():
        if before_commit is not None:
            before_commit()
        db.session.commit()
    return commit


def _apply_vote(poll, membership, chosen, commit=None):
    commit = commit or db.session.commit
    now = utcnow()
    mine = {"poll_id": poll.id, "membership_id": membership.id}
    # The poll's row first, as a removal does (departures.py), then whether the member
    # still is one: a vote racing the member's removal lands before it or not at all.
    db.session.execute(_LOCK_POLL, mine)
    if db.session.scalar(_STATUS, mine) != "active":
        raise NotFound()
    taken = db.session.scalar(_LOCK_PARTICIPATION, mine)
    if taken is not None:
        if poll.anonymous:
            raise AlreadyVoted()
        stored = db.session.execute(_MY_VOTES, mine).all()
        current = {option_id for option_id, _, _ in stored}
        if current == chosen:
            outcome = "created" if _just_cast(stored, now) else "same"
            commit()
            return outcome
        if not poll.allow_change:
            raise ChangeNotAllowed()
        _claim_open_poll(poll, now, 0)
        removed, added = current - chosen, chosen - current
        if removed:
            db.session.execute(_UNCHOOSE, {**mine, "removed": sorted(removed)})
        if added:
            _choose(poll, membership, added, now, first_vote=False)
        _count(poll, plus=added, minus=removed)
        record_activity(membership)
        commit()
        return "changed"
    _claim_open_poll(poll, now, 1)
    db.session.execute(_TAKE_PART, mine)
    if poll.anonymous:
        # The ballot joins the pending pool with no member on it; no counter and no
        # "last active" moves with this one vote (ballots.py).
        counted = ballots.add_ballot(poll, chosen)
        commit()
        ballots.after_counting(counted)
        return "created"
    _choose(poll, membership, chosen, now, first_vote=True)
    _count(poll, plus=chosen)
    record_activity(membership)
    commit()
    return "created"


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
