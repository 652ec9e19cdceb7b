"""The folder for its managers: every active member's card, private values included, as
CSV (core.export: a BOM so Excel reads Chinese, no cell ever a formula) and as one .vcf
file; and the folder with its cards in the owner's export of the group."""
from flask import Response
from sqlalchemy import select

from grouptools.core.access import Action, authorize
from grouptools.core.export import CSV_MIMETYPE, attachment_disposition, csv_text
from grouptools.card import settings as rules
from grouptools.card.folder import active_cards
from grouptools.card.listing import folder_state
from grouptools.card.models import Card, CardFolder
from grouptools.card.schemas import CardSchema, CardFolderSchema
from grouptools.card.service import CardView, require_folder
from grouptools.card.vcards import vcards
from grouptools.core.i18n import gettext
from grouptools.extensions import db


def managed_views(person, group):
    """(folder, [CardView with every value]) for the folder's managers (403 otherwise)."""
    folder = require_folder(group)
    authorize(person, Action.MANAGE_WIDGET, folder)
    fields = rules.fields_of(folder)
    cards = db.session.scalars(active_cards(folder).order_by(Card.display_name)).all()
    return folder, [CardView(card, folder, fields, rules.visible_values(fields, card.values, True),
                             True, card.display_name) for card in cards]


def _download(body, mimetype, folder, extension):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = attachment_disposition(
        folder.title, f"cards-{folder.group.public_id}", extension)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def folder_csv(person, group):
    folder, text = folder_csv_text(person, group)
    return _download(text, CSV_MIMETYPE, folder, "csv")


def folder_csv_text(person, group):
    """(folder, the CSV's text): every active member's card, private values included."""
    folder, views = managed_views(person, group)
    fields = rules.fields_of(folder)
    header = [gettext("Display name"), *[f.shown_label for f in fields], gettext("Public"),
              gettext("Complete")]
    rows = [[view.display_name, *[view.values.get(f.key, "") for f in fields],
             gettext("Yes") if view.card.public else "", gettext("Yes") if view.complete else ""]
            for view in views]
    return folder, csv_text(header, rows)


def folder_vcf(person, group):
    folder, views = managed_views(person, group)
    return _download(vcards(views), "text/vcard; charset=utf-8", folder, "vcf")


def export_for_group(group, person):
    """("card_folders", …): the group's folder as its managers see it, every card in it."""
    folders = db.session.scalars(select(CardFolder).where(CardFolder.group_id == group.id)).all()
    exported = []
    for folder in folders:
        item = CardFolderSchema().dump(folder_state(person, folder))
        _, views = managed_views(person, group)
        item["cards"] = CardSchema(many=True).dump(views)
        exported.append(item)
    return "card_folders", exported
