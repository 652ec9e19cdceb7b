"""core.forms: the one way a refusal comes back onto a form, and deadlines typed in a
datetime-local input read in the group's own time zone."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from marshmallow import ValidationError

from grouptools.core.errors import Conflict, Invalid, NotAllowed
from grouptools.core.fields import Schema, Text
from grouptools.core.forms import (
    deadline_input,
    deadline_payload,
    deadline_unchanged,
    error_status,
    field_errors,
    load,
    read_deadline,
    shown_on_form,
)
from grouptools.core.timeutil import utcnow

SHANGHAI = SimpleNamespace(timezone="Asia/Shanghai")


class TitleSchema(Schema):
    title = Text(max_length=5, required=True)


def test_schema_and_service_refusals_map_to_the_same_field_messages(app_ctx):
    _, from_schema = load(TitleSchema(), {"title": "far too long"})
    from_service = field_errors(Invalid({"title": ["Use at most 5 characters."]}))
    assert from_schema == from_service == {"title": ["Use at most 5 characters."]}


def test_a_refusal_without_fields_is_a_message_for_the_whole_form(app_ctx):
    assert field_errors(Conflict("The list is full.")) == {"_form": ["The list is full."]}
    assert field_errors(ValidationError(["Invalid input type."])) == {"_form": ["Invalid input type."]}


def test_nested_messages_are_kept_for_the_widget_to_place():
    nested = {"options": {0: {"text": ["Too long."]}}}
    assert field_errors(Invalid(nested)) == nested
    assert field_errors(ValidationError(nested)) == nested


def test_statuses_and_what_a_form_shows():
    assert error_status({"title": ["x"]}) == 422
    assert error_status(Conflict()) == 409
    assert shown_on_form(Invalid({"x": ["y"]})) and shown_on_form(Conflict())
    assert not shown_on_form(NotAllowed())


def test_a_loaded_form_has_no_errors(app_ctx):
    assert load(TitleSchema(), {"title": "跑步"}) == ({"title": "跑步"}, {})


def test_domain_errors_carry_no_transport_envelope_but_the_api_puts_them_under_json(app, group_with):
    refused = Invalid({"answer": ["Please answer."]})
    assert refused.errors == {"answer": ["Please answer."]}
    gid, owner, _ = group_with(join_question="Who invited you?")
    from tests.conftest import ApiUser

    stranger = ApiUser(app, "路人")
    answer = stranger.post(f"/api/v1/groups/{gid}/join", json={})
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {"json": {"answer": ["Please answer the group's question."]}}


# --- Deadlines --------------------------------------------------------------------------

def test_a_typed_deadline_is_read_in_the_groups_zone(app_ctx):
    typed = (utcnow() + timedelta(days=2)).astimezone(timezone(timedelta(hours=8)))
    typed = typed.strftime("%Y-%m-%dT%H:%M")
    payload = deadline_payload(SHANGHAI, typed)
    assert payload.endswith("+08:00")
    read = read_deadline(SHANGHAI, typed)
    assert read.tzinfo is not None and read.utcoffset() == timedelta(0)
    assert read == datetime.fromisoformat(payload)


def test_blank_deadlines_are_none_and_nonsense_is_refused_like_the_api(app_ctx):
    assert deadline_payload(SHANGHAI, "  ") is None
    assert read_deadline(SHANGHAI, "") is None
    assert deadline_payload(SHANGHAI, "next friday") == "next friday"  # the schema refuses it
    with pytest.raises(ValidationError, match="Not a valid date and time"):
        read_deadline(SHANGHAI, "next friday")


def test_a_deadline_outside_the_core_bounds_is_refused(app_ctx):
    with pytest.raises(ValidationError, match="from yesterday up to 5 years"):
        read_deadline(SHANGHAI, "2001-01-01T20:00")
    with pytest.raises(ValidationError, match="from yesterday up to 5 years"):
        read_deadline(SHANGHAI, f"{utcnow().year + 7}-01-01T20:00")


def test_a_stored_deadline_shown_again_unchanged_is_left_alone():
    stored = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert deadline_input(SHANGHAI, stored) == "2026-12-01T20:00"
    assert deadline_input(SHANGHAI, None) == ""
    assert deadline_unchanged(SHANGHAI, " 2026-12-01T20:00", stored)
    assert not deadline_unchanged(SHANGHAI, "2026-12-01T21:00", stored)
    assert not deadline_unchanged(SHANGHAI, "2026-12-01T20:00", None)
