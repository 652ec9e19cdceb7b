"""Copying a widget (core.copying, docs/api.md#copying-a-widget), walked for every
registered kind from the registry: a copy is a new open widget with the same settings
and none of the responses, in the same group or another group the asker manages; members
and groups the asker does not manage are refused; member cards are not copied."""
import pytest
from sqlalchemy import func, or_, select

from grouptools.core.models import Group, Membership, Person
from grouptools.core.widgets import registered_widgets
from grouptools.extensions import db
from tests.test_widget_contract import KINDS, World

# Columns of a widget's row that are not settings: who and when, its state, its counters.
NOT_SETTINGS = {"id", "public_id", "created_at", "updated_at", "group_id", "created_by_id",
                "closed_at", "taken", "seq", "version", "voter_count", "revision",
                "revised_at", "code_secret"}


@pytest.fixture(params=KINDS)
def world(request, app):
    kind = next(k for k in registered_widgets(app) if k.key == request.param)
    return World(app, kind)


def respond(world, wid):
    """The member responds to the widget the way its kind takes responses."""
    member, key = world.people["member"], world.kind.key
    if key == "poll":
        option = member.get(f"/api/v1/polls/{wid}").get_json()["options"][0]["id"]
        answer = member.post(f"/api/v1/polls/{wid}/votes", json={"option_ids": [option]})
    elif key == "relay":
        answer = member.post(f"/api/v1/relays/{wid}/entries", json={"values": {}})
    elif key == "notice":
        answer = member.post(f"/api/v1/notices/{wid}/confirm", json={})
    elif key == "checkin":
        answer = member.post(f"/api/v1/habits/{wid}/checkins", json={})
    elif key == "event":
        code = world.manager.get(f"/api/v1/events/{wid}/code").get_json()["code"]
        answer = member.post(f"/api/v1/events/{wid}/signin", json={"code": code})
    else:
        answer = member.put(f"/api/v1/groups/{world.gid}/card", json={"values": {}})
    assert answer.status_code in (200, 201), (key, answer.get_json())


def api_path(world, wid):
    """POST …/copy of the kind's API, from its route (polls/<pid>/copy …)."""
    rule = next(rule for rule in world.app.url_map.iter_rules()
                if rule.endpoint == f"{world.kind.api}.copy_{world.kind.key}")
    (name,) = rule.arguments
    return world.app.url_map.bind("localhost").build(rule.endpoint, {name: wid})


def child_tables(model):
    """(table, its column naming the widget) for every table that points at the widget."""
    for table in db.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table is model.__table__:
                yield table, fk.parent


def rows_of(table, column, widget_id, *conditions):
    return db.session.scalar(select(func.count()).select_from(table).where(
        column == widget_id, *conditions))


def response_conditions(table, model, member_id):
    """None when `table` holds no responses; else the conditions that pick its rows about
    what members did: every row of a table that names a member and is no setting (a
    chosen audience, a roster, per-member figures worked out from responses are marked
    `not_activity`), or the rows pointing at such a row (a relay's log line about an
    entry; the line saying the list was created is the copy's own)."""
    if "membership_id" in table.c and not table.info.get("not_activity"):
        # The member's: opening the copy is the manager's own doing (a notice's receipt).
        return (table.c.membership_id == member_id,)
    pointing = [fk.parent for fk in table.foreign_keys
                if fk.column.table is not model.__table__
                and fk.column.table.name not in ("image", "person", "membership")]
    return (or_(*(column.is_not(None) for column in pointing)),) if pointing else None


def copyable(world):
    return world.kind.copy is not None


def test_a_copy_has_the_settings_and_none_of_the_responses(world):
    kind = world.kind
    wid = world.sample()
    if not copyable(world):
        # Member cards: one folder per group; copying answers 409 with what to do instead.
        path = f"/api/v1/card-folders/{wid}/copy"
        refused = world.manager.post(path, json={})
        assert refused.status_code == 409 and "member-card folder" in refused.get_json()["message"]
        return
    respond(world, wid)
    path = api_path(world, wid)
    copied = world.manager.post(path, json={})
    assert copied.status_code == 201, copied.get_json()
    copy_id = copied.get_json()["id"]
    assert copy_id != wid and copied.get_json()["title"]
    with world.app.app_context():
        original, copy = kind.model.find(wid), kind.model.find(copy_id)
        assert copy.group_id == original.group_id and not copy.is_closed()
        for column in kind.model.__table__.c:
            if column.name not in NOT_SETTINGS:
                assert getattr(copy, column.key) == getattr(original, column.key), column.name
        member_id = db.session.scalar(select(Membership.id).join(Person).where(
            Person.public_id == world.people["member"].id, Membership.group_id == copy.group_id))
        responses = 0
        for table, column in child_tables(kind.model):
            conditions = response_conditions(table, kind.model, member_id)
            theirs = rows_of(table, column, original.id, *(conditions or ()))
            mine = rows_of(table, column, copy.id, *(conditions or ()))
            if conditions is not None:
                responses += theirs
                assert mine == 0, f"the copy carries {table.name} rows"
            elif not table.info.get("not_activity"):
                assert mine == theirs, f"{table.name}: {mine} rows in the copy, {theirs} before"
        assert responses >= 1, "the member's response was not found in any table"
    # The member can respond to the copy as to anything new.
    respond(world, copy_id)


def test_a_copy_goes_into_another_group_the_asker_manages_and_no_other(world, user):
    if not copyable(world):
        return
    wid = world.sample()
    path = api_path(world, wid)
    other = world.manager.post("/api/v1/groups", json={"name": "另一个群"}).get_json()["id"]
    copied = world.manager.post(path, json={"group_id": other})
    assert copied.status_code == 201, copied.get_json()
    with world.app.app_context():
        copy = world.kind.model.find(copied.get_json()["id"])
        assert copy.group.public_id == other
    listed = world.manager.get(f"/g/{other}").get_data(as_text=True)
    assert copied.get_json()["title"] in listed

    # A group where the asker is a member, not an organiser: 403; one they are not in: 404.
    stranger_owner = user("别人")
    theirs = stranger_owner.post("/api/v1/groups", json={"name": "别人的群"}).get_json()["id"]
    assert world.manager.post(path, json={"group_id": theirs}).status_code == 404
    world.manager.post(f"/api/v1/groups/{theirs}/join", json={"answer": "朋友"})
    refused = world.manager.post(path, json={"group_id": theirs})
    assert refused.status_code == 403, refused.get_json()
    # Members of the widget's group may not copy it, not even into a group of their own.
    mine = world.people["member"].post("/api/v1/groups", json={"name": "我的群"}).get_json()["id"]
    assert world.people["member"].post(path, json={"group_id": mine}).status_code == 403
    assert world.manager.post(path, json={"group_id": "Zz9Zz9Zz9Z"}).status_code == 404
    assert world.manager.post(path.replace(wid, "Zz9Zz9Zz9Z"), json={}).status_code == 404
    with world.app.app_context():
        groups = {theirs, mine}
        made = db.session.scalar(select(func.count()).select_from(world.kind.model).join(
            Group, Group.id == world.kind.model.group_id).where(Group.public_id.in_(groups)))
        assert made == 0


def test_the_manage_page_offers_copy_into_the_groups_the_person_manages(world):
    wid = world.sample()
    other = world.manager.post("/api/v1/groups", json={"name": "另一个群"}).get_json()["id"]
    with world.app.app_context(), world.app.test_request_context():
        widget = world.kind.model.find(wid)
        manage = (world.kind.manage_link(widget) if world.kind.manage_link
                  else world.kind.page(widget))
        base = world.kind.page(widget).split("#")[0].rstrip("/")
    if not copyable(world):
        # Member cards offer no copy; a form sent all the same is refused with the reason.
        assert "/copy" not in world.manager.get(manage).get_data(as_text=True)
        assert world.manager.post(f"{base}/copy", data={"group_id": other}).status_code == 409
        return
    # A Bearer token is judged alone and needs no CSRF token: the page answers as to
    # the manager's phone.
    assert f'href="{base}/copy"' in world.manager.get(manage).get_data(as_text=True)
    html = world.manager.get(f"{base}/copy").get_data(as_text=True)
    assert f'action="{base}/copy"' in html
    assert f'value="{world.gid}"' in html and f'value="{other}"' in html
    assert html.index(f'value="{world.gid}"') < html.index(f'value="{other}"')  # its own first
    member_html = world.people["member"].get(base)
    assert f'href="{base}/copy"' not in member_html.get_data(as_text=True)
    assert world.people["member"].get(f"{base}/copy").status_code == 403
    answer = world.manager.post(f"{base}/copy", data={"group_id": other})
    assert answer.status_code == 303
    copy_page = world.manager.get(answer.headers["Location"])
    assert copy_page.status_code == 200 and "另一个群" in copy_page.get_data(as_text=True)
    same = world.manager.post(f"{base}/copy", data={})
    assert same.status_code == 303 and same.headers["Location"] != answer.headers["Location"]
    assert world.people["member"].post(f"{base}/copy", data={}).status_code == 403
