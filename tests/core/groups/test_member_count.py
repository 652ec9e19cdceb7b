"""A group's member count is kept by every way a membership becomes active or stops being
one, and never drifts from the roster: what the public card, the group page, the
dashboard and the card folder say is the roster's own number."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from grouptools.core.groups import service as groups
from grouptools.core.models import Group, Membership
from grouptools.extensions import db
from tests.core.groups.test_transfer import build_group
from tests.core.groups.transfer_helpers import export_zip, import_zip
from tests.core.people.test_signin_links import issue_link, open_link_and_confirm
from tests.core.groups.test_moves import phone_of


def shown(client, gid):
    """The count a person holding the link reads on the group's card."""
    return client.get(f"/api/v1/groups/{gid}").get_json()["member_count"]


def stored_and_counted(app, gid):
    """(the kept count, the roster's active members counted afresh)."""
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        counted = db.session.scalar(select(func.count()).select_from(Membership).where(
            Membership.group_id == group.id, Membership.status == "active"))
        kept = groups.member_count(group)
        db.session.remove()
    return kept, counted


def assert_count(app, client, gid, expected):
    assert shown(client, gid) == expected
    assert stored_and_counted(app, gid) == (expected, expected)


def test_creating_and_joining_count_and_joining_twice_does_not(app, user):
    owner = user("群主")
    gid = owner.post("/api/v1/groups", json={"name": "跑步群"}).get_json()["id"]
    assert_count(app, owner, gid, 1)
    joiner = user("新人")
    assert joiner.post(f"/api/v1/groups/{gid}/join", json={}).status_code == 201
    assert joiner.post(f"/api/v1/groups/{gid}/join", json={}).status_code == 200
    assert_count(app, owner, gid, 2)


def test_leaving_and_coming_back(app, group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    assert_count(app, owner, gid, 3)
    member = people["甲"][0]
    assert member.delete(f"/api/v1/groups/{gid}/members/me").status_code == 204
    assert_count(app, owner, gid, 2)
    assert member.post(f"/api/v1/groups/{gid}/join", json={}).status_code == 201
    assert_count(app, owner, gid, 3)


def test_a_pending_joiner_counts_once_approved_and_not_when_rejected(app, group_with, user):
    gid, owner, _ = group_with(join_policy="approval")
    waiting, other = user("等批准"), user("被拒绝")
    mid = waiting.post(f"/api/v1/groups/{gid}/join", json={}).get_json()["member_id"]
    other_mid = other.post(f"/api/v1/groups/{gid}/join", json={}).get_json()["member_id"]
    assert_count(app, owner, gid, 1)
    assert owner.patch(f"/api/v1/groups/{gid}/members/{mid}",
                       json={"status": "active"}).status_code == 200
    assert owner.patch(f"/api/v1/groups/{gid}/members/{mid}",
                       json={"status": "active"}).status_code == 200  # approved twice: once
    assert_count(app, owner, gid, 2)
    assert owner.delete(f"/api/v1/groups/{gid}/members/{other_mid}").status_code == 204
    assert_count(app, owner, gid, 2)
    # A pending joiner who withdraws was never counted.
    late = user("改主意")
    late.post(f"/api/v1/groups/{gid}/join", json={})
    assert late.delete(f"/api/v1/groups/{gid}/members/me").status_code == 204
    assert_count(app, owner, gid, 2)


def test_removal_and_restoring(app, group_with):
    gid, owner, people = group_with(members=["甲"], admins=["管理员"])
    assert_count(app, owner, gid, 3)
    mid = people["甲"][1]
    assert owner.delete(f"/api/v1/groups/{gid}/members/{mid}").status_code == 204
    assert_count(app, owner, gid, 2)
    assert owner.patch(f"/api/v1/groups/{gid}/members/{mid}",
                       json={"status": "active"}).status_code == 200
    assert_count(app, owner, gid, 3)


def test_the_service_reads_the_kept_count_without_a_statement(app, group_with):
    gid, owner, _ = group_with(members=["甲", "乙", "丙"])
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        statements = []
        from sqlalchemy import event
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        assert groups.member_count(group) == 4
        assert statements == []
        db.session.remove()


def test_an_import_counts_its_active_members_and_placeholders(app, group_with, user):
    gid, owner, people = build_group(group_with, kinds=())
    assert people["李四"][0].delete(f"/api/v1/groups/{gid}/members/me").status_code == 204
    data = export_zip(owner, gid)
    importer = user("新群主")
    new_gid = import_zip(importer, data).get_json()["id"]
    # The owner, 小明妈妈 and the admin: 李四 left and comes back as one who left.
    assert_count(app, importer, new_gid, 3)


def test_a_place_handed_out_to_a_device_that_rejoined_from_the_chat(app, group_with, user):
    gid, owner, people = group_with(members=["甲"])
    new_phone_person = user("甲的新手机")
    new_phone = phone_of(app, new_phone_person)
    new_phone_person.post(f"/api/v1/groups/{gid}/join", json={})  # from the chat link
    assert_count(app, owner, gid, 3)
    # The fresh membership gives way to the handed-out one: one member again.
    assert open_link_and_confirm(new_phone, issue_link(owner, gid, people["甲"][1])).status_code == 303
    assert_count(app, owner, gid, 2)


def test_a_placeholder_handed_out_to_a_new_phone_is_still_one_member(app, group_with, user):
    gid, owner, _ = build_group(group_with, kinds=())
    importer = user("新群主")
    new_gid = import_zip(importer, export_zip(owner, gid)).get_json()["id"]
    assert_count(app, importer, new_gid, 4)
    members = {m["name"]: m for m in importer.get(f"/api/v1/groups/{new_gid}/members").get_json()}
    url = issue_link(importer, new_gid, members["李四"]["member_id"])
    assert open_link_and_confirm(app.test_client(), url).status_code == 303
    assert_count(app, importer, new_gid, 4)


def test_a_deleted_groups_count_goes_with_it_and_others_keep_theirs(app, group_with):
    first, owner, _ = group_with(members=["甲"])
    second, other_owner, _ = group_with(members=["乙", "丙"])
    assert owner.delete(f"/api/v1/groups/{first}").status_code == 204
    assert_count(app, other_owner, second, 3)


@pytest.mark.server
def test_parallel_joiners_and_leavers_each_count_once(app, live_server):
    """Through gunicorn with several workers, on the test database (SQLite or
    PostgreSQL): twenty people join at once, then ten leave at once while one of them
    taps "leave" twice."""
    def post(path, token=None, json=None, method="POST"):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{live_server}{path}", json=json, headers=headers,
                                timeout=60)

    owner = post("/api/v1/people", json={"name": "群主"}).json()["token"]
    gid = post("/api/v1/groups", owner, {"name": "并发群"}).json()["id"]
    joiners = [post("/api/v1/people", json={"name": f"成员{i}"}).json()["token"]
               for i in range(20)]
    with ThreadPoolExecutor(10) as pool:
        joins = list(pool.map(lambda token: post(f"/api/v1/groups/{gid}/join", token, {}),
                              joiners))
    assert [r.status_code for r in joins] == [201] * 20, [r.text for r in joins]

    def card():
        return requests.get(f"{live_server}/api/v1/groups/{gid}",
                            headers={"Authorization": f"Bearer {owner}"}, timeout=30).json()

    assert card()["member_count"] == 21
    leaving = joiners[:10] + joiners[:1]
    with ThreadPoolExecutor(10) as pool:
        leaves = list(pool.map(lambda token: post(f"/api/v1/groups/{gid}/members/me", token,
                                                  method="DELETE"), leaving))
    # The second tap finds them gone already (404), never a 500.
    assert sorted(r.status_code for r in leaves)[:10] == [204] * 10, [r.text for r in leaves]
    assert all(r.status_code < 500 for r in leaves), [r.text for r in leaves]
    assert card()["member_count"] == 11
    assert stored_and_counted(app, gid) == (11, 11)
