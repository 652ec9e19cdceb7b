"""Schema fields that refuse what a database would choke on, with translated messages.

PostgreSQL rejects NUL characters, strings longer than their column and integers beyond
64 bits where SQLite stores them; so every text has a length, no NUL, and every number
a range — checked here, before anything reaches the database."""
import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

BASE_MESSAGES = {
    "required": _l("This field is required."),
    "null": _l("This field may not be empty."),
    "validator_failed": _l("Invalid value."),
}


class Schema(ma.Schema):
    """Unknown fields are refused (422): clients learn their typos."""

    error_messages = {
        "unknown": _l("Unknown field."),
        "type": _l("Invalid input type."),
    }


class Text(fields.String):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": _l("Not a valid text."),
        "nul": _l("Must not contain NUL characters."),
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
        if self.strip:
            value = value.strip()
            if self.min_length and not value:
                raise self.make_error("blank")
        return value


class Integer(fields.Integer):
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


class Boolean(fields.Boolean):
    default_error_messages = {**BASE_MESSAGES, "invalid": _l("Not a valid yes/no value.")}


class AwareDateTime(fields.AwareDateTime):
    """Times from clients must say their offset; they are kept in UTC."""

    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": _l("Not a valid date and time."),
        "invalid_awareness": _l("Give the time with its offset, e.g. 2026-12-01T20:00+08:00."),
    }
