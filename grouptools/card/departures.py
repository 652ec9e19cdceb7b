"""What a member's leaving or removal does to member cards
(docs/security.md#leaving-and-removal).

Their card drops out of the folder, its search and its exports at once, because those
read the cards of active members only; and it stops being public, so /c/<cid> and its
pictures stop showing it to anyone. The row stays (it still pre-fills the person's cards
in other groups); restoring the member shows it in the folder again, not in public:
making it public is its owner's choice, made again."""
from sqlalchemy import update

from grouptools.card.models import Card
from grouptools.extensions import db


def withdraw_public_card(membership, reason):
    """The core.widgets `on_member_gone` hook: runs in the caller's transaction."""
    db.session.execute(update(Card).where(Card.owner_membership_id == membership.id)
                       .values(public=False).execution_options(synchronize_session=False))
