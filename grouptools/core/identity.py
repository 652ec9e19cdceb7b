"""Who is asking: a Bearer token, or the signed session cookie — decided once per request.

A request carrying `Authorization` is judged by it alone: a bad token is 401, never a
fall-back to the cookie, and it needs no CSRF token. A cookie request that changes
anything must carry a CSRF token (forms include it, scripts send X-CSRFToken)."""
import time
from collections import OrderedDict

from flask import current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_smorest import abort
from itsdangerous import BadSignature
from sqlalchemy import bindparam, select
from werkzeug.exceptions import HTTPException

from grouptools.core.database import SAFE_METHODS, before_the_write
from grouptools.core.i18n import gettext
from grouptools.core.models import Person, hash_secret
from grouptools.core.timeutil import utcnow
from grouptools.extensions import csrf, db


def _unauthorised(message):
    abort(401, message=message, headers={"WWW-Authenticate": 'Bearer realm="grouptools"'})


# Built once: every request with a token or a cookie runs one of them.
_BY_TOKEN = select(Person).where(Person.token_hash == bindparam("token_hash"))
_BY_PUBLIC_ID = select(Person).where(Person.public_id == bindparam("public_id"))


def _token_hash(header):
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        _unauthorised(gettext("Send the token as 'Authorization: Bearer <token>'."))
    return hash_secret(token)


def _token_person(person):
    """`person`, read by a token's hash; 401 when there is none."""
    if person is None:
        _unauthorised(gettext("This token is not valid (it may have been replaced)."))
    return person


def _read_token():
    token_hash = g.pop("token_unread")
    g.person = _token_person(db.session.scalar(_BY_TOKEN, {"token_hash": token_hash}))


def _person_from_session():
    public_id = session.get("pid")
    if not isinstance(public_id, str):
        return None
    return _session_person(db.session.scalar(_BY_PUBLIC_ID, {"public_id": public_id}))


def _session_person(person):
    """`person` (read by the cookie's `pid`, None when there is none) if the cookie still
    counts for them."""
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
    # `g` may outlive a request (a test or a command holding the app context): nothing
    # unread is carried from one request to the next.
    g.cookie_unread = g.asker_confirmed = g.person_needed = False
    g.token_unread = None
    header = request.headers.get("Authorization")
    if header is not None:
        g.auth = "token"
        token_hash = _token_hash(header)  # a malformed header is 401 at once
        if request.method in SAFE_METHODS:
            # Read when a route first asks who is asking (core.loaders reads the person
            # with the widget), and at the latest before answering (_refuse_bad_token).
            g.token_unread = token_hash
        else:
            with before_the_write():
                g.person = _token_person(db.session.scalar(_BY_TOKEN,
                                                           {"token_hash": token_hash}))
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
    elif g.get("token_unread"):
        _read_token()
    return g.get("person")


def unread_asker():
    """How to read the asker while nobody has read them yet: ("public_id", the id the
    session cookie names) or ("token_hash", the Bearer token's hash); else None. A
    caller may then read the person in its own statement (core.loaders reads them with
    the widget: one statement, not two), by `Person.<first>`, and hand the row (None
    when there is none) to `settle_asker`."""
    if g.get("token_unread"):
        return "token_hash", g.token_unread
    if not g.get("cookie_unread"):
        return None
    public_id = session.get("pid")
    return ("public_id", public_id) if isinstance(public_id, str) else None


def settle_asker(by, person):
    """The asker, from `person` read as `unread_asker()` said (`by`): a token that
    finds nobody is 401; a cookie is judged as one read here is (`settle_cookie_person`)."""
    if by == "token_hash":
        g.pop("token_unread", None)
        g.person = _token_person(person)
        return g.person
    return settle_cookie_person(person)


def asker_public_id():
    """The public id of whoever asks, for a light statement that reads the asker's
    `Person.id` and `Person.session_version` with what it is about (a picture's key,
    core.share.send_keyed_picture): the person the cookie names, not read yet, or the
    person already known; None for nobody. `asker_confirmed` then says whether the row
    it read is the asker."""
    if g.get("cookie_unread"):
        public_id = session.get("pid")
        return public_id if isinstance(public_id, str) else None
    person = current_person()  # a token's person (pictures are a browser's, by cookie)
    return person.public_id if person is not None else None


def asker_confirmed(person_id, session_version):
    """Whether (`person_id`, `session_version`), read by `asker_public_id()`, is the
    asker: for a cookie, its person exists and its session version is the cookie's (not
    signed out everywhere). The person stays unread until a route asks for them; a
    caller told False reads the asker the usual way (current_person), which ends a
    cookie that no longer counts."""
    if g.get("cookie_unread"):
        if person_id is None or session.get("sv") != session_version:
            return False
        keep_session_fresh()
        g.asker_confirmed = True  # someone is known: refuse_unread_asker reads nobody
        return True
    person = g.get("person")
    return person is not None and person.id == person_id


def unread_asker_confirmed(by, person_id, session_version):
    """Whether the row a light statement read by `unread_asker()`'s (`by`, value) —
    `person_id` and `session_version`, None when it found nobody — is the asker: a
    token's person exists (a replaced token finds nobody), a cookie's as
    `asker_confirmed` says. The asker stays unread, and is not read again before
    answering (refuse_unread_asker)."""
    if by != "token_hash":
        return asker_confirmed(person_id, session_version)
    if person_id is None:
        return False
    g.asker_confirmed = True
    return True


def settle_cookie_person(person):
    """The asker, from `person` — the row read by the cookie's public id (`unread_asker`), None
    when there is none — judged as a cookie read here is (a bumped session version, the
    sign-out everywhere, ends it): the person, or None (nobody is known)."""
    g.cookie_unread = False
    g.person = _session_person(person)
    if g.person is not None:
        g.auth = "cookie"
    return g.person


def require_person():
    """The asker, or 401 when nobody is known."""
    person = current_person()
    if person is None:
        _unauthorised(gettext("Tell us your name first: this needs to know who you are."))
    return person


def refuse_nobody_by_the_answer():
    """For a route that needs someone (a blueprint's before_request): 401 when nobody
    is known. A GET with a cookie or a token (no body to read first) has its asker read
    when the route asks (with what it is about: core.loaders.load_widget, load_group)
    and is refused at the latest before answering (refuse_unread_asker), so that asker
    costs no statement of its own; any other request is refused here."""
    if request.method in SAFE_METHODS and (g.get("cookie_unread") or g.get("token_unread")):
        g.person_needed = True
        return
    require_person()


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


def refuse_unread_asker(response):
    """A GET whose route never asked who is asking is still refused as if it had: a
    token that finds nobody is 401 whatever the route (never an answer for a bad token),
    and so is nobody on a route that needs someone (core.http's `needs_person`), whose
    asker is read when the route first asks rather than before it (one statement with
    the widget, core.loaders)."""
    if not (g.get("token_unread") or g.get("person_needed")) or response.status_code == 401:
        return response
    if g.get("asker_confirmed"):
        return response  # the asker was read with what the route answered
    try:
        if g.get("person_needed"):
            require_person()
        else:
            current_person()
    except HTTPException as error:
        from grouptools.core.security import add_security_headers
        return add_security_headers(
            current_app.make_response(current_app.handle_user_exception(error)))
    return response


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without the work a browser's every request repeats:
    the signing serializer is built once per set of keys (Flask builds one per request),
    and a cookie met lately is not verified and decoded again — the same cookie string,
    signed by the same keys, holds the same values. Its age is still checked against
    PERMANENT_SESSION_LIFETIME on every request, as Flask checks it; a cookie whose
    signature fails is never kept. Only cookies holding plain values (strings, numbers)
    are kept, and each request gets its own copy (docs/architecture.md#speed)."""

    KEEP = 4096  # cookies: a few hundred bytes each

    def __init__(self):
        self._serializers = {}
        self._met = OrderedDict()  # (keys, cookie) → (values, signed at)

    def get_signing_serializer(self, app):
        return self._serializer(app)[1]

    def _serializer(self, app):
        """(the app's keys, its serializer)."""
        if not app.secret_key:
            return None, None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {keys: serializer}  # one app's keys; a new set replaces it
        return keys, serializer

    def open_session(self, app, request):
        keys, serializer = self._serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (keys, cookie)
        met = self._met.get(key)
        if met is not None:
            values, signed_at = met
            if time.time() - signed_at <= max_age:
                try:
                    self._met.move_to_end(key)
                except KeyError:  # another thread let it go meanwhile: still valid
                    pass
                return self.session_class(values)
            self._met.pop(key, None)
        try:
            values, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(values, dict) and all(
                type(value) in (str, int, bool, float) or value is None
                for value in values.values()):
            self._met[key] = (dict(values), signed_at.timestamp())
            if len(self._met) > self.KEEP:
                self._met.popitem(last=False)
        return self.session_class(values)


def init_app(app):
    app.session_interface = CookieSessions()
    app.before_request(load_identity)
    # Registered before core.security's headers, so it runs after them (Flask runs
    # after_request functions last registered first): a 401 made here gets them itself.
    app.after_request(refuse_unread_asker)
    # Who is asking, for the rate limits' key (grouptools.extensions cannot import this).
    app.extensions["grouptools.asker"] = current_person
