"""Photos picked on a page's form (a poll's options, a notice's pictures): the same
steps for every widget, so a phone without JavaScript and one with it end alike.

The form has a file input `photos` (several at once) and carries the pictures kept so
far as hidden `photo_id` inputs, with a `remove_photo` box beside each. Without
JavaScript the files come with the form and `store_picked_photos` keeps them; with it,
static/js/photos.js sends each on its own to POST /api/v1/images first and the form
brings only their ids (no request then carries many pictures). A form shown again keeps
its pictures as ids, so nothing is picked twice. The template side is
templates/_photos.html.

A form whose pictures are captioned (a poll's options) uses static/js/photopicker.js
instead: previews appear as soon as photos are picked, with a caption input beside each
(`picked_caption`), and the form goes in one request with the files and their captions
(`store_captioned_photos`), so it is published in one tap."""
from flask import request
from sqlalchemy import select

from grouptools.core.http import allow_large_body
from grouptools.core.i18n import labelled
from grouptools.core.images import MAX_UPLOAD_BYTES
from grouptools.core.links import image_urls
from grouptools.core.models import Image
from grouptools.core.uploads import files_in, limit_uploads, store_images_by_position
from grouptools.extensions import db

PICKED_FIELD = "photos"
# With photopicker.js a caption typed beside each picked photo's preview, in their order.
PICKED_CAPTION_FIELD = "picked_caption"
# Set by photopicker.js: the picked photos' captions came with them, nothing to review.
PUBLISH_NOW_FIELD = "publish_now"
KEPT_FIELD = "photo_id"
REMOVED_FIELD = "remove_photo"
# Photos picked at once on a form without JavaScript: the route's own request size limit.
PHOTOS_MAX_BYTES = 80 * 1024 * 1024


def limit_photo_uploads():
    """The per-person upload limit, counted in the photos this form brings."""
    return limit_uploads(files_in(PICKED_FIELD))


def allow_photo_form(app, endpoint):
    """Let the form's route take several photos in one body."""
    allow_large_body(app, endpoint, PHOTOS_MAX_BYTES)


def photo_value(image, caption=""):
    """A kept picture as a form shows it again."""
    full, thumb = image_urls(image)
    return {"id": image.public_id, "caption": caption, "url": full, "thumb_url": thumb,
            "width": image.thumb_width, "height": image.thumb_height}


def kept_photos(group, limit):
    """[(position among the form's ids, image)]: the pictures uploaded earlier in this
    form that are the group's and not ticked for removal, in their order. The position
    pairs each with inputs of its own (a poll's captions)."""
    ids = request.form.getlist(KEPT_FIELD)[:limit]
    removed = set(request.form.getlist(REMOVED_FIELD))
    known = {image.public_id: image for image in db.session.scalars(
        select(Image).where(Image.public_id.in_(ids), Image.group_id == group.id))} if ids else {}
    return [(index, known[image_id]) for index, image_id in enumerate(ids)
            if image_id in known and image_id not in removed]


def store_picked_photos(person, group, room, too_many):
    """Keep the photos picked in this submission, at most `room` of them, all in one go:
    (images, mistakes), each mistake a line naming its file, then `too_many` when more
    were picked than there is room for.

    :raise TooManyPixelsAtOnce: (413) having stored nothing
    """
    photos, problems = store_captioned_photos(person, group, room, too_many)
    return [image for image, _ in photos], problems


def store_captioned_photos(person, group, room, too_many):
    """store_picked_photos, each image paired with the caption photopicker.js had typed
    beside its preview (`picked_caption`, in the files' order; "" without one)."""
    picked = [upload for upload in request.files.getlist(PICKED_FIELD)
              if upload and upload.filename]
    captions = request.form.getlist(PICKED_CAPTION_FIELD)
    problems = []
    room = max(0, room)
    if len(picked) > room:
        picked = picked[:room]
        problems.append(too_many)
    kept, refused = store_images_by_position(
        person, [(upload.filename, upload.read(MAX_UPLOAD_BYTES + 1)) for upload in picked], group)
    photos = [(image, captions[index] if index < len(captions) else "") for index, image in kept]
    return photos, [labelled(name, error.message) for _, name, error in refused] + problems
