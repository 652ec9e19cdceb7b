"""Typed values that members type into a form an organiser designed (a relay's reply
format, a member card's fields): checking each value against its field's type and
pattern, and checking the field's own description (pattern, choices).

A field is anything with `key`, `type`, `required`, `pattern`, `hint` and `choices`.
A widget may add or replace types with its own cleaners (`clean_values(..., cleaners)`).

A pattern is a regular expression an organiser writes, run on what members type. Python's
`re` backtracks, and `(a|a)*b` or `\\w*\\w*\\w*\\w*\\w*!` takes seconds on a short
reply; so a pattern is accepted only when its shape keeps matching cheap: no repetition
inside a repetition, no alternatives inside a repetition, no back-references or
look-arounds, at most three repetitions of varying length, and it only ever runs on a
value of at most VALUE_MAX characters (about a million steps in the worst case)."""
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from grouptools.core.i18n import gettext
from grouptools.core.visibletext import clean_visible_text

VALUE_MAX = 200
EMAIL_MAX = 254
VARYING_REPEATS_MAX = 3
NUMBER_LIMIT = Decimal("1e12")

_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
_REFUSED = ("GROUPREF", "GROUPREF_EXISTS", "ASSERT", "ASSERT_NOT")
PHONE_SEPARATORS = re.compile(r"[\s\-()（）.]")
PHONE = re.compile(r"\+?[0-9]{6,20}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


class FormatError(ValueError):
    """A value or a pattern that does not fit; `message` is what the person reads."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- Patterns ----------------------------------------------------------------------------

def _walk(items, inside_repeat, counter):
    for op, av in items:
        name = str(op)
        if name in _REFUSED:
            raise FormatError(_l("Back-references and look-arounds are not supported in "
                                 "patterns."))
        if name in _REPEATS:
            low, high, body = av
            if inside_repeat:
                raise FormatError(_l("A repetition inside a repetition is not allowed: it can "
                                     "make checking replies very slow."))
            if low != high:
                counter[0] += 1
            _walk(body, high > 1, counter)
        elif name == "SUBPATTERN":
            _walk(av[-1], inside_repeat, counter)
        elif name == "ATOMIC_GROUP":
            _walk(av, inside_repeat, counter)
        elif name == "BRANCH":
            if inside_repeat:
                raise FormatError(_l("Alternatives (|) inside a repetition are not allowed: "
                                     "use a character class such as [ab] instead."))
            for branch in av[1]:
                _walk(branch, inside_repeat, counter)


def check_pattern(pattern):
    """The compiled pattern, or FormatError saying what to change."""
    from re import _parser  # the parser `re` itself uses; public sre_parse is deprecated

    if len(pattern) > 100:
        raise FormatError(gettext("Use at most %(max)d characters.", max=100))
    try:
        compiled = re.compile(pattern)
        tree = _parser.parse(pattern)
    except (re.error, OverflowError, RecursionError, ValueError, TypeError):
        raise FormatError(_l("Not a valid pattern (a regular expression such as ^1\\d{10}$)."))
    counter = [0]
    _walk(tree, False, counter)
    if counter[0] > VARYING_REPEATS_MAX:
        raise FormatError(gettext("Use at most %(max)d repetitions of varying length (such as "
                                  "* + or {1,5}) in a pattern.", max=VARYING_REPEATS_MAX))
    return compiled


# --- Values ------------------------------------------------------------------------------

def _text(value, numbers_too=False):
    if value is None:
        return ""
    accepted = (str, int, float) if numbers_too else str
    if isinstance(value, bool) or not isinstance(value, accepted):
        raise FormatError(_l("Not a valid text."))
    value = str(value)
    if "\x00" in value:
        raise FormatError(_l("Must not contain NUL characters."))
    # A value made of zero-width characters alone is as empty as one left blank; line
    # breaks stay (a card's introduction is a few lines).
    return clean_visible_text(value, one_line=False)


def _number(value):
    try:
        number = Decimal(value.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise FormatError(_l("Not a valid number.")) from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise FormatError(_l("Not a valid number."))
    text = format(number.normalize(), "f")
    if len(text.replace("-", "").replace(".", "")) > 15:
        raise FormatError(_l("Not a valid number."))
    return text


def _phone(value):
    digits = PHONE_SEPARATORS.sub("", value).replace("＋", "+")
    # A number starting with 1 and no country code is a mainland mobile: 11 digits.
    mobile_length_wrong = digits.startswith("1") and len(digits) != 11
    if not PHONE.fullmatch(digits) or mobile_length_wrong:
        raise FormatError(_l("Not a valid phone number."))
    return digits


def _email(value):
    if len(value) > EMAIL_MAX or not EMAIL.fullmatch(value):
        raise FormatError(_l("Not a valid e-mail address."))
    return value


def _date(value):
    match = DATE.fullmatch(value)
    try:
        day = date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        day = None
    if day is None:
        raise FormatError(_l("Not a valid date: use e.g. 2026-12-01."))
    return day.isoformat()


def _loose(text):
    """What a person means by a choice, whatever the case, width and spacing they typed
    (`ｓ` and `s` are `S`)."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _choice(value, field):
    """The organiser's spelling of the choice the value names."""
    for choice in field.choices or []:
        if choice == value or _loose(choice) == _loose(value):
            return choice
    raise FormatError(gettext("Choose one of: %(choices)s.",
                              choices=" / ".join(field.choices or [])))


CLEANERS = {"number": _number, "phone": _phone, "email": _email, "date": _date}


def check_field_spec(data):
    """A field's description as an organiser sent it ({type, pattern, choices, …}):
    ValidationError under the part to change. For a schema's `validates_schema`."""
    if data.get("pattern"):
        try:
            check_pattern(data["pattern"])
        except FormatError as error:
            raise ValidationError(str(error.message), "pattern") from None
    choices = data.get("choices") or []
    if data.get("type") == "choice" and len(choices) < 2:
        raise ValidationError(_l("Give at least two choices."), "choices")
    if data.get("type") != "choice" and choices:
        raise ValidationError(_l("Only a field of type choice has choices."), "choices")
    if len({_loose(choice) for choice in choices}) != len(choices):
        raise ValidationError(_l("Each choice must be different."), "choices")


def clean_value(field, value, cleaners=CLEANERS):
    """The value as stored ("" when left empty), or FormatError for the person.
    `cleaners`: {type: function(text) -> stored text}, for types beyond these."""
    text = _text(value, numbers_too=field.type in ("number", "phone"))
    if not text:
        if field.required:
            raise FormatError(_l("This field is required."))
        return ""
    if len(text) > VALUE_MAX:
        raise FormatError(gettext("Use at most %(max)d characters.", max=VALUE_MAX))
    if field.type == "choice":
        text = _choice(text, field)
    elif field.type in cleaners:
        text = cleaners[field.type](text)
    if field.pattern:
        try:
            matched = check_pattern(field.pattern).fullmatch(text)
        except FormatError:
            matched = None
        if not matched:
            hint = field.hint or field.pattern
            raise FormatError(gettext("Does not match the format: %(hint)s", hint=hint))
    return text


def clean_values(fields, values, cleaners=CLEANERS):
    """(clean values by key, errors by key). Unknown keys are errors too."""
    by_key = {field.key: field for field in fields}
    errors = {key: [str(_l("Unknown field."))] for key in values if key not in by_key}
    clean = {}
    for field in fields:
        try:
            clean[field.key] = clean_value(field, values.get(field.key), cleaners)
        except FormatError as error:
            errors[field.key] = [str(error.message)]
    return clean, errors
