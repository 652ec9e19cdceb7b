"""PostgreSQL: a changed vote's writes in one statement, run under the poll's row lock
once the member's standing was read (voting._apply_vote): the claim on the open poll,
the choices taken away and added, every option's counter and the member's activity,
each a data-modifying CTE that writes only when the claim found the poll open. What
voting.py's statements do one round trip each (SQLite runs those: no round trips
there), with the lock held five round trips less (docs/architecture.md#speed).

Written as SQL: SQLAlchemy's DML inside a CTE would add the tables' Python-side
defaults (`updated_at` on the poll is the settings' time and must not move)."""
from typing import NamedTuple

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer

from grouptools.core.timeutil import UTCDateTime

_CHANGED = text("""
WITH claim AS (
  UPDATE poll SET version = version + 1
  WHERE id = :poll_id AND closed_at IS NULL AND (deadline IS NULL OR deadline > :now)
  RETURNING updated_at, voter_count),
unchosen AS (
  DELETE FROM poll_vote
  WHERE poll_id = :poll_id AND membership_id = :membership_id
    AND option_id = ANY(:removed) AND EXISTS (SELECT FROM claim)),
chosen AS (
  INSERT INTO poll_vote (poll_id, option_id, membership_id, created_at, first_vote)
  SELECT :poll_id, added.option_id, :membership_id, :now, false
  FROM unnest(:added) AS added (option_id) WHERE EXISTS (SELECT FROM claim)),
counted AS (
  UPDATE poll_option SET votes = votes + CASE WHEN id = ANY(:added) THEN 1
                                              WHEN id = ANY(:removed) THEN -1 ELSE 0 END
  WHERE poll_id = :poll_id AND EXISTS (SELECT FROM claim)
  RETURNING public_id, votes, position),
active AS (
  UPDATE membership SET last_active_at = :now, updated_at = :now
  WHERE id = :membership_id AND EXISTS (SELECT FROM claim))
SELECT claim.updated_at, claim.voter_count, counted.public_id, counted.votes,
       counted.position
FROM claim LEFT JOIN counted ON true""").bindparams(
    bindparam("added", type_=ARRAY(Integer)), bindparam("removed", type_=ARRAY(Integer)),
    bindparam("now", type_=UTCDateTime))


class Changed(NamedTuple):
    """What the statement left: the poll's settings' time and voter count, and the
    options' (public id, votes) in their order."""

    updated_at: object
    voter_count: int
    options: list


def change_in_one(connection, poll_id, membership_id, added, removed, now):
    """The change written (a Changed), or None and nothing written: the poll is closed."""
    rows = connection.execute(_CHANGED, {
        "poll_id": poll_id, "membership_id": membership_id, "added": sorted(added),
        "removed": sorted(removed), "now": now}).all()
    if not rows:
        return None
    options = sorted((row for row in rows if row.public_id is not None),
                     key=lambda row: row.position)
    return Changed(rows[0].updated_at, rows[0].voter_count,
                   [(row.public_id, row.votes) for row in options])
