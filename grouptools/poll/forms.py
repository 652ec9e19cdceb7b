"""The create and edit forms read into the API's shape, so the page and the JSON API
refuse alike (same schemas, same service); and mistakes mapped back onto the fields."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import request
from flask_babel import gettext
from marshmallow import ValidationError
from sqlalchemy import select

from grouptools.core.errors import Invalid
from grouptools.core.models import Image
from grouptools.core.timeutil import local_time
from grouptools.extensions import db
from grouptools.poll.links import image_urls
from grouptools.poll.models import Poll
from grouptools.poll.schemas import PollCreateSchema, PollSettingsSchema

# Shown without JavaScript; poll.js adds inputs one at a time up to the maximum.
TEXT_OPTION_INPUTS = 6
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
SETTINGS_TEXT = ("title", "description", "results_visibility")


def _whole_number(value):
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) <= 4 else value


def _deadline(group, value, errors):
    """A datetime-local value, read in the group's time zone, as an ISO time with offset."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        errors["deadline"] = [gettext("Not a valid date and time.")]
        return None
    if local.tzinfo is not None:
        return local.isoformat()
    return local.replace(tzinfo=ZoneInfo(group.timezone)).isoformat()


def deadline_input(group, deadline):
    return local_time(group, deadline).strftime(LOCAL_FORMAT) if deadline else ""


def _photos(group, values):
    """Photos uploaded earlier in this form ({id, caption}), those of the group only."""
    ids = request.form.getlist("photo_id")[:Poll.OPTIONS_MAX]
    captions = request.form.getlist("photo_caption")
    removed = set(request.form.getlist("remove_photo"))
    known = {i.public_id: i for i in db.session.scalars(
        select(Image).where(Image.public_id.in_(ids), Image.group_id == group.id))} if ids else {}
    photos = []
    for index, image_id in enumerate(ids):
        if image_id in known and image_id not in removed:
            caption = captions[index] if index < len(captions) else ""
            photos.append(photo_value(known[image_id], caption))
    values["photos"] = photos


def photo_value(image, caption=""):
    full, thumb = image_urls(image)
    return {"id": image.public_id, "caption": caption, "url": full, "thumb_url": thumb,
            "width": image.thumb_width, "height": image.thumb_height}


def read_create_form(group):
    """(data or None, errors, values): `values` is what the person typed, to show again."""
    form = request.form
    values = {key: form.get(key, "") for key in (*SETTINGS_TEXT, "min_choices", "max_choices",
                                                  "deadline")}
    values["multiple"] = form.get("multiple") == "multiple"
    values["anonymous"] = "anonymous" in form
    values["allow_change"] = "allow_change" in form
    # Empty inputs are left out, so each typed option is shown again in its order.
    values["options"] = [t for t in form.getlist("option") if t.strip()][:Poll.OPTIONS_MAX]
    _photos(group, values)
    errors = {}
    submitted = {
        "title": values["title"],
        "description": values["description"],
        "multiple": values["multiple"],
        "anonymous": values["anonymous"],
        "allow_change": values["allow_change"],
        "options": [{"image_id": p["id"], **({"text": p["caption"]} if p["caption"].strip() else {})}
                    for p in values["photos"]]
                   + [{"text": text} for text in values["options"]],
    }
    if values["results_visibility"]:
        # Left empty ("Automatic"), the service picks by the kind of poll.
        submitted["results_visibility"] = values["results_visibility"]
    if values["multiple"]:
        for key in ("min_choices", "max_choices"):
            number = _whole_number(values[key])
            if number is not None:
                submitted[key] = number
    deadline = _deadline(group, values["deadline"], errors)
    if deadline:
        submitted["deadline"] = deadline
    return _load(PollCreateSchema(), submitted, errors, values)


def read_edit_form(group, deadline=None):
    """`deadline` is the stored one: shown again unchanged, it is left as it is."""
    form = request.form
    values = {key: form.get(key, "") for key in (*SETTINGS_TEXT, "deadline")}
    errors = {}
    submitted = {key: values[key] for key in SETTINGS_TEXT}
    if deadline is None or values["deadline"].strip() != deadline_input(group, deadline):
        submitted["deadline"] = _deadline(group, values["deadline"], errors)
    return _load(PollSettingsSchema(), submitted, errors, values)


def _load(schema, submitted, errors, values):
    try:
        data = schema.load(submitted)
    except ValidationError as error:
        errors.update(error.messages)
        data = None
    if errors:
        return None, form_errors(errors, values), values
    return data, {}, values


def form_errors(messages, values):
    """Schema or service messages ({field: [..]}, options by index) as the form shows
    them: a message per field, per photo caption and per text option."""
    errors = {k: v for k, v in messages.items() if k != "options"}
    options = messages.get("options")
    if isinstance(options, dict):
        photos = len(values.get("photos", []))
        for index, problem in options.items():
            text = " ".join(m for ms in problem.values() for m in ms) \
                if isinstance(problem, dict) else str(problem)
            index = int(index)
            # Photos come first in the poll, then the typed options.
            key = f"photo-{index}" if index < photos else f"option-{index - photos}"
            errors[key] = text
    elif options:
        errors["options"] = options
    return errors


def service_errors(error, values):
    """An Invalid raised by the service, mapped like schema errors."""
    if isinstance(error, Invalid) and error.errors:
        return form_errors(error.errors.get("json", error.errors), values)
    return {"_form": [str(error.message)]}

