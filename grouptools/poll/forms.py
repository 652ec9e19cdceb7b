"""The create and edit forms read into the API's shape, so the page and the JSON API
refuse alike (same schemas, same service); and mistakes mapped back onto the fields."""
from flask import request

from grouptools.core.forms import deadline_payload, deadline_unchanged, field_errors, load
from grouptools.core.pickedphotos import kept_photos, photo_value
from grouptools.poll.models import Poll
from grouptools.poll.schemas import PollCreateSchema, PollSettingsSchema

# Shown without JavaScript; poll.js adds inputs one at a time up to the maximum.
TEXT_OPTION_INPUTS = 6
SETTINGS_TEXT = ("title", "description", "results_visibility")


def _whole_number(value):
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) <= 4 else value


def _photos(group, values):
    """Photos uploaded earlier in this form ({id, caption}), those of the group only."""
    captions = request.form.getlist("photo_caption")
    values["photos"] = [photo_value(image, captions[index] if index < len(captions) else "")
                        for index, image in kept_photos(group, Poll.OPTIONS_MAX)]


def typed_create_form(group):
    """What the person typed on the create form, to read (read_create_form) and to show
    again; photos picked in this request are added to its `photos` by the page."""
    form = request.form
    values = {key: form.get(key, "") for key in (*SETTINGS_TEXT, "min_choices", "max_choices",
                                                  "deadline")}
    values["multiple"] = form.get("multiple") == "multiple"
    values["anonymous"] = "anonymous" in form
    values["allow_change"] = "allow_change" in form
    # Empty inputs are left out, so each typed option is shown again in its order.
    values["options"] = [t for t in form.getlist("option") if t.strip()][:Poll.OPTIONS_MAX]
    _photos(group, values)
    return values


def read_create_form(group, values):
    """(data or None, errors, values) of what typed_create_form read."""
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
    deadline = deadline_payload(group, values["deadline"])
    if deadline:
        submitted["deadline"] = deadline
    return _load(PollCreateSchema(), submitted, values)


def read_edit_form(group, deadline=None):
    """`deadline` is the stored one: shown again unchanged, it is left as it is."""
    form = request.form
    values = {key: form.get(key, "") for key in (*SETTINGS_TEXT, "deadline")}
    submitted = {key: values[key] for key in SETTINGS_TEXT}
    if not deadline_unchanged(group, values["deadline"], deadline):
        submitted["deadline"] = deadline_payload(group, values["deadline"])
    return _load(PollSettingsSchema(), submitted, values)


def _load(schema, submitted, values):
    data, errors = load(schema, submitted)
    return data, form_errors(errors, values) if errors else {}, values


def form_errors(error, values):
    """A refusal — the schema's or the service's (core.forms.field_errors) — as the form
    shows it: a message per field, per photo caption and per text option."""
    messages = field_errors(error)
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

