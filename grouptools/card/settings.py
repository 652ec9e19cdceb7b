"""A folder's card settings: the fields a card has, the display-name format, who may
open the folder; and what a card's values become under them (checked values, the
display name, what is missing, what search reads).

The standard fields (name, phone, WeChat ID, …) carry no stored label: each reader sees
its label in their own language. Custom fields carry the label their organiser typed."""
import re
from dataclasses import dataclass

import phonenumbers
from flask_babel import lazy_gettext as _l

from grouptools.core.closing import WidgetClosed
from grouptools.core.errors import Invalid
from grouptools.core.valueformats import CLEANERS, FormatError, clean_values

STANDARD_FIELDS = {
    "name": (_l("Name"), "text"),
    "phone": (_l("Phone"), "phone"),
    "wechat": (_l("WeChat ID"), "text"),
    "email": (_l("E-mail"), "email"),
    "company": (_l("Company"), "text"),
    "title": (_l("Job title"), "text"),
    "city": (_l("City"), "text"),
    "school": (_l("School"), "text"),
    "intro": (_l("About me"), "text"),
}
# The defaults docs/api.md#routes names (member cards): name (required), phone (private), company, title, city, intro.
DEFAULT_FIELDS = (
    {"key": "name", "required": True},
    {"key": "phone", "private": True},
    {"key": "company"}, {"key": "title"}, {"key": "city"}, {"key": "intro"},
)
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
# What is left at either end of a display name when a part of its format was empty.
FORMAT_SEPARATORS = " -_/|·—–:：,，、"
EMPTY_BRACKETS = re.compile(r"\(\s*\)|（\s*）|\[\s*\]|【\s*】")
PHONE_REGION = "CN"  # a number without a country code is read as a Chinese one
URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


@dataclass(frozen=True)
class CardField:
    """One field of the card, as core.valueformats checks it."""

    key: str
    label: str  # "" for a standard field: its translated label is shown
    type: str = "text"
    required: bool = False
    private: bool = False
    pattern: str | None = None
    hint: str = ""
    choices: tuple = ()

    @property
    def shown_label(self):
        if self.label:
            return self.label
        standard = STANDARD_FIELDS.get(self.key)
        return str(standard[0]) if standard else self.key

    def as_stored(self):
        return {"key": self.key, "label": self.label, "type": self.type,
                "required": self.required, "private": self.private, "pattern": self.pattern,
                "hint": self.hint, "choices": list(self.choices)}


def card_field(stored):
    """A CardField from its stored (or sent) description; a standard field's type is
    its own unless the organiser chose another."""
    key = stored["key"]
    default_type = STANDARD_FIELDS[key][1] if key in STANDARD_FIELDS else "text"
    return CardField(key=key, label=stored.get("label") or "",
                     type=stored.get("type") or default_type,
                     required=bool(stored.get("required")), private=bool(stored.get("private")),
                     pattern=stored.get("pattern") or None, hint=stored.get("hint") or "",
                     choices=tuple(stored.get("choices") or ()))


def default_fields():
    return [card_field(stored).as_stored() for stored in DEFAULT_FIELDS]


def fields_of(folder):
    """The folder's fields as CardFields, in order; the defaults when it has none yet."""
    stored = folder.fields if folder is not None and folder.fields else default_fields()
    return [card_field(item) for item in stored]


# --- Values --------------------------------------------------------------------------------

def _phone(text):
    """Any number phonenumbers knows as valid: a Chinese one as its national digits
    (13812345678, as people write it), others in international form (+4915123456789)."""
    try:
        number = phonenumbers.parse(text.replace("＋", "+"), PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise FormatError(_l("Not a valid phone number."))
    if number.country_code == 86:
        return phonenumbers.national_significant_number(number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def international_phone(stored):
    """The stored number in international form (+86…), for vCards."""
    try:
        number = phonenumbers.parse(stored, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _url(text):
    if not URL.fullmatch(text):
        raise FormatError(_l("Not a valid web address: start it with https://"))
    return text


CARD_CLEANERS = {**CLEANERS, "phone": _phone, "url": _url}


def check_values(fields, values):
    """(clean values by key, errors by key) — core.valueformats with the card's types."""
    return clean_values(fields, values, CARD_CLEANERS)


def values_to_save(folder, values):
    """(fields, clean values) of a card about to be saved in `folder`: WidgetClosed when
    it takes no more, Invalid with each refused value under `values`."""
    if folder.is_closed():
        raise WidgetClosed(folder)
    fields = fields_of(folder)
    clean, errors = check_values(fields, values)
    if errors:
        raise Invalid({"values": errors})
    return fields, clean


def format_errors(fmt, fields):
    """What is wrong with a display-name format, or None: each {key} must be a field."""
    keys = {field.key for field in fields}
    unknown = [key for key in PLACEHOLDER.findall(fmt) if key not in keys]
    if unknown:
        return _l("The format names fields the card does not have: %(keys)s",
                  keys=", ".join(unknown))
    if "{" in PLACEHOLDER.sub("", fmt) or "}" in PLACEHOLDER.sub("", fmt):
        return _l("Write each field as {key}, e.g. {company}-{name}.")
    return None


def display_name(fmt, values, fallback, limit):
    """The card's display name: the format with the card's values, its loose
    separators trimmed ("-张三" when no company was given); else the name field; else
    `fallback` (the member's name). At most `limit` characters."""
    built = ""
    if fmt:
        built = PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), fmt)
        built = EMPTY_BRACKETS.sub("", built).strip(FORMAT_SEPARATORS)
    built = built or values.get("name", "") or fallback
    return built[:limit]


def missing_keys(fields, values):
    return [field.key for field in fields if field.required and not values.get(field.key)]


def search_texts(fields, values, name):
    """(what members search, what managers search): lower-cased, one line each."""
    visible = [name] + [values.get(f.key, "") for f in fields if not f.private]
    every = [name] + [values.get(f.key, "") for f in fields]
    return ("\n".join(v for v in visible if v).lower(), "\n".join(v for v in every if v).lower())


def visible_keys(fields, sees_private):
    """The keys of the fields one reader may see, in order: worked out once for a list
    of cards rather than for each card."""
    return [f.key for f in fields if sees_private or not f.private]


def visible_values(fields, values, sees_private):
    """The values one reader may see, in the fields' order, empty ones left out."""
    return {f.key: values[f.key] for f in fields
            if values.get(f.key) and (sees_private or not f.private)}
