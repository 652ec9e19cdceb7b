"""HTML forms read with the same marshmallow schemas as the API, so both refuse alike;
and the one way a refusal — the schema's or the service's — is shown again on a form.

Every form page follows the same steps: read what was typed (`read_form`, or a widget's
own reader building the API's payload), `load` it with the API's schema, call the
service, and on a refusal re-show the form with `field_errors(error)` and
`error_status(error)`. Views catch DomainError, re-raising what a form cannot show
(`shown_on_form`)."""
from datetime import datetime, timezone

from flask import request
from marshmallow import ValidationError

from grouptools.core.errors import DomainError
from grouptools.core.fields import Deadline
from grouptools.core.timeutil import group_zone, local_time

# What an <input type="datetime-local"> sends and shows: no zone, no seconds.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# Refusals a form shows next to its fields; any other (403, 404 …) is the error page.
FORM_STATUSES = frozenset({409, 422})


def read_form(schema, booleans=()):
    """(data, errors, values): `values` is what the person typed, to show again.

    Empty optional fields are left out (a form sends "" for a field left blank);
    unchecked boxes send nothing, so `booleans` are read as present/absent."""
    values = {}
    for name, field in schema.fields.items():
        if name in booleans:
            values[name] = name in request.form
        elif name in request.form:
            values[name] = request.form.get(name, "")
    submitted = {
        name: value for name, value in values.items()
        if not (value == "" and not schema.fields[name].required)
    }
    data, errors = load(schema, submitted)
    return data, errors, values


def load(schema, payload):
    """(data, {}) or (None, {field: [messages]}) from the API's schema."""
    try:
        return schema.load(payload), {}
    except ValidationError as error:
        return None, field_errors(error)


def field_errors(error):
    """A refusal as {field: [messages]} for a re-shown form.

    `error` is a marshmallow ValidationError, a DomainError (its field errors, or its
    message for the whole form under "_form"), or messages already in that shape.
    Nested messages (lists, objects: {"options": {0: {"text": [..]}}}) are kept as they
    are, for the widget to put next to its own inputs."""
    if isinstance(error, ValidationError):
        messages = error.messages
        return dict(messages) if isinstance(messages, dict) else {"_form": list(messages)}
    if isinstance(error, DomainError):
        return dict(error.errors) if error.errors else {"_form": [str(error.message)]}
    return dict(error or {})


def errors_by_input(error, renamed=None):
    """A refusal as a form shows it: one list of lines per input. Messages about items
    of a list (by position: a picture, a member, a weekday) become lines on the whole
    list, and the API's field names become the form's (`renamed`, e.g.
    {"image_ids": "photos"}: the pictures were picked in the `photos` input)."""
    renamed = renamed or {}
    shown = {}
    for key, messages in field_errors(error).items():
        if isinstance(messages, dict):
            messages = sorted({str(m) for ms in messages.values() for m in ms})
        shown.setdefault(renamed.get(key, key), []).extend(messages)
    return shown


def error_status(error):
    """The status of the re-shown form: a refused action keeps its own (409 full,
    closed …); invalid input is 422."""
    return error.status if isinstance(error, DomainError) else 422


def shown_on_form(error):
    """Whether a service's refusal belongs next to the form's fields."""
    return isinstance(error, DomainError) and error.status in FORM_STATUSES


# --- Deadlines ----------------------------------------------------------------------------

def deadline_payload(group, typed):
    """A datetime-local value ("2026-12-01T20:00") read in the group's own time zone,
    as the ISO time with offset the API's Deadline field takes; None when left blank.

    What is no date at all is passed on as typed, so the schema refuses it with the same
    message the API gives."""
    typed = (typed or "").strip()
    if not typed:
        return None
    try:
        local = datetime.fromisoformat(typed)
    except ValueError:
        return typed
    if local.tzinfo is None:
        local = local.replace(tzinfo=group_zone(group))
    return local.isoformat()


def read_deadline(group, typed):
    """A datetime-local value as an aware UTC instant (None when blank), within the
    Deadline bounds of core.fields; raises ValidationError with its messages."""
    value = deadline_payload(group, typed)
    return None if value is None else Deadline().deserialize(value).astimezone(timezone.utc)


def deadline_input(group, deadline):
    """A stored deadline as a datetime-local input shows it, in the group's zone."""
    return local_time(group, deadline).strftime(DATETIME_LOCAL) if deadline else ""


def deadline_unchanged(group, typed, stored):
    """Shown again unchanged, a stored deadline is left as it is (one long past would
    no longer be accepted as a new deadline)."""
    return stored is not None and (typed or "").strip() == deadline_input(group, stored)
