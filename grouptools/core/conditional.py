"""Conditional GETs: every widget page and JSON answer carries an ETag worked out before
anything is rendered, and an asker who already holds it gets 304 with no body.

The ETag is made of what is already loaded when the access rules have been applied
(core.loaders.load_widget): the widget's and the group's `version`, the asker and their
membership, the language, the CSRF token of the session (pages hold forms), the app's own
build (code, templates, assets, catalogs), the address asked, and what time changes about
the widget (`WidgetMixin.clock`: a deadline passing, the group's local date). Versions move
by themselves: a service that asks `core.access.authorize` for a changing action (ACT,
MANAGE_WIDGET, CHANGE_OWN_ITEM) has the widget's version bumped when its transaction
commits, and any change to a roster, a group's settings or a member's name bumps the
group's (session events below) — no widget bumps by hand. A widget's other writes (a
notice opened for the first time) call `note_change(widget)`. Every one of these moves
the widget's group's widgets' clock too (core.groupclock), which the group page's ETag
reads.

Answers carry `Cache-Control: private, no-cache` (kept, but asked again each time); a route
that must never be kept (the event's rotating sign-in code) is wrapped in `@uncached`.
See docs/architecture.md#speed."""
import functools
import hashlib
import hmac
import os

from flask import current_app, g, has_request_context, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from grouptools.core import groupclock
from grouptools.core.i18n import current_language
from grouptools.core.kept import kept, kept_now, weight
from grouptools.core.security import vary_on_cookie_and_language
from grouptools.core.models import Group, Membership, Person, PersonAvatar
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db

REVALIDATE = "private, no-cache"
NEVER_KEEP = "no-store"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# session.info keys: what this transaction changed, bumped when it commits.
_CHANGED = "grouptools.changed"
_PEOPLE = "grouptools.renamed_people"
_MOVED = "grouptools.moved_by_hand"
# What in a membership or a group shows on the group's pages.
_MEMBERSHIP_SHOWN = ("role", "status", "nickname", "person_id", "group_id")
_UNSHOWN = {"version", "updated_at"}


class Unchanged(Exception):
    """The asker holds the current answer: 304 (raised before anything is rendered)."""


# --- What changed: bumped when the transaction commits ----------------------------------

def note_change(thing):
    """Have the version of `thing` — a widget, a member's item in one, or a Group —
    bumped when this transaction commits. A GET changes nothing unless it said it
    writes (core.database.request_writes_on_read): a manager merely looking at a
    manager's page moves no version."""
    if has_request_context() and request.method in SAFE_METHODS \
            and not g.get("writes_on_read", False):
        return
    widget = getattr(thing, "widget", thing)  # core.widgetbase.OwnedItem → its widget
    if not hasattr(type(widget), "version") or getattr(widget, "id", None) is None:
        return
    db.session.info.setdefault(_CHANGED, set()).add((type(widget), widget.id))
    if hasattr(type(widget), "CLOCK_MOMENTS"):
        groupclock.note_widget(db.session, widget)  # the group page shows every widget
    if has_request_context():
        g.etag_moved = True  # a GET that writes: its answer's ETag is worked out again


def version_moved(widget):
    """This transaction moved `widget`'s version itself, in the statement that took its
    row (a vote's claim on an open poll: poll/voting.py): the commit moves it no further
    (one UPDATE of the row, not two)."""
    db.session.info.setdefault(_MOVED, set()).add((type(widget), widget.id))
    groupclock.note_widget(db.session, widget)


def _note_flushed(session, flush_context, instances):
    """Changes to the roster and settings of a group, wherever they are made (every
    widget page of the group shows names, roles and who is a member), and to a widget's
    own row however it was reached — and, for the group's widgets' clock
    (core.groupclock), a widget created, changed or deleted, with its moments."""
    changed = session.info.setdefault(_CHANGED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Membership):
            state = inspect(obj)
            if obj in session.dirty and not any(
                    state.attrs[name].history.has_changes() for name in _MEMBERSHIP_SHOWN):
                continue
            with session.no_autoflush:  # a new membership may name its group by object
                group_id = obj.group_id if obj.group_id is not None else getattr(
                    obj.group, "id", None)
            if group_id is not None:
                changed.add((Group, group_id))
        elif isinstance(obj, Group) or hasattr(type(obj), "CLOCK_MOMENTS"):
            # A group's settings, or a widget's own row (settings a group's managers
            # change for it, such as a card folder's fields).
            state = inspect(obj)
            dirty = obj in session.dirty
            if dirty and any(attr.history.has_changes() for attr in state.attrs
                             if attr.key not in _UNSHOWN):
                changed.add((type(obj), obj.id))
            if isinstance(obj, Group):
                continue
            with session.no_autoflush:
                if obj in session.deleted:
                    groupclock.note_widget(session, obj)
                elif not dirty or any(attr.history.has_changes() for attr in state.attrs):
                    groupclock.note_widget(session, obj, groupclock.moments_of(obj))
        elif isinstance(obj, Person) and obj in session.dirty:
            if inspect(obj).attrs["name"].history.has_changes():
                session.info.setdefault(_PEOPLE, set()).add(obj.id)
        elif isinstance(obj, PersonAvatar):
            session.info.setdefault(_PEOPLE, set()).add(obj.person_id)


def _bump_versions(session):
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the flush changes is noted (_note_flushed) before bumping
    moved = session.info.pop(_MOVED, set())
    changed = session.info.pop(_CHANGED, set()) - moved
    people = session.info.pop(_PEOPLE, set())
    by_model = {}
    for model, row_id in changed:
        by_model.setdefault(model, set()).add(row_id)
    # `updated_at` stays: it is the settings' time, and a secret vote's time must not
    # show anywhere (poll/voting.py). Widgets by table name, then groups: one order for
    # every writer (PostgreSQL row locks are taken in it), which a vote or a sign-up
    # begins by locking its widget's row.
    for model in sorted(by_model, key=lambda m: (m is Group, m.__tablename__)):
        session.execute(update(model).where(model.id.in_(sorted(by_model[model])))
                        .values(version=model.version + 1, updated_at=model.updated_at)
                        .execution_options(synchronize_session=False))
    if people:
        groups_of = select(Membership.group_id).where(Membership.person_id.in_(people))
        session.execute(update(Group).where(Group.id.in_(groups_of))
                        .values(version=Group.version + 1, updated_at=Group.updated_at)
                        .execution_options(synchronize_session=False))
    groupclock.bump_widget_clocks(session)


def _forget_after_rollback(session, previous_transaction):
    # A rolled-back change is gone; a retry notes again.
    if previous_transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_PEOPLE, None)
        session.info.pop(_MOVED, None)
        groupclock.forget_noted(session)


event.listen(Session, "before_flush", _note_flushed)
event.listen(Session, "before_commit", _bump_versions)
event.listen(Session, "after_soft_rollback", _forget_after_rollback)


# --- Answering: the ETag before rendering, 304 when the asker holds it -------------------

def answer_if_unchanged(*parts, person=None, membership=None, again=None):
    """Work out this GET's ETag from `parts` (versions and ids already loaded) and the
    asker, language, session's CSRF token, build and address; raise Unchanged (304)
    when the asker holds it. The answer then gets it (`_finish`) — worked out `again()`
    (a callable giving fresh parts) when the GET itself changed the widget (a notice
    opened for the first time). Does nothing for other methods, for an `@uncached`
    route, a second time in one request, and while a flashed message waits to be shown
    (that page is not the same page again)."""
    if not _may_carry_etag():
        return
    if _flash_waits():
        g.etag = None
        return
    g.etag = etag = _etag_of(parts, person, membership)
    if again is not None:
        g.etag_again = lambda: _etag_of(again(), person, membership)
    if request.if_none_match.contains_weak(etag):
        raise Unchanged()


def answer_if_held(*parts, person=None, membership=None):
    """Raise Unchanged (304) when the asker holds the ETag `answer_if_unchanged` would
    work out from these parts — read plainly before anything is loaded
    (core.loaders.peek_with_asker) — and keep nothing otherwise: the answer's ETag is
    then worked out from what the route loads. Holding an ETag is as good as being let
    in: only an answer given to this asker carries it (`_finish`), it changes with
    anything that would let them in or not, and nobody can work one out without the
    app's secret key (`_build_digest`)."""
    if not request.if_none_match or not _may_carry_etag() or _flash_waits():
        return
    etag = _etag_of(parts, person, membership)
    if request.if_none_match.contains_weak(etag):
        g.etag = etag
        raise Unchanged()


def _may_carry_etag():
    """Whether this request's answer may carry an ETag at all: a GET or HEAD, not of an
    `@uncached` route, and not given one already this request."""
    return request.method in ("GET", "HEAD") and not g.get("uncached") and "etag" not in g


def _flash_waits():
    """A page while a flashed message waits to be shown is not the same page again."""
    return "_flashes" in session and _is_page()


def widget_parts(model, widget_id, version, group_id, group_version, moments, zone,
                 now=None):
    """What a widget's ETag is made of beside the asker: its table, id and `version`,
    its group's id and `version`, and its clock at `now` (`WidgetMixin.clock_of`, from
    `moments`: the widget, or its clock's columns read plainly; `zone`: its group's)."""
    return (model.__tablename__, widget_id, version, group_id, group_version,
            model.clock_of(moments, zone, now or utcnow()))


SHARED_BYTES = 8 * 2**20  # per worker: a habit's stats weigh ~30 kB, a relay's 40 entries ~40 kB


def shared_by_askers(widget, name, make, *extra, now=None):
    """What `make()` answers, kept per worker for every asker of `widget` as it is now:
    under what its ETag holds beside the asker (its version, its group's, its clock at
    `now`), the language, the app's root and `extra` (what else the value depends on,
    such as whether the asker manages the widget); the newest SHARED_BYTES of them.

    For what every member reads alike (a habit's leaderboard): `make` reads nothing of
    the asker's beside `extra`, and answers plain values, no ORM object (it would outlive
    its session). A widget's version moves with every change of what it shows, its
    group's with its roster and names (the module's docstring), so a value kept under
    the versions this request read is never older than them (docs/architecture.md#speed).
    A request that writes keeps nothing: it answers `make()` as it reads it, which may be
    newer than the versions it read first."""
    if _writes():
        return make()  # a write reads what it is changing: only what a read saw is kept
    return kept("shared", _shared_key(widget, name, extra, now), make, SHARED_BYTES, weight)


def kept_for_askers(widget, name, *extra, now=None):
    """What shared_by_askers keeps under the same arguments, if a reader of `widget` as
    it is kept it already in this worker; else None (and always None in a request that
    writes): for an answer that can read less when it is there."""
    if _writes():
        return None
    return kept_now("shared", _shared_key(widget, name, extra, now))


def _writes():
    return request.method not in SAFE_METHODS or g.get("writes_on_read", False)


def _shared_key(widget, name, extra, now):
    group = widget.group
    # By public ids: random, so never reused after a deletion as a row id may be.
    return (name, current_language(), request.script_root, extra,
            widget_parts(type(widget), widget.public_id, widget.version, group.public_id,
                         group.version, widget, group.timezone, now))


def shared_json(widget, name, schema, make, *extra, now=None):
    """A JSON answer every asker of `widget` as it is reads alike (`shared_by_askers`,
    with its `extra`), kept as the body `schema` (an instance) dumps from `make()`:
    only the first reader of a version reads, dumps and encodes it. flask-smorest's
    `@blp.response` passes the answer through as it is (and documents `schema`)."""
    app = current_app._get_current_object()
    body = shared_by_askers(widget, name, lambda: f"{app.json.dumps(schema.dump(make()))}\n",
                            *extra, now=now)
    return app.response_class(body, mimetype="application/json")


def _etag_of(parts, person, membership):
    digest = _build_digest().copy()
    secret = None
    if _is_page():
        # A page holds forms: the session's own CSRF secret goes in (the signed token a
        # page shows differs each time, and each is valid while the secret is). Made now
        # if the session has none yet, as rendering the form would; signing a token is
        # left to the rendering, which a 304 skips.
        field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        if field not in session:
            generate_csrf()
        secret = session.get(field)
    asker = (person.id, person.name) if person is not None else None
    mine = None if membership is None else (membership.id, membership.role, membership.status,
                                            membership.nickname)
    # One repr of the whole tuple: each part's repr is delimited in it (strings quoted
    # and escaped), so ("ab", "c") and ("a", "bc") differ as they must.
    digest.update(repr((request.path, request.query_string, current_language(), secret, asker,
                        mine, parts)).encode("utf-8"))
    return digest.hexdigest()[:32]


def _is_page():
    """An HTML page (with forms and flashed messages), not JSON, CSV or a picture."""
    return not (request.path.startswith("/api/") or "." in request.path.rsplit("/", 1)[-1])


def answer_if_widget_unchanged(loaded, now=None):
    """`answer_if_unchanged` for a widget loaded with the access rules applied
    (core.loaders.Loaded): its version, its group's, and its clock."""
    widget = loaded.widget
    now = now or utcnow()

    def parts():
        group = widget.group
        return widget_parts(type(widget), widget.id, widget.version, group.id, group.version,
                            widget, group.timezone, now)

    answer_if_unchanged(*parts(), person=loaded.person, membership=loaded.membership,
                        again=parts)


def uncached(view):
    """A route whose answer must never be kept or answered 304 (a code that rotates)."""
    @functools.wraps(view)
    def never_kept(*args, **kwargs):
        g.uncached = True
        return view(*args, **kwargs)
    return never_kept


_build = None


def _build_digest():
    """An HMAC under the app's secret key fed with the app's build: every ETag starts
    from a copy of it, so a new release changes every ETag, and nobody without the key
    can work out an ETag to present (answer_if_held lets its holder in)."""
    seeded = current_app.extensions.get("grouptools.etag_seed")
    if seeded is None:
        key = current_app.secret_key
        seeded = hmac.new(key.encode() if isinstance(key, str) else key,
                          app_build().encode(), hashlib.sha256)
        current_app.extensions["grouptools.etag_seed"] = seeded
    return seeded


def app_build():
    """The digest of the app's own files (code, templates, static files, catalogs): a
    new release changes every ETag. The same in every worker, computed once each."""
    global _build
    if _build is None:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        digest = hashlib.sha256()
        for folder, dirs, files in sorted(os.walk(root)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".py", ".html", ".mo", ".css", ".js", ".svg", ".png")):
                    path = os.path.join(folder, name)
                    digest.update(os.path.relpath(path, root).encode())
                    with open(path, "rb") as f:
                        digest.update(hashlib.sha256(f.read()).digest())
        _build = digest.hexdigest()
    return _build


def _not_modified(error):
    response = current_app.response_class(status=304)
    # No body, so no type: a 304 carries none (RFC 9110, 15.4.5), and its Vary and
    # Cache-Control are then set once (`_finish`), not as an HTML page's first.
    del response.headers["Content-Type"]
    return response


def _finish(response):
    if g.get("uncached"):
        response.headers["Cache-Control"] = NEVER_KEEP
        return response
    etag = g.get("etag")
    if etag and g.get("etag_moved") and "etag_again" in g:
        etag = g.etag_again()
    if etag and response.status_code in (200, 304):
        headers = response.headers
        if "ETag" in headers:
            return response
        headers["ETag"] = f'W/"{etag}"'  # hex digits: nothing to quote
        if "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = REVALIDATE
        vary_on_cookie_and_language(response)
    return response


def init_app(app):
    app.register_error_handler(Unchanged, _not_modified)
    app.after_request(_finish)
