"""What the API accepts and answers about people."""
from marshmallow import fields

from grouptools.core.fields import Schema, VisibleText
from grouptools.core.models import Person


class PersonCreateSchema(Schema):
    name = VisibleText(required=True, min_length=1, max_length=Person.NAME_MAX)


class PersonUpdateSchema(Schema):
    name = VisibleText(required=True, min_length=1, max_length=Person.NAME_MAX)


class PersonSchema(Schema):
    id = fields.String(attribute="public_id")
    name = fields.String()


class PersonCreatedSchema(PersonSchema):
    token = fields.String(metadata={"description": "Shown once; send as 'Authorization: Bearer …'"})


class MyGroupSchema(Schema):
    id = fields.String()
    name = fields.String()
    role = fields.String()
    status = fields.String(metadata={"description": "active, or pending while awaiting approval"})


class MeSchema(PersonSchema):
    groups = fields.List(fields.Nested(MyGroupSchema))


class TokenSchema(Schema):
    token = fields.String()


class CsrfSchema(Schema):
    csrf_token = fields.String()


class UrlSchema(Schema):
    url = fields.String()


class MyItemSchema(Schema):
    kind = fields.String(metadata={"description": "poll, relay, notice, checkin, event …"})
    kind_label = fields.String()
    title = fields.String()
    group = fields.String(metadata={"description": "the group's name"})
    state = fields.String(metadata={"description": "a short line in the asker's language"})
    url = fields.String()
    at = fields.DateTime(metadata={"description": "what the list is sorted by, newest first"})
    news = fields.Boolean(metadata={"description": "a change to notice: moved up from a waitlist"})


class MyItemsSchema(Schema):
    items = fields.List(fields.Nested(MyItemSchema))


class AvatarSchema(Schema):
    photo = fields.Boolean(metadata={"description": "whether a photo stands for the person"})
    url = fields.String(allow_none=True, metadata={"description": "the photo (square crop "
                        "is up to the client), or null: then initial on colour"})
    initial = fields.String()
    colour = fields.String(metadata={"description": "#rrggbb behind the initial"})
