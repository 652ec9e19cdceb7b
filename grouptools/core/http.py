"""JSON API plumbing shared by every blueprint: content-type checks and body parsing."""
import functools
import json

import flask_smorest
from flask import current_app, g, request
from flask_smorest import abort
from marshmallow import ValidationError
from webargs.flaskparser import FlaskParser
from werkzeug.routing import BaseConverter

from grouptools.core.database import SAFE_METHODS
from grouptools.core.fields import NOT_TEXT, SURROGATES
from grouptools.core.i18n import gettext
from grouptools.core.identity import require_person
from grouptools.core.models import PUBLIC_ID_PATTERN


def _surrogate_errors(data):
    """{key: …: [message]} for every string in a JSON body holding a lone surrogate,
    keys included; {} when there is none. Python's json accepts `"\\udfff"`; the
    database driver and the response encoder would fail on it later (a 500). Walked
    without recursion: a body nested as deep as json allows must not overflow here."""
    errors, stack = {}, [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if SURROGATES.search(value):
                _put(errors, path or ("_schema",))
            continue
        items = value.items() if isinstance(value, dict) else \
            enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            if isinstance(key, str) and SURROGATES.search(key):
                _put(errors, (*path, key.encode("utf-8", "backslashreplace").decode("ascii")))
            else:
                stack.append(((*path, key), item))
    return errors


def _put(errors, path):
    for key in path[:-1]:
        errors = errors.setdefault(key, {})
        if not isinstance(errors, dict):
            return
    errors[path[-1]] = [str(NOT_TEXT)]


class JSONParser(FlaskParser):
    """webargs' parser, with a body nested too deeply treated as malformed JSON (400)
    and a string that is no text (a lone surrogate) refused at parsing (422)."""

    def _raw_load_json(self, req):
        try:
            data = super()._raw_load_json(req)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "-", 0) from None
        errors = _surrogate_errors(data)
        if errors:
            raise ValidationError(errors)
        return data


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint whose JSON routes refuse other content types with 415.

    Left alone, a `text/plain` body reaches marshmallow as "missing" and answers 422.
    With `needs_person=True` (every widget's API: strangers get 404, nobody gets 401)
    nobody is refused with 401 before a body is read, so the answer to a request without
    a name never depends on what it sent."""

    ARGUMENTS_PARSER = JSONParser()

    def __init__(self, *args, needs_person=False, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_person:
            self.before_request(_refuse_nobody)

    def arguments(self, schema, *, location="json", **kwargs):
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return parse

        def decorator(func):
            parsed = parse(func)

            @functools.wraps(parsed)
            def require_json(*args, **kw):
                if not request.is_json:
                    abort(415, message=gettext("Send the body as JSON (Content-Type: application/json)."))
                return parsed(*args, **kw)

            return require_json

        return decorator


def _refuse_nobody():
    """401 when nobody is known; the route itself runs otherwise. A GET with a cookie
    or a token (no body to read first) has its asker read when the route asks (with the
    widget, core.loaders), and refused at the latest before answering
    (core.identity.refuse_unread_asker)."""
    if request.method in SAFE_METHODS and (g.get("cookie_unread") or g.get("token_unread")):
        g.person_needed = True
        return
    require_person()


class PublicIdConverter(BaseConverter):
    """`<pid:gid>`: only well-formed public ids reach a view; anything else is a 404
    before a query runs (PostgreSQL would refuse a NUL character with an error)."""

    regex = PUBLIC_ID_PATTERN


def allow_large_body(app, endpoint, limit):
    """Let one endpoint (an upload) take bodies up to `limit` bytes; every other keeps
    the small global MAX_CONTENT_LENGTH. Applied before anything reads the body — the
    CSRF check of a cookie request reads the form."""
    app.config.setdefault("BODY_LIMITS", {})[endpoint] = limit


def _apply_body_limit():
    limit = current_app.config.get("BODY_LIMITS", {}).get(request.endpoint)
    if limit:
        request.max_content_length = limit


def init_app(app):
    app.url_map.converters["pid"] = PublicIdConverter
    # Registered before identity's before_request, which may read the form.
    app.before_request(_apply_body_limit)
