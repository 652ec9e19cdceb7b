"""/api/v1 routes about event sign-ins: parse, ask the service, answer."""
from grouptools.checkin import events
from grouptools.checkin.blueprints import event_blp as blp
from grouptools.checkin.eventexport import attendance_csv
from grouptools.checkin.eventmodels import Event
from grouptools.checkin.eventschemas import (
    AttendanceSchema,
    CodeSchema,
    EventCreateSchema,
    EventSchema,
    EventUpdateSchema,
    SignedInSchema,
    SignInSchema,
)
from grouptools.checkin.kind import EVENT
from grouptools.core.access import Action
from grouptools.core.export import csv_download
from grouptools.core.links import absolute_url
from grouptools.core.conditional import uncached
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.core.widgetapi import add_widget_api

add_widget_api(blp, EVENT, "events/<pid:eid>", schema=EventSchema, state=events.event_state,
               create_rule="groups/<pid:gid>/events", create_schema=EventCreateSchema,
               create=events.create_event, update_schema=EventUpdateSchema,
               update=events.update_event)


def signin_url(event, code):
    """What the display's QR code carries: the event's page with the code."""
    return absolute_url(EVENT.page(event, code=code))


@blp.route("/events/<pid:eid>/code")
@blp.response(200, CodeSchema)
@uncached  # the code rotates: never kept, never 304
def get_code(eid):
    """Managers: the code to show now, the URL its QR code carries, when it expires."""
    event, person, _ = load_widget(Event, eid, Action.MANAGE_WIDGET)
    code, expires_at = events.display_code(person, event)
    return {"code": code, "url": signin_url(event, code), "expires_at": expires_at}


@blp.route("/events/<pid:eid>/signin", methods=["POST"])
@rate_limited("check_in")
@blp.arguments(SignInSchema)
@blp.response(201, SignedInSchema, description="Signed in")
@blp.alt_response(200, schema=SignedInSchema, description="Signed in before: the same time")
def sign_in(data, eid):
    """Sign in with the code on the display."""
    event, person, _ = load_widget(Event, eid, Action.ACT)
    signed, created = events.sign_in(person, event, data["code"])
    return signed, 201 if created else 200


@blp.route("/events/<pid:eid>/attendance")
@blp.response(200, AttendanceSchema)
def get_attendance(eid):
    """Managers: who signed in, who is missing, the reminder."""
    event, person, _ = load_widget(Event, eid, Action.MANAGE_WIDGET)
    return events.attendance(person, event)


@blp.route("/events/<pid:eid>/export.csv")
@blp.response(200, content_type="text/csv",
              description="Managers: one row per roster member")
def export_attendance(eid):
    event, person, _ = load_widget(Event, eid, Action.MANAGE_WIDGET)
    return csv_download(attendance_csv(person, event), event.title, f"event-{event.public_id}")
