"""HTML forms read with the same marshmallow schemas as the API, so both refuse alike."""
from flask import request
from marshmallow import ValidationError

from grouptools.core.errors import Invalid


def read_form(schema, booleans=()):
    """(data, errors, values): `values` is what the person typed, to show again.

    Empty optional fields are left out (a form sends "" for a field left blank);
    unchecked boxes send nothing, so `booleans` are read as present/absent."""
    values = {}
    for name, field in schema.fields.items():
        if name in booleans:
            values[name] = name in request.form
        elif name in request.form:
            values[name] = request.form.get(name, "")
    submitted = {
        name: value for name, value in values.items()
        if not (value == "" and not schema.fields[name].required)
    }
    try:
        return schema.load(submitted), {}, values
    except ValidationError as error:
        return None, error.messages, values


def field_errors(error):
    """A service's Invalid error as {field: [messages]} for a form."""
    if isinstance(error, Invalid) and error.errors:
        return dict(error.errors.get("json", error.errors))
    return {"_form": [str(error.message)]}
