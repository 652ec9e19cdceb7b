"""Pages about the person: "Me" (what waits for them in their groups, their avatar, name,
groups, the sign-in link for another device, sign out everywhere), the personal sign-in link and a manager's one-time link (which moves one
membership, never the person) — each a confirm page on GET, since chat apps' preview bots
fetch every link, and the action itself on POST."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from grouptools.core.avatars import avatar_of
from grouptools.core.errors import DomainError
from grouptools.core.forms import read_form
from grouptools.core.groups import moves
from grouptools.core.groups.service import my_groups
from grouptools.core.http import allow_large_body
from grouptools.core.i18n import gettext
from grouptools.core.identity import current_person, require_person, sign_in
from grouptools.core.images import MAX_UPLOAD_BYTES
from grouptools.core.links import absolute_url, group_url
from grouptools.core.people import service
from grouptools.core.people.schemas import PersonUpdateSchema
from grouptools.core.ratelimits import rate_limited
from grouptools.core.security import no_store
from grouptools.core.share import qr_png_response
from grouptools.core.uploads import UPLOAD_BODY_LIMIT, files_in, limit_uploads
from grouptools.core.widgets import me_sections, my_items

bp = Blueprint("people_pages", __name__, template_folder="templates")
# Every page draws avatars with the `avatar` macro, which asks this (templates/_macros.html).
bp.add_app_template_global(avatar_of)

SECRET_MAX = 200
# One budget per address over every /signin/ route (confirm pages and sign-ins alike):
# a sign-in link is a secret in a URL, not to be tried by the thousand.
signin_limit = rate_limited("signin")


def my_group_items(person):
    """The person's groups as the home and "Me" pages list them."""
    return [
        {"name": group.name, "url": group_url(group), "role": membership.role,
         "pending": membership.status == "pending", "avatar": avatar_of(group)}
        for group, membership in my_groups(person)
    ]


def personal_signin_url(person):
    return absolute_url(url_for("people_pages.confirm_personal_link",
                                token=service.personal_signin_token(person)))


def me_page(person, values=None, errors=None, status=200, avatar_error=None):
    """"Me": what waits for the person across their groups (every widget kind's
    my_open_items), their name and avatar, groups, what they keep, other devices."""
    return no_store(render_template(
        "people/me.html", person=person, groups=my_group_items(person),
        signin_url=personal_signin_url(person), values=values or {"name": person.name},
        errors=errors or {}, sections=me_sections(person), items=my_items(person),
        avatar_error=avatar_error,
    ), status)


@bp.get("/me")
def me():
    person = current_person()
    if person is None:
        return render_template("people/me_anonymous.html")
    return me_page(person)


@bp.post("/me")
def rename_me():
    person = require_person()
    data, errors, values = read_form(PersonUpdateSchema())
    if errors:
        return me_page(person, values, errors, 422)
    service.rename_person(person, data["name"])
    flash(gettext("Your name is now %(name)s.", name=person.name), "success")
    return redirect(url_for("people_pages.me"), code=303)


@bp.post("/me/avatar")
@limit_uploads(files_in("photo"))
def upload_avatar():
    """The photo avatar from "Me"'s form; a refused picture shows the page again with
    the reason under the file field."""
    person = require_person()
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return me_page(person, status=422, avatar_error=gettext("Choose a photo first."))
    try:
        service.set_avatar(person, upload.read(MAX_UPLOAD_BYTES + 1))
    except DomainError as error:
        return me_page(person, status=error.status, avatar_error=str(error.message))
    flash(gettext("Your photo is your avatar now, in every group."), "success")
    return redirect(url_for("people_pages.me", _anchor="avatar"), code=303)


@bp.post("/me/avatar/delete")
def remove_avatar():
    service.remove_avatar(require_person())
    flash(gettext("Your photo is removed: your initial stands for you again."), "success")
    return redirect(url_for("people_pages.me", _anchor="avatar"), code=303)


bp.record_once(lambda state: allow_large_body(state.app, "people_pages.upload_avatar",
                                              UPLOAD_BODY_LIMIT))


@bp.post("/me/signout-everywhere")
def sign_out_everywhere():
    person = require_person()
    service.sign_out_everywhere(person)
    sign_in(person)  # this phone stays signed in under the new session version
    flash(gettext("Every other device is signed out, and your old sign-in link no longer "
                  "works. Your new link is below."), "success")
    return redirect(url_for("people_pages.me"), code=303)


@bp.get("/me/qr.png")
def my_signin_qr():
    """The personal sign-in link as a QR code, to scan with the other device's camera."""
    return qr_png_response(personal_signin_url(require_person()), cache_control="no-store")


def _confirm_page(person, action):
    if person is None:
        abort(404)
    return no_store(render_template("people/signin_confirm.html", person=person, action=action,
                                    current=current_person()))


@bp.get("/signin/<token>")
@signin_limit
def confirm_personal_link(token):
    person = service.person_from_signin_token(token[:SECRET_MAX])
    return _confirm_page(person, url_for("people_pages.use_personal_link", token=token))


def _signed_in_as(person):
    if person is None:
        abort(404)
    sign_in(person)
    flash(gettext("Signed in as %(name)s.", name=person.name), "success")
    return redirect(url_for("people_pages.me"), code=303)


@bp.post("/signin/<token>")
@signin_limit
def use_personal_link(token):
    return _signed_in_as(service.person_from_signin_token(token[:SECRET_MAX]))


@bp.get("/signin/once/<secret>")
@signin_limit
def confirm_one_time_link(secret):
    link = moves.find_move_link(secret[:SECRET_MAX])
    if link is None:
        abort(404)
    device = current_person()
    refusal = moves.move_refusal(link, device)
    return no_store(render_template(
        "people/move_confirm.html", membership=link.membership, group=link.membership.group,
        current=device, refusal=refusal.message if refusal else None,
        action=url_for("people_pages.use_one_time_link", secret=secret),
    ))


@bp.post("/signin/once/<secret>")
@signin_limit
def use_one_time_link(secret):
    membership, person, created = moves.redeem_move_link(secret[:SECRET_MAX], current_person())
    if created:
        sign_in(person)
    flash(gettext("%(group)s is on this device now: you take part as %(name)s.",
                  group=membership.group.name, name=membership.display_name), "success")
    return redirect(url_for("group_pages.show_group", gid=membership.group.public_id), code=303)
