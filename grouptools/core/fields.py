"""Schema fields that refuse what a database would choke on, with translated messages.

PostgreSQL rejects NUL characters, strings longer than their column and integers beyond
64 bits where SQLite stores them; so every text has a length, no NUL, and every number
a range — checked here, before anything reaches the database. Lone surrogates
(U+D800–U+DFFF) are no text at all: no database driver or page could encode them. Times
lie in the range core.timeutil sets, so no page fails to show them."""
import re

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from grouptools.core.models import PUBLIC_ID_LENGTH, PUBLIC_ID_PATTERN
from grouptools.core.timeutil import deadline_bounds, schedule_bounds, schedule_date_bounds
from grouptools.core.visibletext import clean_visible_text, has_visible_character

SURROGATES = re.compile("[\ud800-\udfff]")
NOT_TEXT = _l("Contains a character that is not valid text.")

BASE_MESSAGES = {
    "required": _l("This field is required."),
    "null": _l("This field may not be empty."),
    "validator_failed": _l("Invalid value."),
}


class _ListedMessages:
    """Field messages as a list of text, as the contract shows them
    (`errors.json.<field>: [...]`): marshmallow wraps only plain str messages, and ours
    are translated lazily."""

    def make_error(self, key, **kwargs):
        error = super().make_error(key, **kwargs)
        if not isinstance(error.messages, (list, dict)):
            return ValidationError([str(error.messages).format(**kwargs)])
        return error


class Schema(ma.Schema):
    """Unknown fields are refused (422): clients learn their typos."""

    error_messages = {
        "unknown": _l("Unknown field."),
        "type": _l("Invalid input type."),
    }


class Text(_ListedMessages, fields.String):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": _l("Not a valid text."),
        "nul": _l("Must not contain NUL characters."),
        "surrogate": NOT_TEXT,
        "blank": _l("This field may not be blank."),
    }

    def __init__(self, *, max_length, min_length=0, strip=True, **kwargs):
        message = (
            _l("Use {min} to {max} characters.")
            if min_length
            else _l("Use at most {max} characters.")
        )
        validators = [validate.Length(min=min_length, max=max_length, error=message)]
        validators += list(kwargs.pop("validate", None) or [])
        super().__init__(validate=validators, **kwargs)
        self.strip = strip
        self.min_length = min_length

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in value:
            raise self.make_error("nul")
        if SURROGATES.search(value):
            raise self.make_error("surrogate")
        if self.strip:
            value = value.strip()
            if self.min_length and not value:
                raise self.make_error("blank")
        return value


class VisibleText(Text):
    """A name, nickname, title or option: one line that people must be able to see.

    Invisible characters go first (core.visibletext), then the length rules count what
    is left; text typed but made only of invisible characters is refused with its own
    message, an optional field left empty stays allowed."""

    default_error_messages = {
        **Text.default_error_messages,
        "invisible": _l("Type at least one visible character: this shows as blank."),
    }

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        cleaned = clean_visible_text(value)
        if not has_visible_character(cleaned) and value.strip():
            raise self.make_error("invisible")
        if self.min_length and not cleaned:
            raise self.make_error("blank")
        return cleaned


class Integer(_ListedMessages, fields.Integer):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": _l("Not a valid whole number."),
        "too_large": _l("This number is too large."),
    }

    def __init__(self, *, minimum, maximum, **kwargs):
        validators = [
            validate.Range(
                min=minimum, max=maximum, error=_l("Use a number from {min} to {max}.")
            )
        ]
        validators += list(kwargs.pop("validate", None) or [])
        super().__init__(strict=True, validate=validators, **kwargs)


class Boolean(_ListedMessages, fields.Boolean):
    default_error_messages = {**BASE_MESSAGES, "invalid": _l("Not a valid yes/no value.")}


class AwareDateTime(_ListedMessages, fields.AwareDateTime):
    """Times from clients must say their offset; they are kept in UTC."""

    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": _l("Not a valid date and time."),
        "invalid_awareness": _l("Give the time with its offset, e.g. 2026-12-01T20:00+08:00."),
    }


class _Bounded:
    """A time or date refused outside `bounds()` (core.timeutil), with one message."""

    bounds = None

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        low, high = type(self).bounds()
        if not low <= value <= high:
            raise self.make_error("out_of_range")
        return value


class Deadline(_Bounded, AwareDateTime):
    """When a widget closes: from yesterday up to five years ahead."""

    bounds = staticmethod(deadline_bounds)
    default_error_messages = {
        **AwareDateTime.default_error_messages,
        "out_of_range": _l("Choose a deadline from yesterday up to 5 years ahead."),
    }


class ScheduleDateTime(_Bounded, AwareDateTime):
    """Any other time a person sets (an event's start): from 2000 up to five years ahead."""

    bounds = staticmethod(schedule_bounds)
    default_error_messages = {
        **AwareDateTime.default_error_messages,
        "out_of_range": _l("Choose a time from the year 2000 up to 5 years ahead."),
    }


class ScheduleDate(_Bounded, _ListedMessages, fields.Date):
    """A calendar day a person sets (a habit's start): from 2000 up to five years ahead."""

    bounds = staticmethod(schedule_date_bounds)
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": _l("Not a valid date: use e.g. 2026-12-01."),
        "out_of_range": _l("Choose a date from the year 2000 up to 5 years ahead."),
    }


class PlainList(fields.List):
    """A list of many small items (voters, receipts: up to hundreds an answer) written
    straight to dicts by `item_dict`: a nested schema per item was most of such an
    answer's time (bench/). The OpenAPI document still describes each item with `schema`."""

    def __init__(self, schema, item_dict, **kwargs):
        super().__init__(fields.Nested(schema), **kwargs)
        self.item_dict = item_dict

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return [self.item_dict(item) for item in value]


class ClockTime(_ListedMessages, fields.Time):
    """A time of day as "HH:MM" (a habit's check-in window), in the group's zone."""

    default_error_messages = {**BASE_MESSAGES, "invalid": _l("Not a valid time: use e.g. 06:30.")}
    CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")

    def _serialize(self, value, attr, obj, **kwargs):
        return value.strftime("%H:%M") if value is not None else None

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self.CLOCK.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


LIST_MESSAGES = {"invalid": _l("Not a valid list."), "required": _l("This field is required."),
                 "null": _l("This field may not be empty.")}


PAGE_MAX = 10_000


def page_number(**kwargs):
    """`?page=` of a paged list (the card folder, a notice's receipts): 1 by default.
    Query strings carry text, so this one Integer is not strict."""
    return fields.Integer(
        load_default=1, validate=[validate.Range(min=1, max=PAGE_MAX,
                                                 error=_l("Use a number from {min} to {max}."))],
        error_messages={"invalid": _l("Not a valid integer.")}, **kwargs)


def public_id(**kwargs):
    """A row's public id (core.models.new_public_id) named in a body or a query."""
    valid = validate.Regexp(rf"^{PUBLIC_ID_PATTERN}$", error=_l("Not a valid id."))
    return Text(max_length=PUBLIC_ID_LENGTH, validate=[valid], **kwargs)


def public_ids(maximum, **kwargs):
    """A list of at most `maximum` public ids (pictures, members) named in a body."""
    return fields.List(public_id(),
                       error_messages=LIST_MESSAGES,
                       validate=[validate.Length(max=maximum, error=_l("At most {max}."))],
                       **kwargs)
