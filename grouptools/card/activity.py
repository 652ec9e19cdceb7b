"""Who filled in a card in the group's folder, for the group dashboard (core.widgets
`activity_counts`, `activity_times`): one aggregate statement whatever the group's size."""
from sqlalchemy import func, select

from grouptools.card.models import Card, CardFolder


def activity_counts(group):
    """(membership_id, count): 1 when the member has a card in the group's folder, one row per
    member."""
    return (select(Card.owner_membership_id.label("membership_id"), func.count().label("count"))
            .join(CardFolder, CardFolder.id == Card.folder_id)
            .where(CardFolder.group_id == group.id)
            .group_by(Card.owner_membership_id))


def activity_times(group):
    """When each card was last saved."""
    return (select(Card.owner_membership_id.label("membership_id"), Card.updated_at.label("at"))
            .join(CardFolder, CardFolder.id == Card.folder_id)
            .where(CardFolder.group_id == group.id))
