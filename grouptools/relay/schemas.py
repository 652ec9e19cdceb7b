"""What the relay API accepts and answers (docs/api.md). Who sees which values is
decided by the service (service.shown_values, RelayState); these schemas show it."""
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from grouptools.core.fields import (
    Boolean,
    Deadline,
    Integer,
    LIST_MESSAGES,
    ScheduleDateTime,
    Schema,
    Text,
    VisibleText,
    public_id,
)
from grouptools.core.widgetapi import WidgetStateSchema
from grouptools.core.valueformats import check_field_spec
from grouptools.relay.models import FIELD_TYPES, Relay, RelayEntry, RelayField, RelaySlot

KEY = validate.Regexp(r"^[a-z][a-z0-9_]*$",
                      error=_l("Use lower-case letters, digits and _ (e.g. phone)."))
IMPORT_MAX = 50_000


def _list(inner, maximum, required=False):
    return fields.List(inner, required=required, error_messages=LIST_MESSAGES,
                       validate=[validate.Length(max=maximum,
                                                 error=_l("Give at most {max} items."))])


class FieldInSchema(Schema):
    key = Text(required=True, min_length=1, max_length=RelayField.KEY_MAX, validate=[KEY])
    label = VisibleText(required=True, min_length=1, max_length=RelayField.LABEL_MAX)
    type = Text(load_default="text", max_length=16, validate=[validate.OneOf(
        FIELD_TYPES, error=_l("Use text, number, phone, email, choice or date."))])
    required = Boolean(load_default=False)
    pattern = Text(max_length=RelayField.PATTERN_MAX, allow_none=True, strip=False)
    hint = Text(max_length=RelayField.HINT_MAX)
    choices = _list(VisibleText(min_length=1, max_length=RelayField.CHOICE_MAX),
                    RelayField.CHOICES_MAX)
    private = Boolean(load_default=False)

    @validates_schema
    def check_format(self, data, **kwargs):
        check_field_spec(data)


class SlotInSchema(Schema):
    id = public_id()
    label = VisibleText(required=True, min_length=1, max_length=RelaySlot.LABEL_MAX)
    capacity = Integer(minimum=1, maximum=Relay.CAPACITY_MAX, allow_none=True)


def _unique(items, key, message, field_name):
    seen = set()
    for item in items:
        if item[key] in seen:
            raise ValidationError(message, field_name)
        seen.add(item[key])


class RelaySettingsSchema(Schema):
    """What managers may change at any time."""

    title = VisibleText(min_length=1, max_length=Relay.TITLE_MAX)
    description = Text(max_length=Relay.DESCRIPTION_MAX)
    starts_at = ScheduleDateTime(allow_none=True)
    place = Text(max_length=Relay.PLACE_MAX)
    capacity = Integer(minimum=1, maximum=Relay.CAPACITY_MAX, allow_none=True)
    waitlist = Boolean()
    guests_max = Integer(minimum=0, maximum=Relay.GUESTS_MAX)
    per_member_max = Integer(minimum=1, maximum=Relay.PER_MEMBER_MAX)
    deadline = Deadline(allow_none=True)
    slots = _list(fields.Nested(SlotInSchema), Relay.SLOTS_MAX)

    @validates_schema
    def check_slots(self, data, **kwargs):
        _unique(data.get("slots") or [], "label", _l("Each slot needs its own name."), "slots")


class RelayFormatSchema(RelaySettingsSchema):
    """…and, while nobody has signed up, the reply format. (`fields_` because a schema's
    own `fields` attribute is taken; it reads and writes "fields".)"""

    fields_ = fields.List(fields.Nested(FieldInSchema), data_key="fields", attribute="fields",
                          error_messages=LIST_MESSAGES,
                          validate=[validate.Length(max=Relay.FIELDS_MAX,
                                                    error=_l("Give at most {max} items."))])

    @validates_schema
    def check_fields(self, data, **kwargs):
        _unique(data.get("fields") or [], "key", _l("Each field needs its own key."), "fields")


class RelayCreateSchema(RelayFormatSchema):
    title = VisibleText(required=True, min_length=1, max_length=Relay.TITLE_MAX)


class RelayUpdateSchema(RelayFormatSchema):
    closed = Boolean()


class EntryUpdateSchema(Schema):
    values = fields.Dict(keys=Text(max_length=RelayField.KEY_MAX), values=fields.Raw(allow_none=True),
                         error_messages={"invalid": _l("Not a valid mapping of fields to values.")},
                         validate=[validate.Length(max=Relay.FIELDS_MAX * 2)])
    guests = Integer(minimum=0, maximum=Relay.GUESTS_MAX)
    slot_id = public_id()


class EntryCreateSchema(EntryUpdateSchema):
    for_name = VisibleText(min_length=1, max_length=RelayEntry.FOR_NAME_MAX)


class ImportSchema(Schema):
    text = Text(required=True, min_length=1, max_length=IMPORT_MAX, strip=False)


# --- Answers --------------------------------------------------------------------------------

class FieldSchema(Schema):
    key = fields.String()
    label = fields.String()
    type = fields.String()
    required = fields.Boolean()
    pattern = fields.String(allow_none=True)
    hint = fields.String()
    choices = fields.List(fields.String(), allow_none=True)
    private = fields.Boolean()


class SlotSchema(Schema):
    id = fields.String(attribute="public_id")
    label = fields.String()
    capacity = fields.Integer(allow_none=True)
    taken = fields.Integer()


class EntrySchema(Schema):
    """An entry as one asker sees it: the answer reading.entry_answer writes."""

    id = fields.String()
    number = fields.Integer(allow_none=True)
    waitlist_position = fields.Integer(allow_none=True)
    status = fields.String()
    values = fields.Dict(metadata={"description": "Private fields only for managers and the entrant"})
    guests = fields.Integer()
    slot_id = fields.String(allow_none=True)
    name = fields.String()
    created_at = fields.String()
    attended = fields.Boolean()
    mine = fields.Boolean()
    ticket_url = fields.String(allow_none=True,
                               metadata={"description": "The entrant and managers only"})


class LogLineSchema(Schema):
    at = fields.AwareDateTime()
    kind = fields.String()
    text = fields.String()
    names = fields.String()


class Written(fields.List):
    """A list the service has already written item by item as its schema shows it (the
    OpenAPI document still describes the items): a long list is not dumped field by
    field (docs/architecture.md#speed)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value


FIELDS = FieldSchema(many=True)
SLOTS = SlotSchema(many=True)


class RelaySchema(WidgetStateSchema):
    """A relay as one asker sees it (a reading.RelayState)."""

    description = fields.Function(lambda s: s.relay.description)
    starts_at = fields.Function(lambda s: s.relay.starts_at and s.relay.starts_at.isoformat())
    place = fields.Function(lambda s: s.relay.place)
    fields_ = fields.Function(lambda s: FIELDS.dump(s.relay.fields), data_key="fields")
    capacity = fields.Function(lambda s: s.relay.capacity)
    taken = fields.Function(lambda s: s.relay.taken)
    waitlist = fields.Function(lambda s: s.relay.waitlist)
    guests_max = fields.Function(lambda s: s.relay.guests_max)
    per_member_max = fields.Function(lambda s: s.relay.per_member_max)
    slots = fields.Function(lambda s: SLOTS.dump(s.relay.slots))
    closed = fields.Boolean()
    confirmed_count = fields.Integer()
    waitlist_count = fields.Integer()
    attended_count = fields.Integer()
    can_manage = fields.Boolean(attribute="manager")
    can_sign_up = fields.Boolean()
    entries = Written(fields.Nested(EntrySchema), attribute="entry_answers")
    log = Written(fields.Nested(LogLineSchema), attribute="log_answers")


class EntryCreatedSchema(Schema):
    id = fields.String(attribute="public_id")
    number = fields.Integer(allow_none=True)
    waitlist_position = fields.Integer(allow_none=True)
    status = fields.String()


class RejectedLineSchema(Schema):
    line = fields.Integer()
    text = fields.String()
    reason = fields.String()


class ImportResultSchema(Schema):
    created = fields.List(fields.Nested(EntryCreatedSchema))
    rejected = fields.List(fields.Nested(RejectedLineSchema))


class TextSchema(Schema):
    text = fields.String()


class LogSchema(Schema):
    """The change log: its newest lines first (the relay's own answer has the last few)."""
    log = Written(fields.Nested(LogLineSchema), attribute="log_answers")
