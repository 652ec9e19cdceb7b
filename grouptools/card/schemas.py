"""What the member-card API accepts and answers (docs/api.md). Which values a reader
sees is decided by the service (service.CardView.values); these schemas show it."""
from flask import g, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from grouptools.card.models import FIELD_TYPES, VISIBILITIES, CardFolder
from grouptools.card.settings import STANDARD_FIELDS
from grouptools.core.fields import Boolean, Deadline, Schema, Text, VisibleText, page_number
from grouptools.core.links import MEMBER_PLACEHOLDER, absolute_url
from grouptools.core.valueformats import check_field_spec
from grouptools.core.widgetapi import WidgetStateSchema

KEY = validate.Regexp(r"^[a-z][a-z0-9_]*$",
                      error=_l("Use lower-case letters, digits and _ (e.g. hobby)."))
LIST_MESSAGES = {"invalid": _l("Not a valid list."), "required": _l("This field is required."),
                 "null": _l("This field may not be empty.")}

class CardFieldInSchema(Schema):
    key = Text(required=True, min_length=1, max_length=32, validate=[KEY])
    label = VisibleText(max_length=60, metadata={
        "description": "Required for custom fields; standard fields show their own label "
                       "in each reader's language when it is left out"})
    type = Text(max_length=16, validate=[validate.OneOf(
        FIELD_TYPES, error=_l("Use text, phone, email, url or choice."))])
    required = Boolean(load_default=False)
    private = Boolean(load_default=False, metadata={
        "description": "Only the group's managers and the card's owner see it"})
    pattern = Text(max_length=100, allow_none=True, strip=False)
    hint = Text(max_length=100, metadata={"description": "Shown when a value does not match"})
    choices = fields.List(VisibleText(min_length=1, max_length=60), error_messages=LIST_MESSAGES,
                          validate=[validate.Length(max=30, error=_l("Give at most {max} items."))])

    @validates_schema
    def check_format(self, data, **kwargs):
        check_field_spec(data)
        if data["key"] not in STANDARD_FIELDS and not data.get("label"):
            raise ValidationError(_l("Give the field a label."), "label")

class CardSettingsInSchema(Schema):
    # Not `fields`: a marshmallow schema keeps its own fields under that name.
    field_list = fields.List(fields.Nested(CardFieldInSchema), required=True, data_key="fields",
                         error_messages=LIST_MESSAGES,
                         validate=[validate.Length(min=1, max=CardFolder.FIELDS_MAX,
                                                   error=_l("Give 1 to {max} fields."))])
    display_name_format = Text(max_length=CardFolder.FORMAT_MAX, load_default="", metadata={
        "description": "Fields as {key}, e.g. {company}-{name}; empty: the name field"})
    folder_visibility = Text(max_length=16, load_default="members", validate=[validate.OneOf(
        VISIBILITIES, error=_l("Use members or managers."))])

    @validates_schema
    def check_keys(self, data, **kwargs):
        keys = [item["key"] for item in data.get("field_list", [])]
        if len(set(keys)) != len(keys):
            raise ValidationError(_l("Each field needs its own key."), "fields")

class CardFieldSchema(Schema):
    key = fields.String()
    label = fields.String(attribute="shown_label")
    type = fields.String()
    required = fields.Boolean()
    private = fields.Boolean()
    pattern = fields.String(allow_none=True)
    hint = fields.String()
    choices = fields.List(fields.String())

class CardSettingsSchema(Schema):
    field_list = fields.List(fields.Nested(CardFieldSchema), attribute="fields", data_key="fields")
    display_name_format = fields.String()
    folder_visibility = fields.String()
    folder_id = fields.Function(lambda s: s.folder.public_id if s.folder else None, metadata={
        "description": "null until an owner or admin sets member cards up"})

class MyCardInSchema(Schema):
    values = fields.Dict(keys=Text(max_length=32), values=fields.Raw(allow_none=True),
                         required=True, validate=[validate.Length(max=CardFolder.FIELDS_MAX * 2)],
                         metadata={"description": "{key: value} for the card's fields"})
    public = Boolean(metadata={"description": "Show the card's non-private values to anyone "
                                              "at /c/{id} (default false)"})

def _link_parts(endpoint):
    """(before, after) a card's id in its absolute address: the folder lists 50 cards, so
    each address is built once per request and endpoint, then only the card's id changes
    (core.links does the same for avatars)."""
    built = g.setdefault("card_links", {})
    if endpoint not in built:
        built[endpoint] = absolute_url(url_for(endpoint, cid=MEMBER_PLACEHOLDER)).rsplit(
            MEMBER_PLACEHOLDER, 1)
    return built[endpoint]


def _links():
    return _link_parts("card_pages.show_card"), _link_parts("cards.card_vcf")


def card_dict(view, links=None):
    """A service.CardView as CardSchema answers it, written straight to a dict: the folder
    answers 50 cards at a time, and marshmallow walking nine fields of each was a good
    part of that answer (bench/README.md, "Searching the card folder"). `links`: _links(),
    read once for a list."""
    card = view.card
    if card is None:
        return {"id": None, "member_id": None, "values": view.values,
                "display_name": view.display_name, "complete": False,
                "missing": view.missing, "public": False, "url": None, "vcf_url": None}
    (page, page_end), (vcf, vcf_end) = links or _links()
    return {"id": card.public_id, "member_id": card.owner.public_id, "values": view.values,
            "display_name": view.display_name, "complete": view.complete,
            "missing": view.missing, "public": bool(card.public),
            "url": f"{page}{card.public_id}{page_end}",
            "vcf_url": f"{vcf}{card.public_id}{vcf_end}"}


class CardSchema(Schema):
    """A service.CardView, dumped by card_dict; the fields describe it (OpenAPI), and a
    test keeps the two alike."""

    def dump(self, obj, *, many=None):
        many = self.many if many is None else many
        if not many:
            return card_dict(obj)
        links = _links()
        return [card_dict(view, links) for view in obj]

    id = fields.String(allow_none=True, metadata={"description": "null: my card, not filled in"})
    member_id = fields.String(allow_none=True)
    values = fields.Dict()
    display_name = fields.String()
    complete = fields.Boolean()
    missing = fields.List(fields.String(), metadata={"description": "Required keys left empty"})
    public = fields.Boolean()
    url = fields.String(allow_none=True)
    vcf_url = fields.String(allow_none=True)

class CardMemberSchema(Schema):
    member_id = fields.String(attribute="public_id")
    name = fields.String(attribute="display_name")

class IncompleteCardsSchema(Schema):
    missing = fields.Function(lambda r: CardMemberSchema(many=True).dump(r.missing))
    incomplete = fields.Function(lambda r: [
        {**CardMemberSchema().dump(member), "missing": keys} for member, keys in r.incomplete])
    missing_count = fields.Integer()
    incomplete_count = fields.Integer()
    reminder_text = fields.String(allow_none=True)

class CardFolderQuerySchema(Schema):
    q = Text(max_length=100, load_default="")
    page = page_number()

class CardFolderCreateSchema(Schema):
    title = VisibleText(min_length=1, max_length=CardFolder.TITLE_MAX)
    description = Text(max_length=CardFolder.DESCRIPTION_MAX)

class CardFolderUpdateSchema(CardFolderCreateSchema):
    deadline = Deadline(allow_none=True, metadata={
        "description": "Cards can no longer be changed after it"})

class CardFolderSchema(WidgetStateSchema):
    """The folder as the kit's routes answer it (a listing.FolderState)."""

    description = fields.Function(lambda s: s.widget.description)
    closed = fields.Function(lambda s: s.widget.is_closed())
    settings = fields.Function(lambda s: CardSettingsSchema().dump(s.settings))
    complete_count = fields.Integer()
    member_count = fields.Integer()
