"""The card pages' forms read into the API's payloads (so both refuse alike), and the
API's field errors put back next to the inputs.

The settings form lists every standard field with "use / required / private" boxes
and its pattern and hint, then the custom fields and CUSTOM_ROWS empty rows for new
ones; my card's form has one input per field, named `v-<key>`."""
import re

from flask import request

from grouptools.card.settings import STANDARD_FIELDS

CUSTOM_ROWS = 2
CHOICE_SEPARATORS = re.compile(r"[\n,，、]+")


def settings_rows(settings):
    """What the settings form shows: a row per standard field, then the custom ones and
    empty rows for new ones."""
    chosen = {field.key: field for field in settings.fields}
    rows = []
    for key in STANDARD_FIELDS:
        field = chosen.get(key)
        rows.append({"key": key, "standard": True, "use": field is not None,
                     "label": field.label if field else "",
                     "shown_label": STANDARD_FIELDS[key][0],
                     "type": field.type if field else STANDARD_FIELDS[key][1],
                     "required": bool(field and field.required),
                     "private": bool(field and field.private),
                     "pattern": (field.pattern or "") if field else "",
                     "hint": field.hint if field else ""})
    customs = [field for field in settings.fields if field.key not in STANDARD_FIELDS]
    for field in customs:
        rows.append({"key": field.key, "standard": False, "use": True, "label": field.label,
                     "type": field.type, "required": field.required, "private": field.private,
                     "pattern": field.pattern or "", "hint": field.hint,
                     "choices": ", ".join(field.choices)})
    for _ in range(CUSTOM_ROWS):
        rows.append({"key": "", "standard": False, "use": False, "label": "", "type": "text",
                     "required": False, "private": False, "pattern": "", "hint": "",
                     "choices": ""})
    return rows


def read_settings_form():
    """(payload for CardSettingsInSchema, rows as typed, {row index: payload index})."""
    form = request.form
    fields, rows, where = [], [], {}
    count = form.get("rows", type=int) or 0
    for index in range(min(count, 60)):
        prefix = f"f{index}-"
        row = {part: form.get(prefix + part, "").strip()
               for part in ("key", "label", "type", "pattern", "hint", "choices")}
        row.update({part: prefix + part in form for part in ("use", "required", "private")})
        row["standard"] = row["key"] in STANDARD_FIELDS and prefix + "standard" in form
        if row["standard"]:
            row["shown_label"] = STANDARD_FIELDS[row["key"]][0]
        else:
            row["use"] = bool(row["key"] or row["label"])
        rows.append(row)
        if not row["use"]:
            continue
        item = {"key": row["key"], "required": row["required"], "private": row["private"]}
        for part in ("label", "type", "pattern", "hint"):
            if row[part]:
                item[part] = row[part]
        if row["choices"]:
            item["choices"] = [c.strip() for c in CHOICE_SEPARATORS.split(row["choices"])
                               if c.strip()]
        where[index] = len(fields)
        fields.append(item)
    payload = {"fields": fields, "display_name_format": form.get("display_name_format", ""),
               "folder_visibility": form.get("folder_visibility", "members")}
    return payload, rows, where


def row_errors(errors, where):
    """{row index: {part: [messages]}} from the schema's {"fields": {i: {...}}}."""
    nested = errors.get("fields") if isinstance(errors.get("fields"), dict) else {}
    back = {payload: row for row, payload in where.items()}
    return {back[index]: messages for index, messages in nested.items() if index in back}


def read_card_form(fields):
    values = {field.key: request.form.get(f"v-{field.key}", "") for field in fields}
    return {"values": values, "public": "public" in request.form}
