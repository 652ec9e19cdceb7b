"""A group's member cards carried in its zip (core.transfer): the folder's settings and
every member's card, private values included (the owner may see them)."""
from sqlalchemy import select

from grouptools.card.export import folder_csv_text
from grouptools.card.models import Card, CardFolder
from grouptools.card.search import keep_grams
from grouptools.core.transfer import WidgetTransfer, rows_of
from grouptools.extensions import db

NESTED = ("created_by", "cards")
# Kept by the cards' writes (card/counting.py): the import counts its own cards.
COUNTS = ("card_count", "complete_count")


def export_data(folder, refs):
    cards = db.session.scalars(select(Card).where(Card.folder_id == folder.id)
                               .order_by(Card.id)).all()
    return {**refs.columns(folder, skip=COUNTS), "created_by": refs.person(folder.created_by_id),
            "cards": [{**refs.columns(card), "member": refs.member(card.owner_membership_id)}
                      for card in cards]}


def import_data(group, data, refs):
    folder = CardFolder(group=group, created_by_id=refs.person_id(data.get("created_by")),
                        **refs.columns(CardFolder, data, skip=COUNTS, without=NESTED + COUNTS))
    db.session.add(folder)
    db.session.flush()
    cards = [Card(folder_id=folder.id, owner_membership_id=refs.member(row.get("member")).id,
                  **refs.columns(Card, row, without=("member",)))
             for row in rows_of(data, "cards")]
    db.session.add_all(cards)
    keep_grams([(card, None) for card in cards])  # new cards: the folder's search finds them
    return folder


def export_csv(person, folder):
    return folder_csv_text(person, folder.group)[1]


TRANSFER = WidgetTransfer(export_data=export_data, import_data=import_data,
                          export_csv=export_csv)
