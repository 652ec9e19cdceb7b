"""What the event sign-in API accepts and answers (docs/api.md#routes). Who sees what
is decided by the service (events.EventState, events.Attendance) and shown here."""
from marshmallow import fields

from grouptools.checkin.eventmodels import Event
from grouptools.core.fields import PlainList, Schema, ScheduleDateTime, Text, VisibleText, public_ids
from grouptools.core.widgetapi import WidgetStateSchema

# A chosen roster names members: as many as a large group holds.
ROSTER_MAX = 5000


def _time(value):
    return value.isoformat() if value else None


class EventFieldsSchema(Schema):
    title = VisibleText(min_length=1, max_length=Event.TITLE_MAX)
    starts_at = ScheduleDateTime(metadata={"description": "Sign-in opens"})
    ends_at = ScheduleDateTime(metadata={"description": "Sign-in closes"})
    late_after = ScheduleDateTime(allow_none=True, metadata={
        "description": "Signing in after it is late; null: nobody is late"})
    roster_member_ids = public_ids(ROSTER_MAX, allow_none=True, metadata={
        "description": "Member ids of a chosen roster; null or absent: every active member"})


class EventCreateSchema(EventFieldsSchema):
    title = VisibleText(required=True, min_length=1, max_length=Event.TITLE_MAX)
    starts_at = ScheduleDateTime(required=True, metadata={"description": "Sign-in opens"})
    ends_at = ScheduleDateTime(required=True, metadata={"description": "Sign-in closes"})


class EventUpdateSchema(EventFieldsSchema):
    pass


class SignedInSchema(Schema):
    signed_in_at = fields.Function(lambda s: _time(s.signed_in_at))
    late = fields.Boolean(metadata={"description": "Signed in after late_after"})


class EventSchema(WidgetStateSchema):
    """An event as one asker sees it (an events.EventState)."""

    class Meta:
        exclude = ("deadline",)  # an event has its times instead

    starts_at = fields.Function(lambda s: _time(s.event.starts_at))
    ends_at = fields.Function(lambda s: _time(s.event.ends_at))
    late_after = fields.Function(lambda s: _time(s.event.late_after))
    roster = fields.Function(lambda s: s.event.roster, metadata={
        "description": "\"group\": every active member; \"chosen\": the chosen members"})
    me = fields.Nested(SignedInSchema, allow_none=True, metadata={
        "description": "The asker's sign-in; null until then"})
    signed_in_count = fields.Integer()
    roster_count = fields.Integer()


class CodeSchema(Schema):
    code = fields.String()
    url = fields.String(metadata={"description": "What the display's QR code carries"})
    expires_at = fields.Function(lambda c: _time(c["expires_at"]), metadata={
        "description": "When the code stops being accepted"})


class SignInSchema(Schema):
    code = Text(required=True, min_length=1, max_length=16, metadata={
        "description": "The code on the display (or in its QR code's URL)"})


class MissingSchema(Schema):
    member_id = fields.String()
    name = fields.String()


class AttendeeSchema(MissingSchema):
    signed_in_at = fields.Function(lambda a: _time(a.signed_in_at))
    late = fields.Boolean()


def _attendee(attendee):
    return {"member_id": attendee.member_id, "name": attendee.name,
            "signed_in_at": _time(attendee.signed_in_at), "late": attendee.late}


class AttendanceSchema(Schema):
    """An events.Attendance, for managers."""

    signed_in = PlainList(AttendeeSchema, _attendee, metadata={
        "description": "In the order they signed in"})
    missing = PlainList(MissingSchema, lambda a: {"member_id": a.member_id, "name": a.name})
    reminder_text = fields.String(metadata={
        "description": "Counts and @-mentions of who is missing, with the event's link"})
