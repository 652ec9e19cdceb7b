"""/api/v1 routes about people and the asker."""
from flask import request, url_for
from flask_smorest import abort as api_abort
from flask_wtf.csrf import generate_csrf

from grouptools.core.avatars import avatar_of
from grouptools.core.groups.service import my_groups
from grouptools.core.http import allow_large_body
from grouptools.core.i18n import gettext
from grouptools.core.identity import require_person, sign_in
from grouptools.core.images import MAX_UPLOAD_BYTES
from grouptools.core.links import absolute_url
from grouptools.core.people import blp, service
from grouptools.core.people.schemas import (
    AvatarSchema,
    CsrfSchema,
    MeSchema,
    MyItemsSchema,
    PersonCreateSchema,
    PersonCreatedSchema,
    PersonSchema,
    PersonUpdateSchema,
    TokenSchema,
    UrlSchema,
)
from grouptools.core.ratelimits import rate_limited
from grouptools.core.uploads import UPLOAD_BODY_LIMIT, limit_uploads
from grouptools.core.widgets import my_items


def my_view(person):
    groups = [
        {"id": group.public_id, "name": group.name, "role": membership.role,
         "status": membership.status}
        for group, membership in my_groups(person)
    ]
    return {"public_id": person.public_id, "name": person.name, "groups": groups}


@blp.route("/csrf")
@blp.response(200, CsrfSchema)
def csrf_token():
    """The CSRF token a script sends as X-CSRFToken with cookie-authenticated writes."""
    return {"csrf_token": generate_csrf()}


@blp.route("/people", methods=["POST"])
@rate_limited("create_person")
@blp.arguments(PersonCreateSchema)
@blp.response(201, PersonCreatedSchema)
def create_person(data):
    """Create a person by name; answers the API token once and signs the browser in."""
    person, token = service.create_person(data["name"])
    sign_in(person)
    return {"public_id": person.public_id, "name": person.name, "token": token}


@blp.route("/me")
@blp.response(200, MeSchema)
def me():
    return my_view(require_person())


@blp.route("/me/items")
@blp.response(200, MyItemsSchema)
def my_open_items():
    """What waits for the asker in all their groups, newest first: polls not voted in,
    places and waitlist positions held, notices to confirm, today's check-ins."""
    person = require_person()
    return {"items": [{**vars(item), "url": absolute_url(item.url)} for item in my_items(person)]}


@blp.route("/me", methods=["PATCH"])
@blp.arguments(PersonUpdateSchema)
@blp.response(200, PersonSchema)
def rename_me(data):
    return service.rename_person(require_person(), data["name"])


@blp.route("/me/token", methods=["POST"])
@blp.response(201, TokenSchema)
def rotate_my_token():
    """A new API token; the old one stops working."""
    return {"token": service.rotate_token(require_person())}


@blp.route("/me/signout-everywhere", methods=["POST"])
@blp.response(200, TokenSchema)
def sign_out_everywhere():
    """End every other session, the old token and the old sign-in link; a new token."""
    person = require_person()
    token = service.sign_out_everywhere(person)
    sign_in(person)  # this browser stays signed in, under the new session version
    return {"token": token}


@blp.route("/me/signin-link")
@blp.response(200, UrlSchema)
def my_signin_link():
    """The personal link that signs this person in on another device (after a confirm)."""
    person = require_person()
    return {"url": absolute_url(f"/signin/{service.personal_signin_token(person)}")}


def avatar_view(person):
    avatar = avatar_of(person)
    photo = None
    if avatar.photo_id is not None:
        photo = absolute_url(url_for("images.show_thumb", iid=avatar.photo_id))
    red, green, blue = avatar.rgb
    return {"photo": photo is not None, "url": photo, "initial": avatar.initial,
            "colour": f"#{red:02x}{green:02x}{blue:02x}"}


@blp.route("/me/avatar")
@blp.response(200, AvatarSchema)
def my_avatar():
    """My avatar as every page shows it: my photo, or my initial on my colour."""
    return avatar_view(require_person())


@blp.route("/me/avatar", methods=["PUT"])
@limit_uploads()
@blp.response(200, AvatarSchema)
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}}}}})
def put_my_avatar():
    """Upload a photo avatar (JPEG, PNG, WebP, GIF; at most 10 MB and 40 megapixels),
    shown wherever my initial was; it replaces the photo before."""
    person = require_person()
    if request.mimetype != "multipart/form-data":
        api_abort(415, message=gettext("Send the picture as multipart/form-data in a field named 'file'."))
    upload = request.files.get("file")
    if upload is None:
        api_abort(422, errors={"files": {"file": [gettext("This field is required.")]}})
    return avatar_view(service.set_avatar(person, upload.read(MAX_UPLOAD_BYTES + 1)))


@blp.route("/me/avatar", methods=["DELETE"])
@blp.response(200, AvatarSchema)
def delete_my_avatar():
    """Remove my photo avatar: my initial on my colour again."""
    return avatar_view(service.remove_avatar(require_person()))


blp.record_once(lambda state: allow_large_body(state.app, "people.put_my_avatar",
                                               UPLOAD_BODY_LIMIT))
