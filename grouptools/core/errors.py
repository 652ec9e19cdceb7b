"""One error format: the contract's JSON for /api/, a friendly page for everything else.

Services raise the domain errors below with plain field errors (`Invalid({"title":
[message]})`), knowing nothing of HTTP; this module turns them, and every HTTP error,
into one answer in the asker's language — field messages under `errors.json.<field>`,
where the API's own schemas put theirs."""
from flask import render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from flask_wtf.csrf import CSRFError
from werkzeug.http import HTTP_STATUS_CODES

STATUS_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Sign in first: this needs to know who you are."),
    403: _l("You are not allowed to do this."),
    404: _l("Not found, or not visible to you."),
    405: _l("This address does not accept that method."),
    409: _l("This conflicts with the current state."),
    413: _l("What you sent is too large."),
    415: _l("This kind of content is not accepted here."),
    422: _l("Some fields are invalid."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing you sent was lost; please try again."),
}


class DomainError(Exception):
    """A rule of the product refused an action; `status` is its HTTP answer.

    `errors`, when given, are plain field errors: {field: [messages]} (nested for lists
    and objects, as marshmallow gives them), never wrapped in a request location."""

    status = 409
    default_message = STATUS_MESSAGES[409]

    def __init__(self, message=None, errors=None):
        super().__init__(message)
        self.message = message or self.default_message
        self.errors = errors


class NotAllowed(DomainError):
    status = 403
    default_message = STATUS_MESSAGES[403]


class NotFound(DomainError):
    status = 404
    default_message = STATUS_MESSAGES[404]


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    """A rule on one or more fields that a schema cannot check alone:
    `Invalid({"field": [message]})`."""

    status = 422
    default_message = STATUS_MESSAGES[422]

    def __init__(self, errors=None, message=None):
        super().__init__(message, errors)


def wants_json():
    return request.path.startswith("/api/")


def _plain(value):
    """Lazy translations and nested messages, as JSON-ready plain values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)


def error_response(status, name, message=None, errors=None, headers=None):
    message = str(message or STATUS_MESSAGES.get(status) or name)
    if wants_json():
        payload = {"code": status, "status": name, "message": message}
        if errors:
            payload["errors"] = _plain(errors)
        return payload, status, headers or {}
    if request_ctx.url_adapter is None:
        # No address can be built (a Host outside TRUSTED_HOSTS): plain text, no layout.
        return message, status, {**(headers or {}), "Content-Type": "text/plain; charset=utf-8"}
    html = render_template("errors/error.html", status=status, message=message)
    return html, status, headers or {}


class GroupToolsApi(Api):
    """flask-smorest handles every HTTP error of the app: give it the contract's shape."""

    def handle_http_exception(self, error):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        message = data.get("message")
        if message is None and error.code == 422 and errors:
            message = STATUS_MESSAGES[422]
        headers = dict(data.get("headers") or {})
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            headers.setdefault("Allow", ", ".join(error.valid_methods))
        if error.code == 429 and getattr(error, "retry_after", None):
            headers.setdefault("Retry-After", str(error.retry_after))
        return error_response(error.code, error.name, message, errors, headers)


def handle_domain_error(error):
    # The body a client parses: field messages where the API's schemas put theirs.
    errors = {"json": error.errors} if error.errors else None
    return error_response(error.status, HTTP_STATUS_CODES[error.status], error.message, errors)


def handle_csrf_error(error):
    return error_response(
        400,
        error.name,
        _l("This page was out of date or sent from elsewhere. Reload it and try again."),
        {"csrf": [str(error.description)]},
    )


def init_app(app):
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
