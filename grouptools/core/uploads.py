"""Uploaded pictures kept and served: POST /api/v1/images stores a normalised picture for
a group (or for its uploader alone), /images/<id> serves it to those who may see it.

Every request that brings pictures goes through store_images: a pixel budget read from
the headers before anything is decoded, one transaction for all of them, and one rate
limit per person shared by every route that takes pictures (limit_uploads)."""
import hashlib

from flask import Blueprint, abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_smorest import abort as api_abort
from marshmallow import fields
from sqlalchemy import select

from grouptools.core.access import Action, authorize, can
from grouptools.core.errors import DomainError, Invalid
from grouptools.core.fields import Schema
from grouptools.core.http import Blueprint as ApiBlueprint
from grouptools.core.http import allow_large_body
from grouptools.core.i18n import gettext
from grouptools.core.identity import current_person, require_person
from grouptools.core.image_cleanup import delete_unused_images_now_and_then
from grouptools.core.images import (
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    normalise_image,
    open_picture,
    pixel_count,
)
from grouptools.core import links
from grouptools.core.models import Group, Image, is_public_id
from grouptools.core.ratelimits import rate_limited
from grouptools.core.share import send_picture
from grouptools.core.widgets import shown_to_strangers
from grouptools.extensions import db

blp = ApiBlueprint("images_api", __name__, url_prefix="/api/v1", description="Pictures")
bp = Blueprint("images", __name__)

# Room for the multipart envelope around a picture of the largest accepted size, so
# a 10 MB photo reaches normalise_image (and its clear 413 message) intact.
UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 256 * 1024
# A picture never changes under its id: browsers keep it for a year.
IMAGE_CACHE_CONTROL = "private, max-age=31536000, immutable"


class TooManyPixelsAtOnce(DomainError):
    """Pictures that together would take a worker too long to decode (one request)."""

    status = 413

    def __init__(self, total, budget):
        super().__init__(_l(
            "These pictures are too large to add at once (%(total)d megapixels; at most "
            "%(budget)d in one go). Add fewer at a time.",
            total=-(-total // 1_000_000), budget=budget // 1_000_000))


def pixel_budget():
    """Megapixels one request may have decoded; always room for one allowed picture."""
    return max(MAX_PIXELS, current_app.config["UPLOAD_PIXEL_BUDGET"])


def limit_uploads(count=lambda: 1):
    """The per-person upload limit, counted in pictures (`count()` in this request) and
    shared by every route that takes pictures, so no route is a way around another."""
    return rate_limited("upload", cost=count, exempt_when=lambda: count() == 0)


def files_in(field):
    """How many files a form field brings (a file input sent empty brings one unnamed)."""
    return lambda: sum(1 for upload in request.files.getlist(field) if upload.filename)


class ImageSchema(Schema):
    id = fields.String(attribute="public_id")
    url = fields.String()
    thumb_url = fields.String()
    width = fields.Integer()
    height = fields.Integer()


def image_urls(image):
    """The upload API's answer: both addresses, absolute."""
    full, thumb = links.image_urls(image, absolute=True)
    return {"url": full, "thumb_url": thumb}


def store_images(person, files, group=None):
    """Normalise and keep the pictures of one request, `files` being [(name, bytes)];
    in a group only an active member may add them.

    Returns (images, problems): the kept pictures in their order, and (name, error) for
    each one refused on its own (unreadable, wrong format …). Raises TooManyPixelsAtOnce
    (413) before any pixel is decoded when their headers add up to more than the budget.
    All are stored in one transaction: a request that fails part-way keeps nothing."""
    kept, problems = store_images_by_position(person, files, group)
    return [image for _, image in kept], [(name, error) for _, name, error in problems]


def store_images_by_position(person, files, group=None):
    """store_images, each kept picture and each refusal with its position in `files`:
    ([(position, image)], [(position, name, error)]), for a form that pairs each picked
    file with inputs of its own (a poll's captions)."""
    if not files:
        return [], []
    if group is not None:
        authorize(person, Action.ACT, group)
    opened, problems = [], []
    for index, (name, data) in enumerate(files):
        try:
            opened.append((index, name, open_picture(data)))
        except DomainError as error:
            problems.append((index, name, error))
    total = sum(pixel_count(picture) for _, _, picture in opened)
    if total > pixel_budget():
        raise TooManyPixelsAtOnce(total, pixel_budget())
    # Decoding and resizing take a while: end the transaction first, so SQLite's write
    # lock (taken up front for a POST) is not held while the pixels are worked on.
    db.session.commit()
    kept = []
    for index, name, picture in opened:
        try:
            kept.append((index, _image_row(person, group, normalise_image(picture))))
        except DomainError as error:
            problems.append((index, name, error))
    if kept:
        db.session.add_all(image for _, image in kept)
        db.session.commit()
        delete_unused_images_now_and_then()
    return kept, sorted(problems, key=lambda p: p[0])


def _image_row(person, group, picture):
    return Image(
        group=group, uploader_id=person.id, mime=picture.mime, width=picture.width,
        height=picture.height, data=picture.full, thumb_mime=picture.mime,
        thumb_width=picture.thumb_width, thumb_height=picture.thumb_height,
        thumb_data=picture.thumb, digest=hashlib.sha256(picture.full).hexdigest(),
    )


def store_image(person, data, group=None):
    """One picture, as store_images keeps it; its refusal raised as the error it is."""
    images, problems = store_images(person, [("", data)], group)
    if problems:
        raise problems[0][1]
    return images[0]


def visible_image(person, public_id):
    """The picture if the asker may see it: a group's pictures are for its active members
    (and whoever uploaded them), and for anyone where a widget of a group open to all
    shows it on its public card (a poll's option pictures); a picture with no group is
    public to its link."""
    if not is_public_id(public_id):
        abort(404)
    image = db.session.scalar(select(Image).where(Image.public_id == public_id))
    if image is None:
        abort(404)
    if image.group is not None and not (
        (person is not None and image.uploader_id == person.id)
        or can(person, Action.VIEW_GROUP, image.group)
        or shown_to_strangers(image)
    ):
        abort(404)
    return image


def group_images(group, public_ids, field="image_ids"):
    """The group's pictures named by `public_ids` (uploaded with POST /api/v1/images for
    this group), in the order given: what a widget attaches. One naming a picture of no
    group, of another group, or none at all, is refused under `field`, by position.

    :raise Invalid: {field: {position: [message]}}
    """
    found = {image.public_id: image for image in db.session.scalars(
        select(Image).where(Image.public_id.in_(set(public_ids)),
                            Image.group_id == group.id))} if public_ids else {}
    missing = {position: [str(_l("No such picture in this group."))]
               for position, public_id in enumerate(public_ids) if public_id not in found}
    if missing:
        raise Invalid({field: missing})
    return [found[public_id] for public_id in public_ids]


@blp.route("/images", methods=["POST"])
@limit_uploads()
@blp.response(201, ImageSchema)
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"},
                   "group_id": {"type": "string", "description": "public id of the group"}},
}}}})
def upload_image():
    """Upload a picture (JPEG, PNG, WebP, GIF; at most 10 MB and 40 megapixels)."""
    person = require_person()
    if request.mimetype != "multipart/form-data":
        api_abort(415, message=gettext("Send the picture as multipart/form-data in a field named 'file'."))
    upload = request.files.get("file")
    if upload is None:
        api_abort(422, errors={"files": {"file": [gettext("This field is required.")]}})
    group = None
    group_id = request.form.get("group_id")
    if group_id:
        group = db.session.scalar(select(Group).where(Group.public_id == group_id)) \
            if is_public_id(group_id) else None
        if group is None:
            api_abort(404)
    image = store_image(person, upload.read(MAX_UPLOAD_BYTES + 1), group)
    return {"public_id": image.public_id, "width": image.width, "height": image.height,
            **image_urls(image)}


@bp.get("/images/<iid>")
def show_image(iid):
    image = visible_image(current_person(), iid)
    return send_picture(image.digest, lambda: image.data, image.mime, IMAGE_CACHE_CONTROL)


@bp.get("/images/<iid>/thumb")
def show_thumb(iid):
    image = visible_image(current_person(), iid)
    return send_picture(f"{image.digest}-thumb", lambda: image.thumb_data, image.thumb_mime,
                        IMAGE_CACHE_CONTROL)


def init_app(app):
    allow_large_body(app, "images_api.upload_image", UPLOAD_BODY_LIMIT)
