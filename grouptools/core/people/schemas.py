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
