"""A folder's count of its cards and of its complete cards (`CardFolder.card_count`,
`complete_count`), kept by the flush of every card written through the ORM: a new card
adds one (and one complete if it is), a card whose `complete` changes moves the second,
a deleted card takes its share off. `UPDATE … SET n = n + :d`, so parallel first saves
each add theirs; a card being saved is locked first (service._card_of), so its old
`complete` is what the database holds.

Cards of members who have gone stay in their folder (they come back with their member)
and are in these counts: readers take them off with `gone_cards`, which reads the few
members who are not active, not the folder (bench/growth.py). Rows written past the ORM
(benches) set the counts with `recount`."""
from sqlalchemy import case, event, func, inspect, select, update
from sqlalchemy.orm import Session

from grouptools.card.models import Card, CardFolder
from grouptools.core.models import Membership

_PENDING = "grouptools.card_counts_pending"
NOT_ACTIVE = tuple(status for status in Membership.STATUSES if status != "active")


def _note_changes(session, flush_context, instances):
    pending = session.info[_PENDING] = []
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, Card):
                pending.append((obj, 1, int(bool(obj.complete))))
        for obj in session.dirty:
            if isinstance(obj, Card):
                history = inspect(obj).attrs["complete"].history
                if history.has_changes():
                    before = bool(history.deleted) and bool(history.deleted[0])
                    pending.append((obj, 0, int(bool(obj.complete)) - int(before)))
        for obj in session.deleted:
            if isinstance(obj, Card):
                history = inspect(obj).attrs["complete"].history
                before = history.deleted[0] if history.deleted else obj.complete
                pending.append((obj, -1, -int(bool(before))))


def _count_changes(session, flush_context):
    deltas = {}
    for card, cards, complete in session.info.pop(_PENDING, ()):
        folder_id = card.folder_id
        if folder_id is not None and (cards or complete):
            was = deltas.get(folder_id, (0, 0))
            deltas[folder_id] = (was[0] + cards, was[1] + complete)
    table = CardFolder.__table__
    connection = None
    for folder_id in sorted(deltas):
        cards, complete = deltas[folder_id]
        if cards or complete:
            connection = connection or session.connection()
            connection.execute(update(table).where(table.c.id == folder_id).values(
                card_count=table.c.card_count + cards,
                complete_count=table.c.complete_count + complete))
            folder = session.identity_map.get(session.identity_key(CardFolder, folder_id))
            if folder is not None:
                session.info.setdefault("grouptools.card_counts_moved", set()).add(folder_id)


def _forget_loaded_counts(session, flush_context):
    for folder_id in session.info.pop("grouptools.card_counts_moved", ()):
        folder = session.identity_map.get(session.identity_key(CardFolder, folder_id))
        if folder is not None and not inspect(folder).pending:
            session.expire(folder, ["card_count", "complete_count"])


event.listen(Session, "before_flush", _note_changes)
event.listen(Session, "after_flush", _count_changes)
event.listen(Session, "after_flush_postexec", _forget_loaded_counts)


def gone_cards(folder_id_column, group_id_column):
    """(cards, complete cards) of the folder's members who are not active, as two scalar
    subqueries: read off the members' (group, status) index, a few rows, each probing its
    card by (folder, member). Driven from the members, not the cards: a join lets SQLite
    walk every complete card of the folder instead (22 ms at 100,000 cards). Each counts
    in a subquery of its own, so it follows the folder row of the statement around it (a
    FROM subquery would not, and would count every folder's)."""
    def counted(*also):
        return (select(func.count()).select_from(Membership)
                .where(Membership.group_id == group_id_column,
                       Membership.status.in_(NOT_ACTIVE),
                       select(Card.id).where(Card.owner_membership_id == Membership.id,
                                             Card.folder_id == folder_id_column, *also)
                       .exists())
                .scalar_subquery())

    return counted(), counted(Card.complete.is_(True))


def recount(session, folder_ids):
    """Set the counts from the cards, for rows written past the ORM (benches) and the
    migration's fill."""
    for folder_id in folder_ids:
        cards, complete = session.execute(
            select(func.count(), func.coalesce(func.sum(case((Card.complete.is_(True), 1),
                                                              else_=0)), 0))
            .where(Card.folder_id == folder_id)).one()
        session.execute(update(CardFolder).where(CardFolder.id == folder_id)
                        .values(card_count=cards, complete_count=complete)
                        .execution_options(synchronize_session=False))
