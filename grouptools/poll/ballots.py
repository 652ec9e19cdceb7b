"""The pending pool of secret ballots: a ballot waits sealed, with no member on it, and
is counted into the options' counters only in batches — as soon as BATCH ballots are
pending, and at close — so the counters never move by one member's vote.

Why: the counters are what organisers read and what the database's own history keeps
(SQLite's WAL commit by commit, PostgreSQL's old row versions with the writing
transaction's id). Moved by each vote, they would tie each participation to a choice.
Moved only by a batch, a change is the sum of at least BATCH ballots; a sum keeps no
order, so a batch is counted as shuffled. The counted rows are deleted (SQLite
overwrites them: core.sqlite sets secure_delete) and SQLite's WAL is emptied after.

Callers hold the poll's lock (the vote's claim on the poll row, or Poll.lock)
and commit; after a commit that counted, call after_counting."""
import logging
from collections import Counter

from sqlalchemy import case, delete, func, select, update

from grouptools.core.sqlite import truncate_wal
from grouptools.core.sealed import SealBroken, seal, unseal
from grouptools.extensions import db
from grouptools.poll.models import PendingBallot, Poll, PollOption

BATCH = 5
PURPOSE = "poll-ballot"
# A ballot is a bitmap over the poll's options by position: the same size whatever
# was chosen, so not even the length of a sealed ballot says how many options it holds.
PAYLOAD_VERSION = 1
BITMAP_BYTES = 8

log = logging.getLogger(__name__)


def _context(poll):
    return f"poll {poll.id}".encode()


def _payload(poll, option_ids, positions=None):
    if positions is None:
        positions = {o.id: o.position for o in poll.options}
    bits = 0
    for option_id in option_ids:
        bits |= 1 << positions[option_id]
    return bytes([PAYLOAD_VERSION]) + bits.to_bytes(BITMAP_BYTES, "big")


def _chosen(poll, payload):
    if len(payload) != 1 + BITMAP_BYTES or payload[0] != PAYLOAD_VERSION:
        raise SealBroken()
    bits = int.from_bytes(payload[1:], "big")
    return [o.id for o in poll.options if bits >> o.position & 1]


def add_ballot(poll, option_ids, positions=None):
    """Put a secret ballot in the pool (the vote's transaction, under the poll's lock),
    then count the pool if a batch is pending. The number of ballots counted (0 or more).
    `positions` ({option id: position}, read with the ballot's check) spares reading the
    poll's options again."""
    sealed = seal(PURPOSE, _payload(poll, option_ids, positions), _context(poll))
    db.session.add(PendingBallot(poll_id=poll.id, sealed=sealed))
    db.session.flush()
    return count_pool(poll, minimum=BATCH)


def pending_count(poll):
    return db.session.scalar(
        select(func.count(PendingBallot.id)).where(PendingBallot.poll_id == poll.id))


def pending_counts(polls):
    """{poll id: ballots waiting} for these polls (those with none are left out)."""
    return dict(db.session.execute(
        select(PendingBallot.poll_id, func.count(PendingBallot.id))
        .where(PendingBallot.poll_id.in_([poll.id for poll in polls]))
        .group_by(PendingBallot.poll_id)).all())


def count_pool(poll, minimum=1):
    """Count every pending ballot of the poll into its counters, if at least `minimum`
    are pending (at close: any), and delete them. The number counted.

    A ballot that does not open (sealed under a secret key this server no longer has)
    stays pending and is logged: counting it wrongly or dropping it would both lie."""
    rows = db.session.execute(select(PendingBallot.id, PendingBallot.sealed)
                              .where(PendingBallot.poll_id == poll.id)).all()
    if len(rows) < minimum:
        return 0
    totals, counted = Counter(), []
    for ballot_id, sealed in rows:
        try:
            chosen = _chosen(poll, unseal(PURPOSE, sealed, _context(poll)))
        except SealBroken:
            log.error("A secret ballot of poll %s does not open with the secret key; "
                      "it stays pending", poll.public_id)
            continue
        totals.update(chosen)
        counted.append(ballot_id)
    if not counted:
        return 0
    # Every option row is written, chosen or not, as for open votes (voting._count).
    delta = case(dict(totals), value=PollOption.id, else_=0) if totals else 0
    db.session.execute(
        update(PollOption).where(PollOption.poll_id == poll.id)
        .values(votes=PollOption.votes + delta).execution_options(synchronize_session=False))
    db.session.execute(delete(PendingBallot).where(PendingBallot.id.in_(counted))
                       .execution_options(synchronize_session=False))
    db.session.execute(
        update(Poll).where(Poll.id == poll.id)
        .values(ballots_counted=Poll.ballots_counted + len(counted), version=Poll.version + 1,
                updated_at=Poll.updated_at)
        .execution_options(synchronize_session=False))
    return len(counted)


def after_counting(counted):
    """After the commit of a batch: SQLite's WAL still holds the pages the batch and the
    ballots before it wrote; empty it."""
    if counted:
        truncate_wal(db.engine)
