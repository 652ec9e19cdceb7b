"""Who is asking: a Bearer token, or the signed session cookie — decided once per request.

A request carrying `Authorization` is judged by it alone: a bad token is 401, never a
fall-back to the cookie, and it needs no CSRF token. A cookie request that changes
anything must carry a CSRF token (forms include it, scripts send X-CSRFToken)."""
from flask import current_app, g, request, session
from flask_babel import gettext
from flask_smorest import abort
from sqlalchemy import bindparam, select

from grouptools.core.database import SAFE_METHODS, before_the_write
from grouptools.core.models import Person, hash_secret
from grouptools.core.timeutil import utcnow
from grouptools.extensions import csrf, db


def _unauthorised(message):
    abort(401, message=message, headers={"WWW-Authenticate": 'Bearer realm="grouptools"'})


# Built once: every request with a token or a cookie runs one of them.
_BY_TOKEN = select(Person).where(Person.token_hash == bindparam("token_hash"))
_BY_PUBLIC_ID = select(Person).where(Person.public_id == bindparam("public_id"))


def _person_from_token(header):
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        _unauthorised(gettext("Send the token as 'Authorization: Bearer <token>'."))
    person = db.session.scalar(_BY_TOKEN, {"token_hash": hash_secret(token)})
    if person is None:
        _unauthorised(gettext("This token is not valid (it may have been replaced)."))
    return person


def _person_from_session():
    public_id = session.get("pid")
    if not isinstance(public_id, str):
        return None
    person = db.session.scalar(_BY_PUBLIC_ID, {"public_id": public_id})
    if person is None or session.get("sv") != person.session_version:
        # Signed out everywhere, or the person is gone: this cookie no longer counts.
        session.pop("pid", None)
        session.pop("sv", None)
        return None
    keep_session_fresh()
    return person


def keep_session_fresh():
    """A signed-in browser's cookie lasts a year from the last day it was used: the first
    answer of each day signs it again (SESSION_REFRESH_EACH_REQUEST is off, so the other
    answers of the day send no cookie)."""
    today = utcnow().toordinal()
    if session.get("day") != today:
        session["day"] = today


def load_identity():
    g.person = None
    g.auth = None
    header = request.headers.get("Authorization")
    if header is not None:
        if request.method in SAFE_METHODS:
            g.person = _person_from_token(header)
        else:
            with before_the_write():
                g.person = _person_from_token(header)
        g.auth = "token"
        return
    has_cookie = current_app.config["SESSION_COOKIE_NAME"] in request.cookies
    if request.method not in SAFE_METHODS:
        if has_cookie or not request.path.startswith("/api/"):
            csrf.protect()
        else:
            # An API client with neither token nor cookie (creating its person):
            # nothing it does may sign a browser in.
            g.auth = "anonymous-api"
    if has_cookie:
        if request.method in SAFE_METHODS:
            # Read when a route first asks who is asking: a public QR code or poster
            # never does, and is answered without the person's statement.
            g.cookie_unread = True
        else:
            with before_the_write():
                _read_cookie()


def _read_cookie():
    g.cookie_unread = False
    g.person = _person_from_session()
    if g.person is not None:
        g.auth = "cookie"


def current_person():
    if g.get("cookie_unread"):
        _read_cookie()
    return g.get("person")


def require_person():
    """The asker, or 401 when nobody is known."""
    person = current_person()
    if person is None:
        _unauthorised(gettext("Tell us your name first: this needs to know who you are."))
    return person


def sign_in(person):
    """Bind the browser's session to `person` (not for token or cookieless API calls)."""
    if g.get("auth") in ("token", "anonymous-api"):
        return
    session["pid"] = person.public_id
    session["sv"] = person.session_version
    session["day"] = utcnow().toordinal()
    session.permanent = True
    g.cookie_unread = False
    g.person = person
    g.auth = "cookie"


def init_app(app):
    app.before_request(load_identity)
    # Who is asking, for the rate limits' key (grouptools.extensions cannot import this).
    app.extensions["grouptools.asker"] = current_person
