"""The contract every registered widget keeps, walked from the registry
(core.widgets): a widget registered tomorrow is tested here without editing this file.

For each kind, on a sample the kind makes itself (`WidgetKind.sample`):
- every page and API route about the widget, against nobody, a stranger, a pending, a
  removed member, a member and a manager: 401 / 404 / 403 exactly as
  docs/security.md#who-can-see-what says, and never a 500 (what the route demands is read
  from `load_widget`, the one loader);
- the group page's line (lister), the group export (exporter), the kit's pages beneath
  the widget (QR codes and the poster that decode to its link, close, reopen, delete with its
  confirmation), the public card, the widget's own assets on its pages;
- the group page's statement count does not grow with the number of widgets;
- its page and JSON carry an ETag: asked again unchanged they answer 304 with no body
  and no rendering, and another asker, another language, a change or a passing deadline
  gives another (core.conditional)."""
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select

from grouptools import create_app
from grouptools.core import loaders
from grouptools.core.access import Action
from grouptools.core.kept import forget_kept
from grouptools.core.models import Group, Person
from grouptools.core.posters import PosterFact
from grouptools.core.widgetpages import widget_link
from grouptools.core.widgets import registered_widgets
from grouptools.extensions import db
from tests.conftest import ApiUser, statements_run
from tests.core.test_share import png_bytes, rasterise_svg, zbar

KINDS = [kind.key for kind in registered_widgets(create_app({
    "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "contract"}))]
ACTORS = ("nobody", "stranger", "pending", "removed", "member", "manager")
SHARE_ENDPOINTS = ("qr_png", "qr_svg", "poster")
UNKNOWN_ID = "Zz9Zz9Zz9Z"
ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


class World:
    """A group that needs approval, with one person in each position, and samples."""

    def __init__(self, app, kind):
        self.app, self.kind = app, kind
        self.manager = ApiUser(app, "群主")
        self.gid = self.manager.post("/api/v1/groups", json={
            "name": "合同测试群", "join_policy": "approval"}).get_json()["id"]
        self.people = {"manager": self.manager, "stranger": ApiUser(app, "路人")}
        for name in ("member", "pending", "removed"):
            person = ApiUser(app, name)
            mid = person.post(f"/api/v1/groups/{self.gid}/join", json={"answer": "朋友"}
                              ).get_json()["member_id"]
            if name != "pending":
                self.manager.patch(f"/api/v1/groups/{self.gid}/members/{mid}",
                                   json={"status": "active"})
            if name == "removed":
                self.manager.delete(f"/api/v1/groups/{self.gid}/members/{mid}")
            self.people[name] = person
        self.nobody = app.test_client()

    def sample(self):
        """A fresh widget of the kind, made by the manager: its public id."""
        with self.app.app_context():
            person = db.session.scalar(select(Person).where(Person.public_id == self.manager.id))
            group = db.session.scalar(select(Group).where(Group.public_id == self.gid))
            widget = self.kind.sample(person, group)
            return widget.public_id

    def call(self, actor, method, path, api):
        body = {"json": {}} if api else {"data": {}}
        if actor == "nobody":
            return self.nobody.open(path, method=method, **body)
        return self.people[actor].call(method, path, **body)


@pytest.fixture(params=KINDS)
def world(request, app):
    kind = next(k for k in registered_widgets(app) if k.key == request.param)
    return World(app, kind)


def _routes(app, kind):
    """(rule, method, about) for every route of the widget's two blueprints; `about` is
    "group" (the first id is the group's) or "widget"."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in (kind.pages, kind.api):
            continue
        about = "group" if ("/g/<" in rule.rule or "/groups/<" in rule.rule) else "widget"
        if not api_rule(rule, kind) and not rule.rule.startswith(f"/{kind.path}/"):
            about = "item"  # a top-level page about a thing inside the widget (/a/<aid>)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, about


def api_rule(rule, kind):
    return rule.endpoint.startswith(kind.api + ".")


def _arguments(rule):
    """(converter, name) of the rule's arguments, in the order they appear."""
    return [(m.group(1), m.group(2)) for m in ARGUMENT.finditer(rule.rule)]


def _path(app, rule, first_id):
    """The rule's URL with `first_id` for its first argument and unknown ids after."""
    names = [name for _, name in _arguments(rule)]
    values = {name: first_id if i == 0 else UNKNOWN_ID for i, name in enumerate(names)}
    return app.url_map.bind("localhost").build(rule.endpoint, values)


@contextmanager
def demanded_actions():
    """What each load_widget call asked core.access for, in order."""
    asked = []
    original = loaders.authorize

    def recording(person, action, thing):
        asked.append(action)
        return original(person, action, thing)

    loaders.authorize = recording
    try:
        yield asked
    finally:
        loaders.authorize = original


def _expected(actor, demand, about, only_ids, api, method):
    """("in" | "not in", statuses): what the access rules allow `actor` on a route that
    demands `demand` (None: the route is the group's create page or API)."""
    if actor == "nobody":
        # A page's form sent without a session is refused by CSRF first (400).
        return "in", {401} if api or method == "GET" else {400, 401}
    if actor in ("stranger", "pending", "removed"):
        return "in", {404}
    if actor == "member" and (about == "group" or demand == Action.MANAGE_WIDGET):
        return "in", {403}  # the group lets only managers create
    # Through the door: whatever the route answers, it is no refusal of access (an
    # unknown sub-item's id is a 404 of its own).
    return "not in", {401, 403, 404} if only_ids else {401, 403}


def test_every_route_answers_each_kind_of_asker_as_the_access_rules_say(world):
    app, kind = world.app, world.kind
    checked = 0
    for rule, method, about in _routes(app, kind):
        endpoint = rule.endpoint.split(".")[1]
        arguments = _arguments(rule)
        only_ids = len(arguments) == 1
        # A segment that is not a public id is a secret (a ticket): held, it is the key.
        secret = any(converter != "pid" for converter, _ in arguments[1:])
        api = rule.endpoint.startswith(kind.api + ".")
        public = (not api and method == "GET" and only_ids and about == "widget"
                  and endpoint in SHARE_ENDPOINTS)
        wid = world.sample()
        if about == "item":
            # Its id is not the widget's: an unknown one is 404 for every asker, nobody
            # included, whether the page is public or not; never a 500.
            for actor in ACTORS:
                status = world.call(actor, method, _path(app, rule, UNKNOWN_ID), api).status_code
                assert status in ((404,) if method == "GET" else (400, 404)), (actor, rule.rule)
            checked += 1
            continue
        first = world.gid if about == "group" else wid
        path = _path(app, rule, first)
        with demanded_actions() as asked:
            answer = world.call("manager", method, path, api)
        demand = asked[0] if asked else None
        page = not api and method == "GET" and about == "widget" and demand == \
            Action.VIEW_PUBLIC_CARD
        # Changing, deleting, closing and exporting a widget are its managers' (docs/security.md).
        managers_only = (endpoint in ("close", "reopen", "delete") or "export" in endpoint or (
            api and only_ids and method in ("PATCH", "DELETE") and rule.rule.endswith(">")))
        if managers_only and answer.status_code != 422:
            assert demand == Action.MANAGE_WIDGET, f"{method} {rule.rule} asks {demand}"
        if about == "widget" and not public and not secret and answer.status_code != 422:
            assert asked, f"{method} {rule.rule} does not load its widget with load_widget"
        for actor in ACTORS:
            if actor == "manager":
                response = answer
            else:
                if method != "GET" and about == "widget":  # a change needs a widget of its own
                    path = _path(app, rule, world.sample())
                response = world.call(actor, method, path, api)
            status = response.status_code
            where = (actor, method, path, status, response.data[:200])
            assert status < 500, where
            if secret:
                assert status in (400, 401, 404), where  # 400: a form sent without a session
            elif page and not only_ids and actor in ("member", "manager"):
                # A page about a thing inside the widget (a poll option's picture), shown
                # to strangers as the widget's public card: an unknown one is a 404 of its own.
                assert status in (200, 404), where
            elif public or page:
                assert status == 200, where
            elif api and status == 422 and answer.status_code == 422 and actor != "nobody":
                # A body refused alike for everyone (the test sends an empty one) may be
                # refused before access is decided: it tells nobody anything.
                assert response.get_json()["errors"] == answer.get_json()["errors"], where
            else:
                how, statuses = _expected(actor, demand, about, only_ids, api, method)
                assert (status in statuses) == (how == "in"), where
        checked += 1
    assert checked >= 5, "the widget has hardly any routes: is its blueprint registered?"


def test_the_public_card_the_pictures_and_the_assets(world, tmp_path):
    app, kind = world.app, world.kind
    wid = world.sample()
    with app.app_context():
        widget = kind.model.find(wid)
        title = widget.title
        with app.test_request_context():
            link, page = widget_link(widget), kind.page(widget)
            facts = list(kind.poster_facts(widget))
    # What the poster says beneath the title: short lines (and pictures) of its own kind.
    assert facts and all(isinstance(fact, PosterFact) and fact.text.strip() for fact in facts)
    stranger_view = world.people["stranger"].get(page)
    assert stranger_view.status_code == 200
    html = stranger_view.get_data(as_text=True)
    assert title in html and 'name="nickname"' in html or 'name="your_name"' in html \
        or f"/g/{world.gid}/join" in html
    assert f'property="og:url" content="{link}"' in html

    member_view = world.people["member"].get(page).get_data(as_text=True)
    for asset in kind.assets:
        assert f"/static/{asset}" in member_view, asset

    base = page.rstrip("/")
    png = world.nobody.get(f"{base}/qr.png")
    assert png.status_code == 200 and zbar(png.data, tmp_path) == [link]
    svg = world.nobody.get(f"{base}/qr.svg")
    assert zbar(png_bytes(rasterise_svg(svg.data)), tmp_path, "svg.png") == [link]
    poster = world.nobody.get(f"{base}/poster.png")
    assert poster.status_code == 200 and poster.mimetype == "image/png"
    assert zbar(poster.data, tmp_path, "poster.png") == [link]
    assert world.nobody.get(f"{base}/poster.png", headers={
        "If-None-Match": poster.headers["ETag"]}).status_code == 304


def test_closing_reopening_and_deleting_through_the_kit(world):
    kind, manager = world.kind, world.manager
    wid = world.sample()
    with world.app.app_context(), world.app.test_request_context():
        base = kind.page(kind.model.find(wid)).rstrip("/")

    def closed():
        with world.app.app_context():
            return kind.model.find(wid).is_closed()

    assert manager.post(f"{base}/close", data={}).status_code == 303 and closed()
    assert manager.post(f"{base}/reopen", data={}).status_code == 303 and not closed()
    assert world.people["member"].post(f"{base}/close", data={}).status_code == 403
    assert not closed()
    unconfirmed = manager.post(f"{base}/delete", data={})
    assert unconfirmed.status_code == 303 and unconfirmed.headers["Location"] != f"/g/{world.gid}"
    assert manager.get(base).status_code == 200
    deleted = manager.post(f"{base}/delete", data={"confirm": "1"})
    assert deleted.status_code == 303 and deleted.headers["Location"].endswith(f"/g/{world.gid}")
    assert manager.get(base).status_code == 404


def test_the_group_page_lists_it_and_the_export_carries_it(world):
    kind = world.kind
    wid = world.sample()
    with world.app.app_context():
        title = kind.model.find(wid).title
    member_page = world.people["member"].get(f"/g/{world.gid}").get_data(as_text=True)
    assert title in member_page and f"widget-kind-{kind.key}" in member_page
    stranger_page = world.people["stranger"].get(f"/g/{world.gid}").get_data(as_text=True)
    assert title not in stranger_page
    exported = world.manager.get(f"/api/v1/groups/{world.gid}/export.json").get_json()
    assert wid in str(exported["widgets"]), "the group export does not carry the widget"


def test_the_group_pages_statements_do_not_grow_with_its_widgets(world):
    member = world.people["member"]
    world.sample()
    member.get(f"/g/{world.gid}")  # warm: the first request loads what every later one has
    with statements_run(world.app) as one:
        assert member.get(f"/g/{world.gid}").status_code == 200
    for _ in range(3):
        world.sample()
    with statements_run(world.app) as four:
        assert member.get(f"/g/{world.gid}").status_code == 200
    assert len(four) == len(one), "\n".join(four)


# --- ETags: an unchanged widget answers 304, a changed one 200 (core.conditional) -------

def _reads(world, wid):
    """The widget's page and its API's GET: what members ask again and again."""
    app, kind = world.app, world.kind
    with app.app_context(), app.test_request_context():
        page = kind.page(kind.model.find(wid))
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == f"{kind.api}.get_{kind.key}")
    return page, _path(app, rule, wid)


def _etag(person, path, **headers):
    answer = person.get(path, headers=headers)
    assert answer.status_code == 200, path
    assert answer.headers["Cache-Control"] == "private, no-cache", path
    etag = answer.headers["ETag"]
    assert etag.startswith('W/"'), etag  # the same answer, whether compressed or not
    return etag


def test_an_unchanged_widget_answers_304_and_a_changed_one_200(world):
    wid = world.sample()
    member, manager = world.people["member"], world.people["manager"]
    reads = _reads(world, wid)
    held = {}
    for path in reads:
        etag = held[path] = _etag(member, path)
        again = member.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", path
        # Another asker, another language: another answer.
        assert _etag(manager, path) != etag
        assert _etag(member, path, **{"Accept-Language": "en"}) != _etag(
            member, path, **{"Accept-Language": "zh-CN"})
    page = reads[0].rstrip("/")
    assert manager.post(f"{page}/close", data={}).status_code == 303
    for path, etag in held.items():
        changed = member.get(path, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag, path


def test_a_passing_deadline_changes_the_etag_without_a_write(world, monkeypatch):
    from grouptools.core import conditional
    from grouptools.core.timeutil import utcnow

    wid = world.sample()
    now = utcnow()
    with world.app.app_context():
        widget = world.kind.model.find(wid)
        widget.deadline = now + timedelta(hours=1)
        db.session.commit()
    member = world.people["member"]
    for path in _reads(world, wid):
        monkeypatch.setattr(conditional, "utcnow", lambda: now)
        etag = _etag(member, path)
        assert member.get(path, headers={"If-None-Match": etag}).status_code == 304
        monkeypatch.setattr(conditional, "utcnow", lambda: now + timedelta(hours=2))
        assert member.get(path, headers={"If-None-Match": etag}).status_code == 200, path


def test_an_unchanged_widget_is_answered_without_rendering(world):
    member = world.people["member"]

    def queries(ran):
        return [text for text in ran if not text.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]

    for path in _reads(world, world.sample()):
        etag = _etag(member, path)
        forget_kept(world.app)  # rendered as for the version's first reader
        with statements_run(world.app) as rendered:
            assert member.get(path).status_code == 200
        with statements_run(world.app) as unchanged:
            assert member.get(path, headers={"If-None-Match": etag}).status_code == 304
        # Who asks, the widget (with what its model loads along), its group, the asker's
        # membership: nothing the answer itself would have read.
        assert len(queries(unchanged)) <= 5, "\n".join(queries(unchanged))
        assert len(queries(unchanged)) < len(queries(rendered)), path


def _phone_member(world, name):
    """A phone that joined through the group's page and was let in: its cookie, not a
    token, asks (as people in a chat app's browser do). Its member id too."""
    from tests.core.groups.test_views import submit

    phone = world.app.test_client()
    assert submit(phone, f"/g/{world.gid}", f"/g/{world.gid}/join",
                  {"your_name": name, "answer": "朋友"}).status_code == 303
    members = world.manager.get(f"/api/v1/groups/{world.gid}/members").get_json()
    mid = next(m["member_id"] for m in members if m["name"] == name)
    assert world.manager.patch(f"/api/v1/groups/{world.gid}/members/{mid}",
                               json={"status": "active"}).status_code == 200
    phone.get(f"/g/{world.gid}")  # what the join flashed, shown once
    return phone, mid


def test_a_phone_holding_an_answer_gets_304_from_one_read_and_nobody_else_does(world):
    phone, mid = _phone_member(world, "手机用户")
    other, _ = _phone_member(world, "另一部手机")
    reads = _reads(world, world.sample())
    held = {path: _etag(phone, path) for path in reads}
    for path, etag in held.items():
        with statements_run(world.app) as ran:
            unchanged = phone.get(path, headers={"If-None-Match": etag})
        assert unchanged.status_code == 304 and unchanged.headers["ETag"] == etag, path
        # One light read of the widget, its group, the asker and their membership.
        assert len([text for text in ran if text.startswith("SELECT")]) == 1, ran
    for path, etag in held.items():
        # Another member presenting it is answered their own page.
        assert other.get(path, headers={"If-None-Match": etag}).status_code == 200, path
    assert world.manager.delete(
        f"/api/v1/groups/{world.gid}/members/{mid}").status_code == 204
    page, api = reads
    # Removed, what they held lets them in no more: the public card, and 404 from the API.
    card = phone.get(page, headers={"If-None-Match": held[page]})
    assert card.status_code == 200 and card.headers.get("ETag") != held[page]
    assert phone.get(api, headers={"If-None-Match": held[api]}).status_code == 404


def test_a_token_holding_an_answer_gets_304_from_one_read_until_it_is_replaced(world):
    member = world.people["member"]
    _, api = _reads(world, world.sample())
    etag = _etag(member, api)
    with statements_run(world.app) as ran:
        assert member.get(api, headers={"If-None-Match": etag}).status_code == 304
    assert len([text for text in ran if text.startswith("SELECT")]) == 1, ran
    old = member.token
    member.token = member.post("/api/v1/me/token").get_json()["token"]
    member.token, replaced = old, member.token
    assert member.get(api, headers={"If-None-Match": etag}).status_code == 401
    member.token = replaced
    assert member.get(api, headers={"If-None-Match": etag}).status_code == 304
