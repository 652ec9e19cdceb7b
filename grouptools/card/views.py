"""Member-card pages: the folder (searchable, 50 a page; for managers who has not
completed their card and the reminder), my card's form, the settings, one card with
its vCard, contact code and picture. Every action is a plain form that redirects; a
form with mistakes comes back (422) with what was typed.

Sharing, closing and deleting the folder are the kit's (core.widgetpages, /f/<fid>)."""
from flask import flash, redirect, render_template, request, url_for

from grouptools.card import folder as folders
from grouptools.card import forms, service
from grouptools.card.blueprints import bp, pages
from grouptools.card.kind import CARD
from grouptools.card import settings as rules
from grouptools.card.listing import folder_page
from grouptools.card.loading import folder_of_group
from grouptools.card.models import FIELD_TYPES, CardFolder
from grouptools.card.picture import draw_card
from grouptools.card.picturekeys import card_picture_key
from grouptools.card.schemas import MyCardInSchema, CardSettingsInSchema
from grouptools.card.settings import STANDARD_FIELDS, visible_values
from grouptools.card.vcards import contact_png
from grouptools.core.access import Action, authorize, can
from grouptools.core.errors import DomainError, NotAllowed
from grouptools.core.forms import error_status, field_errors, load, shown_on_form
from grouptools.core.groups.service import find_group
from grouptools.core.i18n import current_language, gettext
from grouptools.core.identity import current_person, require_person
from grouptools.core.links import absolute_url
from grouptools.core.ratelimits import rate_limited
from grouptools.core.avatars import avatar_of
from grouptools.core.conditional import answer_if_unchanged, answer_if_widget_unchanged
from grouptools.core.loaders import Loaded, answer_if_peeked_unchanged
from grouptools.core.share import etag_for, send_keyed_picture, send_picture
from grouptools.core.shareroutes import Shared, add_share_routes, link_preview
from grouptools.core.widgetpages import member_page_or_public_card, widget_link, widget_preview


def _show_folder(loaded, mine=None):
    """The folder's page for an active member; `mine`: their card's line (MyCardLine),
    when it was read with the folder (card.loading)."""
    person, folder = loaded.person, loaded.widget
    group = folder.group
    page = request.args.get("page", 1, type=int) or 1
    try:
        listed = folders.folder_page(person, group, request.args.get("q", ""), page,
                                     for_page=True)
    except NotAllowed:
        listed = None  # a folder for managers only: the member still reaches their card
    manager = can(person, Action.MANAGE_WIDGET, folder)
    report = folders.incomplete_cards(person, group) if manager else None
    if mine is None:
        mine = service.my_card_line(folder, loaded.membership)
    lacking = None
    if mine.public_id is not None and not mine.complete:
        labels = {field.key: field.shown_label for field in rules.fields_of(folder)}
        lacking = ", ".join(labels[key] for key in mine.missing if key in labels)
    return render_template(
        "card/folder.html", folder=folder, group=group, listed=listed, mine=mine,
        lacking=lacking, report=report,
        reminder=folders.reminder_text(report) if report else None,
        manager=manager, preview=widget_preview(folder), link=widget_link(folder),
        query=request.args.get("q", ""))


@bp.get("/f/<pid:fid>")
def show_folder(fid):
    return member_page_or_public_card(CARD, fid, _show_folder)


@pages.get("/g/<pid:gid>/cards")
def group_folder(gid):
    answer_if_peeked_unchanged(CardFolder, gid, of_group=True)
    found = folder_of_group(gid, public=True)
    if found is None:  # no such group (404), or no folder yet (its own message)
        fid = service.folder_id_of_group(gid) or service.require_folder(find_group(gid)).public_id
        return member_page_or_public_card(CARD, fid, _show_folder)
    folder, person = found.folder, found.person
    loaded = Loaded(folder, person, authorize(person, Action.VIEW_PUBLIC_CARD, folder))
    answer_if_widget_unchanged(loaded)  # 304 here, as core.loaders.load_widget answers
    if loaded.membership is None or not loaded.membership.is_active:
        # Strangers and members not (or no longer) active: the kit's public card.
        return member_page_or_public_card(CARD, folder.public_id, _show_folder)
    return _show_folder(loaded, found.mine)


@pages.route("/g/<pid:gid>/cards/me", methods=["GET", "POST"])
@rate_limited("save_card")
def my_card(gid):
    group = find_group(gid)
    person = require_person()
    view = service.my_card(person, group)
    values, public, errors, status = view.values, bool(view.card and view.card.public), {}, 200
    if request.method == "POST":
        payload = forms.read_card_form(view.fields)
        values, public = payload["values"], payload["public"]
        data, errors = load(MyCardInSchema(), payload)
        if not errors:
            try:
                service.save_my_card(person, group, **data)
            except DomainError as error:
                if not shown_on_form(error):
                    raise
                errors = error
            else:
                flash(gettext("Your card is saved."), "success")
                return redirect(folder_page(view.folder), code=303)
        errors, status = field_errors(errors), error_status(errors)
    value_errors = errors.get("values") if isinstance(errors.get("values"), dict) else {}
    return render_template("card/mine.html", view=view, group=group, folder=view.folder,
                           values=values, public=public, errors=errors,
                           value_errors=value_errors), status


@pages.route("/g/<pid:gid>/cards/settings", methods=["GET", "POST"])
@rate_limited("create_widget")
def settings(gid):
    group = find_group(gid)
    person = require_person()
    authorize(person, Action.MANAGE_GROUP, group)
    current = service.card_settings(person, group)
    rows, errors, status = forms.settings_rows(current), {}, 200
    typed = {"display_name_format": current.display_name_format,
             "folder_visibility": current.folder_visibility}
    if request.method == "POST":
        payload, rows, where = forms.read_settings_form()
        typed = payload
        data, errors = load(CardSettingsInSchema(), payload)
        if not errors:
            try:
                saved = service.save_settings(person, group, **data)
            except DomainError as error:
                if not shown_on_form(error):
                    raise
                errors = error
            else:
                flash(gettext("The card settings are saved."), "success")
                return redirect(folder_page(saved.folder), code=303)
        errors, status = field_errors(errors), error_status(errors)
        errors["rows"] = forms.row_errors(errors, where)
    return render_template("card/settings.html", group=group, folder=current.folder, rows=rows,
                           typed=typed, errors=errors, types=FIELD_TYPES,
                           standard=STANDARD_FIELDS), status


# --- One card ------------------------------------------------------------------------------

def _card_page(person, card):
    view = service.card_view(person, card)
    member = service.is_member_of(person, card)
    return render_template("card/show.html", view=view, card=card, folder=card.folder,
                           group=card.folder.group, member=member,
                           preview=link_preview(pages.name, _shared(card), cid=card.public_id),
                           link=_shared(card).url)


@pages.get("/c/<pid:cid>")
def show_card(cid):
    card = service.find_card(cid)
    person = current_person()
    if card.public and not service.is_member_of(person, card):
        folder = card.folder
        answer_if_unchanged("card", card.id, card.updated_at, folder.version,
                            folder.group.version, person=person)
        return _card_page(person, card)
    # Not public: a member's page, or for strangers the folder's card with "join".
    return member_page_or_public_card(CARD, card.folder.public_id,
                                      lambda loaded: _card_page(loaded.person, card))


def _shareable(person, card):
    """The card as its pictures show it: asked like the page, non-private values only."""
    view = service.card_view(person, card)
    view.values = visible_values(view.fields, card.values, False)
    return view


def _shared(card):
    group = card.folder.group
    return Shared(group.name, card.display_name, "",
                  absolute_url(url_for("card_pages.show_card", cid=card.public_id)),
                  preview_line=gettext("A member card in %(group)s", group=group.name))


PUBLIC_PICTURE, PRIVATE_PICTURE = "public, max-age=600", "private, max-age=600"


def _picture_cache(card):
    return PUBLIC_PICTURE if card.public else PRIVATE_PICTURE


@pages.get("/c/<pid:cid>/card.png")
def card_png(cid):
    """The card's picture; one this worker has drawn is answered after one light
    statement (card.picturekeys)."""
    found = card_picture_key(cid)
    if found is None:  # refused, or a folder for managers only: the full reading decides
        card = service.find_card(cid)
        return send_picture(*_card_png_content(card), cache_control=_picture_cache(card))
    key, public = found
    return send_keyed_picture(key, lambda: _card_png_content(service.find_card(cid)),
                              cache_control=PUBLIC_PICTURE if public else PRIVATE_PICTURE)


def _card_png_content(card):
    """(ETag, draw) of the card's picture, as its reader may see it."""
    view = _shareable(current_person(), card)
    group_name, caption = card.folder.group.name, gettext("Scan to save the contact")
    etag = etag_for("card.png", card.public_id, card.updated_at, card.folder.updated_at,
                    group_name, sorted(view.values.items()), current_language(),
                    *vars(avatar_of(card.owner)).values())
    return etag, lambda: draw_card(view, group_name, caption)


@pages.get("/c/<pid:cid>/contact.png")
def contact_qr(cid):
    card = service.find_card(cid)
    view = _shareable(current_person(), card)
    # The vCard's note names the fields in the reader's language.
    etag = etag_for("contact.png", card.public_id, card.updated_at, card.folder.updated_at,
                    sorted(view.values.items()), current_language())
    return send_picture(etag, lambda: contact_png(view), cache_control=_picture_cache(card))


def _shared_for(cid):
    card = service.find_card(cid)
    service.card_view(current_person(), card)
    return _shared(card)


add_share_routes(pages, "/c/<pid:cid>", _shared_for)
