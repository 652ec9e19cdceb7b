"""/api/v1 routes about member cards: parse, ask the service, answer.

The folder's own routes (create, read, change, close, reopen, delete) are the kit's
(core.widgetapi); the rest are the group's cards and one card (docs/api.md)."""
from flask import Response, request

from grouptools.card import export, folder, schemas, service
from grouptools.card.blueprints import blp, cards_api
from grouptools.card.kind import CARD
from grouptools.card.listing import folder_state
from grouptools.card.loading import folder_of_group
from grouptools.card.vcards import vcard
from sqlalchemy import bindparam, select

from grouptools.card.models import CardFolder
from grouptools.core.access import membership_of
from grouptools.core.conditional import answer_if_held, answer_if_unchanged
from grouptools.core.groups.service import find_group
from grouptools.core.loaders import peek_with_asker
from grouptools.core.models import Group
from grouptools.core.identity import current_person, require_person
from grouptools.core.ratelimits import rate_limited
from grouptools.core.widgetapi import add_widget_api

add_widget_api(blp, CARD, "card-folders/<pid:fid>", state=folder_state,
               schema=schemas.CardFolderSchema, create_rule="groups/<pid:gid>/card-folder",
               create_schema=schemas.CardFolderCreateSchema, create=service.create_folder,
               update_schema=schemas.CardFolderUpdateSchema, update=service.update_folder)


# The folder's version, read with the group: every card saved and every settings change
# moves it (core.conditional), so the group's card answers below carry an ETag.
FOLDER_VERSION = (select(CardFolder.version).where(CardFolder.group_id == Group.id)
                  .correlate(Group).scalar_subquery())


def group_unless_unchanged(gid):
    """(asker, group) for a GET about the group's cards — or 304 when the asker holds
    this answer: the group, the folder, the asker and their membership unchanged."""
    person = require_person()
    group, (folder_version,) = find_group(gid, person, also=[FOLDER_VERSION])
    answer_if_unchanged("cards", group.id, group.version, folder_version, person=person,
                        membership=membership_of(person, group))
    return person, group


def folder_unless_unchanged(gid):
    """(asker, group) for a GET about the group's cards that needs its folder, read in
    one statement with the asker and their membership (card.loading) — or 304 as
    `group_unless_unchanged` answers it (the same ETag), from plain columns before that
    when the asker may hold it. A group without a folder goes the long way, which
    answers its 404 (no such group, or NoFolder's message)."""
    if request.if_none_match:
        seen = peek_with_asker("cards", _peek_statement, {"gid": gid})
        if seen is not None:
            values, person, membership = seen
            answer_if_held("cards", *values, person=person, membership=membership)
    found = folder_of_group(gid)
    if found is None:
        return group_unless_unchanged(gid)
    group = found.folder.group
    answer_if_unchanged("cards", group.id, group.version, found.folder.version,
                        person=found.person, membership=found.membership)
    return found.person, group


def _peek_statement():
    """What the group's card answers' ETag is made of, for peek_with_asker."""
    return (select(Group.id, Group.version, CardFolder.version).select_from(Group)
            .join(CardFolder, CardFolder.group_id == Group.id)
            .where(Group.public_id == bindparam("gid"))), Group.id


@cards_api.route("/groups/<pid:gid>/card-settings", methods=["GET"])
@cards_api.response(200, schemas.CardSettingsSchema)
def get_settings(gid):
    """The group's card settings (members; the defaults before cards are set up)."""
    return service.card_settings(*group_unless_unchanged(gid))


@cards_api.route("/groups/<pid:gid>/card-settings", methods=["PUT"])
@cards_api.arguments(schemas.CardSettingsInSchema())
@cards_api.response(200, schemas.CardSettingsSchema)
def put_settings(data, gid):
    """Replace the card settings (owner and admins); sets member cards up if needed."""
    return service.save_settings(require_person(), find_group(gid), **data)


@cards_api.route("/groups/<pid:gid>/cards/me", methods=["GET"])
@cards_api.response(200, schemas.CardSchema)
def get_my_card(gid):
    """My card; before I filled it in, `id: null` and values pre-filled from my cards in
    other groups."""
    return service.my_card(require_person(), find_group(gid))


@cards_api.route("/groups/<pid:gid>/cards/me", methods=["PUT"])
@rate_limited("save_card")
@cards_api.arguments(schemas.MyCardInSchema())
@cards_api.response(201, schemas.CardSchema, description="My card, filled in for the first time")
@cards_api.alt_response(200, schema=schemas.CardSchema, description="My card, changed")
def put_my_card(data, gid):
    """Fill in or change my card; refused values come back under errors.json.values.<key>."""
    # The folder, its group and the asker's membership and card are read in one
    # statement before the write (card.saving).
    view, created = service.save_my_card_by_group_id(require_person(), gid, **data)
    return view, 201 if created else 200


@cards_api.route("/groups/<pid:gid>/cards", methods=["GET"])
@cards_api.arguments(schemas.CardFolderQuerySchema(), location="query")
@cards_api.response(200, schemas.CardSchema(many=True))
def list_cards(args, gid):
    """The folder, 50 a page, searching every value the asker may see; 403 for members
    when the folder is for managers. The total is in the X-Total-Count header."""
    page = folder.folder_page(*folder_unless_unchanged(gid), args["q"], args["page"])
    return page.cards, 200, {"X-Total-Count": str(page.total)}


@cards_api.route("/groups/<pid:gid>/cards/incomplete", methods=["GET"])
@cards_api.response(200, schemas.IncompleteCardsSchema)
def incomplete(gid):
    """Managers: who has no card, whose card lacks a required value, and the reminder."""
    report = folder.incomplete_cards(*folder_unless_unchanged(gid))
    report.reminder_text = folder.reminder_text(report)
    return report


@cards_api.route("/groups/<pid:gid>/cards/export.csv", methods=["GET"])
@cards_api.response(200, content_type="text/csv", description="Managers: every card")
def export_csv(gid):
    return export.folder_csv(*folder_unless_unchanged(gid))


@cards_api.route("/groups/<pid:gid>/cards/export.vcf", methods=["GET"])
@cards_api.response(200, content_type="text/vcard", description="Managers: every card")
def export_vcf(gid):
    return export.folder_vcf(*folder_unless_unchanged(gid))


@cards_api.route("/cards/<pid:cid>", methods=["GET"])
@cards_api.response(200, schemas.CardSchema)
def get_card(cid):
    """One card, with the values the asker may see (a public card: anyone)."""
    person, card = current_person(), service.find_card(cid)
    view = service.card_view(person, card)
    # Who sees which values follows the asker's role, which moves the group's version.
    answer_if_unchanged("card", card.id, card.updated_at, card.folder.version,
                        card.folder.group.version, person=person)
    return view


@cards_api.route("/cards/<pid:cid>.vcf", methods=["GET"])
@cards_api.response(200, content_type="text/vcard", description="vCard 3.0")
def card_vcf(cid):
    """The card as a vCard 3.0, with the values the asker may see."""
    view = service.card_view(current_person(), service.find_card(cid))
    response = Response(vcard(view), mimetype="text/vcard; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{cid}.vcf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
