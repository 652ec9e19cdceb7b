"""What a widget's export and import hooks stand on when a whole group moves between
servers (docs/architecture.md#moving-a-group-to-another-server).

A widget's `export_data(widget, out)` writes its rows with `out.columns(row)` and names
members, people and pictures by the references `out` hands out; its
`import_data(group, data, into)` reads them back with `into.columns(Model, data)`,
which checks every value against the column it goes into (length, range, type: a
schema made from the table), and resolves references with `into.member(ref)` …
Rows keep their times; ids, public ids and secrets are never written, and new ones
are made on import."""
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Callable

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields
from sqlalchemy import select
from sqlalchemy import JSON, Boolean, Date, Integer, LargeBinary, String, Text, Time

from grouptools.core import fields as gt_fields
from grouptools.core.errors import Invalid
from grouptools.core.models import Image
from grouptools.core.timeutil import UTCDateTime
from grouptools.extensions import db



@dataclass(frozen=True)
class WidgetTransfer:
    """A kind's part in moving a group (WidgetKind.transfer).

    - `export_data(widget, refs)` → a JSON-ready dict of the widget and its responses as
      the group's owner may see them (secret ballots as counts only), its rows written
      with `refs.columns(row)` and members, people and pictures named by `refs`
      (ExportRefs); no ids, no secrets.
    - `import_data(group, data, refs)` → the widget made again in `group` from that dict,
      added to the session (not committed), every value checked (`refs.columns`) and
      every reference resolved by `refs` (ImportRefs); raises core.errors.Invalid.
    - `export_csv(person, widget)` → the widget's own CSV export (text or an iterable of
      text), for the zip's csv/ folder; None for a kind that has no CSV export.
    """

    export_data: Callable
    import_data: Callable
    export_csv: Callable | None = None


INT_RANGE = (-(2 ** 31), 2 ** 31 - 1)
JSON_TEXT_MAX = 100_000


# What a server keeps for itself: a row's version only tells this server's readers that
# it changed (their ETags, core.conditional); the importing server counts its own.
SERVER_ONLY = ("public_id", "version")


def _plain_columns(model, skip=()):
    """The columns a row carries by value: not its keys (ids, public ids, foreign keys:
    those travel as references), nor this server's own counters, nor binary data, nor the
    secrets the model names in `skip`."""
    for column in model.__table__.columns:
        if (column.primary_key or column.foreign_keys or column.key in SERVER_ONLY
                or column.key in skip or isinstance(column.type, LargeBinary)):
            continue
        yield column


def _field_for(column):
    nullable = bool(column.nullable)
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return gt_fields.AwareDateTime(allow_none=nullable, required=not nullable)
    if isinstance(kind, Boolean):
        return gt_fields.Boolean(allow_none=nullable, required=not nullable)
    if isinstance(kind, Integer):
        return gt_fields.Integer(minimum=INT_RANGE[0], maximum=INT_RANGE[1],
                                 allow_none=nullable, required=not nullable)
    if isinstance(kind, Date):
        return fields.Date(allow_none=nullable, required=not nullable)
    if isinstance(kind, Time):
        return fields.Time(allow_none=nullable, required=not nullable)
    if isinstance(kind, JSON):
        return _JsonValue(allow_none=True, required=not nullable)
    if isinstance(kind, (String, Text)):
        length = getattr(kind, "length", None) or JSON_TEXT_MAX
        return gt_fields.Text(max_length=length, strip=False, allow_none=nullable,
                              required=not nullable)
    raise TypeError(f"{column.table.name}.{column.key}: no transfer field for {kind!r}")


class _JsonValue(fields.Raw):
    """A JSON column's value, as plain JSON: its texts checked like any text column's."""

    def _deserialize(self, value, attr, data, **kwargs):
        _check_json(value, depth=0)
        return value


def _check_json(value, depth):
    if depth > 10:
        raise ValidationError([str(_l("Invalid value."))])
    if isinstance(value, str):
        if "\x00" in value or gt_fields.SURROGATES.search(value) or len(value) > JSON_TEXT_MAX:
            raise ValidationError([str(gt_fields.NOT_TEXT)])
    elif isinstance(value, bool) or value is None or isinstance(value, float):
        return
    elif isinstance(value, int):
        if not INT_RANGE[0] <= value <= INT_RANGE[1]:
            raise ValidationError([str(_l("This number is too large."))])
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json(key, depth + 1)
            _check_json(item, depth + 1)
    else:
        raise ValidationError([str(_l("Invalid value."))])


_SCHEMAS = {}


def row_schema(model, skip=()):
    """A marshmallow schema of the row's plain columns: unknown keys refused (422)."""
    key = (model, tuple(skip))
    if key not in _SCHEMAS:
        _SCHEMAS[key] = gt_fields.Schema.from_dict(
            {column.key: _field_for(column) for column in _plain_columns(model, skip)},
            name=f"{model.__name__}Transfer")
    return _SCHEMAS[key]()


def _json_value(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value


class ExportRefs:
    """How an export names what rows point at: members as "m1", "m2" … (the order of
    group.json's member list), people by the member they are in this group, pictures by
    their SHA-256. Whatever a widget names is added to the export by core."""

    def __init__(self, member_refs, person_refs):
        self._members = member_refs  # membership id -> ref
        self._people = person_refs  # person id -> ref
        self.images = {}  # image id -> ref (its digest)

    def columns(self, row, skip=()):
        """The row's plain columns as JSON values (see _plain_columns)."""
        return {column.key: _json_value(getattr(row, column.key))
                for column in _plain_columns(type(row), skip)}

    def member(self, membership_id):
        return self._members.get(membership_id) if membership_id is not None else None

    def person(self, person_id):
        return self._people.get(person_id) if person_id is not None else None

    def image(self, image_id):
        """The reference of the picture with this id (its digest, read without its
        bytes); its file goes into the zip."""
        if image_id is None:
            return None
        if image_id not in self.images:
            self.images[image_id] = db.session.scalar(
                select(Image.digest).where(Image.id == image_id))
        return self.images[image_id]


class ImportRefs:
    """The other side of ExportRefs: references read back into this server's rows, each
    unknown one refused as a field error of the widget being imported."""

    def __init__(self, group, members, people, images, importer):
        self.group = group
        self.importer = importer
        self._members = members  # ref -> Membership
        self._people = people  # ref -> Person
        self._images = images  # ref -> Image

    def columns(self, model, data, skip=(), without=()):
        """The row's plain columns from `data` (the keys in `without` are the caller's:
        references and nested rows), checked by the column's type."""
        plain = {key: value for key, value in data.items() if key not in without}
        try:
            return row_schema(model, skip).load(plain)
        except ValidationError as error:
            raise Invalid({model.__tablename__: error.messages}) from None

    def member(self, ref, required=True):
        if ref is None and not required:
            return None
        try:
            return self._members[ref]
        except (KeyError, TypeError):
            raise Invalid({"member": [str(_l("No such member in this file."))]}) from None

    def person_id(self, ref):
        """The person a reference names, or the importer for someone not in the file."""
        person = self._people.get(ref) if isinstance(ref, str) else None
        return (person or self.importer).id

    def image(self, ref):
        if ref is None:
            return None
        try:
            return self._images[ref]
        except (KeyError, TypeError):
            raise Invalid({"image": [str(_l("No such picture in this file."))]}) from None


def rows_of(data, key):
    """A list of nested rows in a widget's data, refused unless it is a list of objects."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise Invalid({key: [str(_l("Not a valid list."))]})
    return value


def refs_of(data, key):
    """A list of references (members …) in a widget's data."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Invalid({key: [str(_l("Not a valid list."))]})
    return value
