"""What becomes of a member's votes when they leave the group or are removed
(docs/security.md#leaving-and-removal): in polls still open, an open ballot's votes
leave the results. A secret ballot's cannot — nothing stored says what the member
chose — and closed polls are history: both stay as they are."""
from sqlalchemy import delete, select, update

from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll.models import Participation, Poll, PollOption, Vote

NO_SYNC = {"synchronize_session": False}


def withdraw_departed_votes(membership, reason):
    """The core.widgets `on_member_gone` hook: runs in the caller's transaction.

    The polls' rows are locked first (FOR UPDATE), the lock a member's own vote takes
    before it reads their participation and votes, so a change sent at the same moment
    applies wholly before or not at all; counters move by SQL expressions, never
    read-modify-write."""
    now = utcnow()
    # Every open poll of the group first, in id order: a member's first vote holds its
    # poll's row while it checks the member is still one (voting._apply_vote), so a
    # vote either lands before this hook looks, or sees the member gone.
    db.session.execute(select(Poll.id)
                       .where(Poll.group_id == membership.group_id, Poll.still_open(now))
                       .order_by(Poll.id).with_for_update())
    participations = db.session.execute(
        select(Participation.id, Participation.poll_id)
        .join(Poll, Poll.id == Participation.poll_id)
        .where(Participation.membership_id == membership.id, ~Poll.anonymous,
               Poll.still_open(now))
        .order_by(Participation.poll_id)
        .with_for_update(of=Participation)
    ).all()
    for participation_id, poll_id in participations:
        left_open = db.session.execute(
            update(Poll).where(Poll.id == poll_id, Poll.still_open(now))
            .values(voter_count=Poll.voter_count - 1, version=Poll.version + 1)
            .execution_options(**NO_SYNC)
        ).rowcount == 1
        if not left_open:
            continue  # closed while this waited: history now
        chosen = list(db.session.scalars(select(Vote.option_id).where(
            Vote.poll_id == poll_id, Vote.membership_id == membership.id)))
        db.session.execute(delete(Vote).where(Vote.poll_id == poll_id,
                                              Vote.membership_id == membership.id))
        db.session.execute(delete(Participation).where(Participation.id == participation_id))
        if chosen:
            db.session.execute(
                update(PollOption).where(PollOption.id.in_(chosen))
                .values(votes=PollOption.votes - 1).execution_options(**NO_SYNC))
