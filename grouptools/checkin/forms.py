"""The check-in form of the habit page, read into the API's payload: a few words, the
day (a make-up names a past one), and photos picked the way every widget's form takes
them (core.pickedphotos) — kept first, so a form shown again for a mistake still has
them and nothing is picked twice."""
from flask import request

from grouptools.checkin.checkins import proof_errors
from grouptools.checkin.models import Checkin
from grouptools.checkin.schemas import CheckinCreateSchema
from grouptools.core.forms import errors_by_input, load
from grouptools.core.i18n import gettext
from grouptools.core.pickedphotos import kept_photos, photo_value, store_picked_photos

# Where the API's refusals are shown on the form: pictures were picked in `photos`.
FORM_FIELDS = {"image_ids": "photos"}


def too_many_photos():
    return gettext("A check-in has at most %(num)d photos.", num=Checkin.IMAGES_MAX)


def typed_checkin(habit):
    """What was typed, with the photos kept so far (core.pickedphotos.photo_value)."""
    typed = {"text": request.form.get("text", ""), "date": request.form.get("date", "")}
    typed["photos"] = [photo_value(image) for _, image in
                       kept_photos(habit.group, Checkin.IMAGES_MAX)]
    return typed


def read_checkin_form(person, habit, typed):
    """(data for checkins.check_in or None, {input: [messages]}); the photos picked now
    are kept and added to `typed`.

    :raise TooManyPixelsAtOnce: (413) the photos picked at once, having kept none of them
    """
    images, problems = store_picked_photos(
        person, habit.group, Checkin.IMAGES_MAX - len(typed["photos"]), too_many_photos())
    typed["photos"] += [photo_value(image) for image in images]
    payload = {"text": typed["text"], "image_ids": [photo["id"] for photo in typed["photos"]]}
    if typed["date"]:
        payload["date"] = typed["date"]
    data, invalid = load(CheckinCreateSchema(), payload)
    errors = errors_by_input(invalid, FORM_FIELDS)
    if problems:
        errors.setdefault("photos", []).extend(problems)
    if errors:  # the proof missing too, so that every mistake is shown at once
        for key, messages in proof_errors(habit, typed["text"].strip(),
                                          payload["image_ids"]).items():
            errors.setdefault(FORM_FIELDS.get(key, key), messages)
    return (None if errors else data), errors
