"""The relay's HTML forms read into the API's own payloads, so a page and a client are
refused alike (the same marshmallow schemas, the same service), and errors mapped back
to the form's field names.

The reply format is defined on a phone without JavaScript: a fixed number of field rows
(label, type, required, private, pattern, hint, choices), empty rows ignored; slots
likewise."""
import re

from flask import request
from flask_babel import lazy_gettext as _l

from grouptools.core.forms import deadline_payload, deadline_unchanged, field_errors
from grouptools.core.i18n import gettext

FIELD_ROWS = 5
FIELD_ROWS_SHOWN = 2  # the others wait behind "More fields", so the form stays short
EXTRA_FIELD_ROWS = 2  # empty rows under a relay's fields on the organiser's page
SLOT_ROWS = 6
EXTRA_SLOT_ROWS = 3
FIELD_PARTS = ("label", "type", "pattern", "hint", "choices")
CHOICE_SEPARATORS = re.compile(r"\s*[\n,，/、;；]\s*")
TYPE_LABELS = (
    ("text", _l("Text")), ("phone", _l("Phone number")), ("number", _l("Number")),
    ("email", _l("E-mail")), ("date", _l("Date")), ("choice", _l("Choice from a list")),
)


def preset_rows():
    """What a new relay starts from: a phone number only organisers see (the reply is
    then "name + phone", the commonest sign-up in a chat)."""
    rows = [{"label": "", "type": "text"} for _ in range(FIELD_ROWS)]
    rows[0] = {"label": gettext("Phone"), "type": "phone", "required": True, "private": True,
               "hint": ""}
    return rows


def _key_for(label, position, taken):
    key = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    if not key or not key[0].isalpha() or len(key) > 32 or key in taken:
        key = f"f{position}"
        suffix = 1
        while key in taken:
            suffix += 1
            key = f"f{position}_{suffix}"
    taken.add(key)
    return key


def read_field_rows(count=FIELD_ROWS, keys=()):
    """(rows as typed, payload list, {payload index: row number}).

    `keys` are those of the relay's fields (and of fields removed after people replied):
    a row that carries one of them in its hidden `key` input is that field, revised; a
    new row gets a key none of them has."""
    rows, payload, row_of, taken = [], [], {}, set(keys)
    for number in range(1, count + 1):
        row = {part: request.form.get(f"field-{number}-{part}", "") for part in FIELD_PARTS}
        row["required"] = f"field-{number}-required" in request.form
        row["private"] = f"field-{number}-private" in request.form
        row["key"] = request.form.get(f"field-{number}-key", "")
        rows.append(row)
        if not row["label"].strip():
            continue
        key = row["key"] if row["key"] in keys else _key_for(row["label"], number, taken)
        item = {"key": key, "label": row["label"],
                "type": row["type"] or "text", "required": row["required"],
                "private": row["private"]}
        if row["pattern"].strip():
            item["pattern"] = row["pattern"].strip()
        if row["hint"].strip():
            item["hint"] = row["hint"]
        if row["type"] == "choice" or row["choices"].strip():
            item["choices"] = [c for c in CHOICE_SEPARATORS.split(row["choices"].strip()) if c]
        row_of[len(payload)] = number
        payload.append(item)
    return rows, payload, row_of


def read_slot_rows(count):
    """(rows as typed, payload list, {payload index: row number}); rows may carry the id
    of an existing slot, and a row whose name was emptied drops that slot."""
    rows, payload, row_of = [], [], {}
    for number in range(1, count + 1):
        row = {part: request.form.get(f"slot-{number}-{part}", "")
               for part in ("id", "label", "capacity")}
        rows.append(row)
        if not row["label"].strip():
            continue
        item = {"label": row["label"]}
        if row["id"]:
            item["id"] = row["id"]
        item["capacity"] = _number_or_text(row["capacity"])
        row_of[len(payload)] = number
        payload.append(item)
    return rows, payload, row_of


def _number_or_text(value):
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else value


def _number_or(value, default):
    number = _number_or_text(value)
    return default if number is None else number


def read_settings(group, booleans=("waitlist",), deadline=None):
    """The flat settings of the create and settings forms, as typed and as a payload.

    `deadline` is the one stored: shown again unchanged, it is left as it is (one long
    past would no longer be accepted as a new deadline)."""
    values = {name: request.form.get(name, "") for name in
              ("title", "description", "starts_at", "place", "capacity", "guests_max",
               "per_member_max", "deadline")}
    for name in booleans:
        values[name] = name in request.form
    payload = {"title": values["title"], "description": values["description"],
               "starts_at": deadline_payload(group, values["starts_at"]),
               "place": values["place"],
               "capacity": _number_or_text(values["capacity"]),
               "guests_max": _number_or(values["guests_max"], 0),
               "per_member_max": _number_or(values["per_member_max"], 1),
               "waitlist": values["waitlist"],
               "deadline": deadline_payload(group, values["deadline"])}
    if deadline_unchanged(group, values["deadline"], deadline):
        del payload["deadline"]
    return values, payload


def form_errors(messages, field_rows=None, slot_rows=None):
    """A refusal — the schema's or the service's (core.forms.field_errors) — as
    {form field name: [messages]}: field and slot rows by their number on the form."""
    messages = field_errors(messages)
    errors = {}
    for name, message in messages.items():
        if name == "fields" and isinstance(message, dict) and field_rows is not None:
            for index, parts in message.items():
                number = field_rows.get(int(index), 1)
                for part, text in (parts.items() if isinstance(parts, dict) else [("label", parts)]):
                    errors[f"field-{number}-{part}"] = text
        elif name == "slots" and isinstance(message, dict) and slot_rows is not None:
            for index, parts in message.items():
                number = slot_rows.get(int(index), 1)
                for part, text in (parts.items() if isinstance(parts, dict) else [("label", parts)]):
                    errors[f"slot-{number}-{part}"] = text
        elif name == "values" and isinstance(message, dict):
            for key, text in message.items():
                errors[f"v-{key}"] = text
        else:
            errors[name] = message
    return errors


def read_entry():
    """(values as typed, payload) of the sign-up and edit forms."""
    typed = {name: value for name, value in request.form.items()
             if name.startswith("v-") or name in ("guests", "slot_id", "for_name")}
    values = {name[2:]: value for name, value in typed.items() if name.startswith("v-")}
    payload = {"values": values}
    guests = _number_or_text(typed.get("guests", ""))
    if guests is not None:
        payload["guests"] = guests
    if typed.get("slot_id"):
        payload["slot_id"] = typed["slot_id"]
    if "for_name" in typed:
        payload["for_name"] = typed["for_name"]
    return typed, payload
