"""A relay's reply format: its fields made from what an organiser sent, and revised after
people have replied, matched by key, so that no answer already given stops fitting."""
from sqlalchemy import select

from grouptools.core.errors import Conflict
from grouptools.core.i18n import gettext
from grouptools.extensions import db
from grouptools.relay import changelog
from grouptools.relay.models import RelayField, RelayLog


def new_fields(fields):
    return [RelayField(position=i, key=f["key"], label=f["label"], type=f.get("type", "text"),
                       required=f.get("required", False), pattern=f.get("pattern") or None,
                       hint=f.get("hint") or "", private=f.get("private", False),
                       choices=f.get("choices") if f.get("type") == "choice" else None)
            for i, f in enumerate(fields)]


# What a field may no longer change once people have replied: answers already given
# would stop fitting it.
FIXED_PARTS = ("type", "pattern")


def _format_conflict(position, part, message):
    return Conflict(message, errors={"fields": {position: {part: [message]}}})


def revise_fields(person, relay, fields):
    """The reply format after people have replied, matched to the old one by key: labels,
    hints, privacy and order may change, a field may stop being required, a choice list
    may grow, and optional fields may be added (409 for anything else). A removed field
    keeps its answers on the entries and in the export (the log names it)."""
    old = {field.key: field for field in relay.fields}
    kept = set()
    for position, data in enumerate(fields):
        data = new_fields([data])[0]
        field = old.get(data.key)
        if field is None:
            if data.required:
                raise _format_conflict(position, "required", gettext(
                    "People have replied already: a new field must be optional."))
            data.position = position
            relay.fields.append(data)
            changelog.record(relay, "field_added", actor=person, label=data.label)
            continue
        kept.add(field.key)
        lost = set(field.choices or []) - set(data.choices or [])
        if any(getattr(field, part) != getattr(data, part) for part in FIXED_PARTS) or lost:
            raise _format_conflict(position, "type", gettext(
                "People have replied already: “%(field)s” keeps its type, format rule and "
                "choices (choices may be added).", field=field.label))
        if data.required and not field.required:
            raise _format_conflict(position, "required", gettext(
                "People have replied already: “%(field)s” cannot become required.",
                field=field.label))
        for part in ("label", "hint", "private", "required", "choices"):
            setattr(field, part, getattr(data, part))
        field.position = position
    for key, field in old.items():
        if key not in kept:
            relay.fields.remove(field)
            changelog.record(relay, "field_removed", actor=person, key=key, label=field.label)
    relay.fields.sort(key=lambda field: field.position)


def removed_fields(relay):
    """[(key, label)] of the fields removed after people replied, whose answers the
    entries keep (for the export), in the order they were removed."""
    current = {field.key for field in relay.fields}
    removed = {}
    for params in db.session.scalars(select(RelayLog.params).where(
            RelayLog.relay_id == relay.id, RelayLog.kind == "field_removed")
            .order_by(RelayLog.id)):
        if params.get("key") not in current:
            removed[params["key"]] = params.get("label") or params["key"]
    return list(removed.items())
