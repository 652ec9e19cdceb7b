"""Groups and membership over HTTP: every access rule of docs/security.md, status codes
included."""
from sqlalchemy import func, select

from grouptools.core.models import Group
from grouptools.extensions import db

PUBLIC_CARD_KEYS = {"id", "name", "description", "member_count", "owner_name", "join_policy",
                    "join_question", "url", "my_status"}


def members_of(person, gid):
    return person.get(f"/api/v1/groups/{gid}/members")


# --- creating and reading -------------------------------------------------------------

def test_create_group_makes_the_creator_its_owner(user):
    owner = user("群主")
    response = owner.post("/api/v1/groups", json={
        "name": "周末徒步", "description": "每周六早上", "join_question": "你怎么知道这个群的？",
    })
    assert response.status_code == 201
    group = response.get_json()
    assert group["role"] == "owner"
    assert group["timezone"] == "Asia/Shanghai"
    assert group["join_policy"] == "open"
    assert group["members_can_create"] is False
    assert group["url"].endswith(f"/g/{group['id']}")
    assert owner.get("/api/v1/me").get_json()["groups"] == [
        {"id": group["id"], "name": "周末徒步", "role": "owner", "status": "active"}
    ]


def test_create_group_refuses_bad_settings(user):
    owner = user()
    for bad in [{"name": ""}, {"name": "x", "timezone": "Mars/Olympus"},
                {"name": "x", "join_policy": "invite"}, {"name": "x" * 81}]:
        response = owner.post("/api/v1/groups", json=bad)
        assert response.status_code == 422, bad


def test_creating_a_group_needs_a_name_first(client):
    assert client.post("/api/v1/groups", json={"name": "x"}).status_code == 401


def test_a_stranger_reads_only_the_public_card(group_with, user, client):
    gid, _, _ = group_with(description="内部介绍", rules="群规：不发广告", join_question="暗号？")
    stranger = user("路人")
    card = stranger.get(f"/api/v1/groups/{gid}").get_json()
    assert set(card) == PUBLIC_CARD_KEYS
    assert card["join_question"] == "暗号？"
    # Enough to decide to join: the introduction, how many, who runs it; not the rules.
    assert card["description"] == "内部介绍" and card["owner_name"] == "群主"
    assert card["member_count"] == 1
    assert "不发广告" not in str(card)
    anonymous = client.get(f"/api/v1/groups/{gid}")
    assert anonymous.status_code == 200
    assert set(anonymous.get_json()) == PUBLIC_CARD_KEYS


def test_a_stranger_gets_404_on_members_and_nobody_gets_401(group_with, user, client):
    gid, _, _ = group_with(members=["甲"])
    assert members_of(user("路人"), gid).status_code == 404
    assert client.get(f"/api/v1/groups/{gid}/members").status_code == 401


def test_unknown_group_is_404(user):
    assert user().get("/api/v1/groups/nosuchgrp1").status_code == 404


# --- joining ------------------------------------------------------------------------

def test_joining_an_open_group_makes_an_active_member(group_with, user):
    gid, _, _ = group_with()
    member = user("小明")
    response = member.post(f"/api/v1/groups/{gid}/join", json={"nickname": "明明"})
    assert response.status_code == 201
    assert response.get_json()["status"] == "active"
    names = [m["name"] for m in members_of(member, gid).get_json()]
    assert names == ["群主", "明明"]


def test_joining_twice_answers_200_with_the_same_membership(group_with, user):
    gid, _, _ = group_with()
    member = user("小明")
    first = member.post(f"/api/v1/groups/{gid}/join", json={})
    second = member.post(f"/api/v1/groups/{gid}/join", json={})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()


def test_approval_group_joiner_waits_and_sees_nothing_until_approved(group_with, user):
    gid, owner, _ = group_with(join_policy="approval")
    joiner = user("新人")
    joined = joiner.post(f"/api/v1/groups/{gid}/join", json={})
    assert joined.status_code == 201
    assert joined.get_json()["status"] == "pending"
    assert members_of(joiner, gid).status_code == 404
    card = joiner.get(f"/api/v1/groups/{gid}").get_json()
    assert set(card) == PUBLIC_CARD_KEYS and card["my_status"] == "pending"

    mid = joined.get_json()["member_id"]
    approved = owner.patch(f"/api/v1/groups/{gid}/members/{mid}", json={"status": "active"})
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "active"
    assert members_of(joiner, gid).status_code == 200
    assert joiner.get(f"/api/v1/groups/{gid}").get_json()["role"] == "member"


def test_join_question_must_be_answered_and_only_managers_read_answers(group_with, user):
    gid, owner, people = group_with(members=["老成员"], join_question="你在哪个小区？")
    joiner = user("新人")
    missing = joiner.post(f"/api/v1/groups/{gid}/join", json={})
    assert missing.status_code == 422
    assert "answer" in missing.get_json()["errors"]["json"]
    assert joiner.post(f"/api/v1/groups/{gid}/join", json={"answer": "阳光花园"}).status_code == 201

    managed = {m["name"]: m for m in members_of(owner, gid).get_json()}
    assert managed["新人"]["answer"] == "阳光花园"
    assert "last_active_at" in managed["新人"]
    seen_by_member = members_of(people["老成员"][0], gid).get_json()
    assert all("answer" not in m and "last_active_at" not in m for m in seen_by_member)
    assert "阳光花园" not in str(seen_by_member)


def test_members_see_active_members_and_managers_also_see_pending(group_with, user):
    gid, owner, people = group_with(members=["甲"], join_policy="approval")
    # 甲 joined while approval was on: pending. Approve, then a second joiner waits.
    owner.patch(f"/api/v1/groups/{gid}/members/{people['甲'][1]}", json={"status": "active"})
    user("乙").post(f"/api/v1/groups/{gid}/join", json={})
    assert [m["name"] for m in members_of(people["甲"][0], gid).get_json()] == ["群主", "甲"]
    statuses = {m["name"]: m["status"] for m in members_of(owner, gid).get_json()}
    assert statuses == {"群主": "active", "甲": "active", "乙": "pending"}


# --- what members may not do ---------------------------------------------------------

def test_a_member_gets_403_on_settings_roles_removals_and_links(group_with):
    gid, _, people = group_with(members=["甲", "乙"])
    member, _ = people["甲"]
    other = people["乙"][1]
    assert member.patch(f"/api/v1/groups/{gid}", json={"name": "改名"}).status_code == 403
    assert member.patch(f"/api/v1/groups/{gid}/members/{other}", json={"role": "admin"}).status_code == 403
    assert member.delete(f"/api/v1/groups/{gid}/members/{other}").status_code == 403
    assert member.post(f"/api/v1/groups/{gid}/members/{other}/signin-link").status_code == 403
    assert member.delete(f"/api/v1/groups/{gid}").status_code == 403
    refused = member.patch(f"/api/v1/groups/{gid}", json={"name": "改名"})
    assert refused.get_json()["message"] == "Only the group's owner and admins may do this."


def test_a_stranger_gets_404_on_every_manager_action(group_with, user):
    gid, _, people = group_with(members=["甲"])
    stranger = user("路人")
    mid = people["甲"][1]
    assert stranger.patch(f"/api/v1/groups/{gid}", json={"name": "x"}).status_code == 404
    assert stranger.patch(f"/api/v1/groups/{gid}/members/{mid}", json={"role": "admin"}).status_code == 404
    assert stranger.delete(f"/api/v1/groups/{gid}/members/{mid}").status_code == 404
    assert stranger.delete(f"/api/v1/groups/{gid}").status_code == 404


def test_admins_manage_settings_and_members_but_not_roles_or_deletion(group_with):
    gid, owner, people = group_with(members=["甲"], admins=["管理员", "另一位管理员"])
    admin, _ = people["管理员"]
    assert admin.patch(f"/api/v1/groups/{gid}", json={"rules": "按时打卡"}).get_json()["rules"] == "按时打卡"
    member_id = people["甲"][1]
    assert admin.patch(f"/api/v1/groups/{gid}/members/{member_id}", json={"role": "admin"}).status_code == 403
    assert admin.delete(f"/api/v1/groups/{gid}").status_code == 403
    other_admin = people["另一位管理员"][1]
    assert admin.delete(f"/api/v1/groups/{gid}/members/{other_admin}").status_code == 403
    assert admin.delete(f"/api/v1/groups/{gid}/members/{member_id}").status_code == 204


def test_only_the_owner_changes_roles_and_transfers_ownership(group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    new_owner, new_owner_id = people["甲"]
    made_admin = owner.patch(f"/api/v1/groups/{gid}/members/{people['乙'][1]}", json={"role": "admin"})
    assert made_admin.get_json()["role"] == "admin"

    transfer = owner.patch(f"/api/v1/groups/{gid}/members/{new_owner_id}", json={"role": "owner"})
    assert transfer.status_code == 200
    roles = {m["name"]: m["role"] for m in members_of(new_owner, gid).get_json()}
    assert roles == {"群主": "admin", "甲": "owner", "乙": "admin"}
    # The old owner is an admin now: no more role changes, no deletion.
    assert owner.patch(f"/api/v1/groups/{gid}/members/{people['乙'][1]}",
                       json={"role": "member"}).status_code == 403
    assert owner.delete(f"/api/v1/groups/{gid}").status_code == 403


def test_the_owner_cannot_demote_themself_or_leave(group_with):
    gid, owner, _ = group_with()
    my_id = members_of(owner, gid).get_json()[0]["member_id"]
    assert owner.patch(f"/api/v1/groups/{gid}/members/{my_id}", json={"role": "member"}).status_code == 409
    assert owner.delete(f"/api/v1/groups/{gid}/members/me").status_code == 409


def test_roles_only_for_active_members(group_with, user):
    gid, owner, _ = group_with(join_policy="approval")
    pending = user("等待中").post(f"/api/v1/groups/{gid}/join", json={}).get_json()["member_id"]
    assert owner.patch(f"/api/v1/groups/{gid}/members/{pending}", json={"role": "admin"}).status_code == 409


# --- removing, leaving, restoring ------------------------------------------------------

def test_removed_members_get_404_and_cannot_rejoin_until_restored(group_with):
    gid, owner, people = group_with(members=["捣乱的"])
    removed, mid = people["捣乱的"]
    assert owner.delete(f"/api/v1/groups/{gid}/members/{mid}").status_code == 204
    assert members_of(removed, gid).status_code == 404
    card = removed.get(f"/api/v1/groups/{gid}").get_json()
    assert set(card) == PUBLIC_CARD_KEYS and card["my_status"] == "removed"
    rejoin = removed.post(f"/api/v1/groups/{gid}/join", json={})
    assert rejoin.status_code == 403
    assert rejoin.get_json()["message"]

    restored = owner.patch(f"/api/v1/groups/{gid}/members/{mid}", json={"status": "active"})
    assert restored.status_code == 200
    assert members_of(removed, gid).status_code == 200


def test_members_who_left_may_rejoin(group_with):
    gid, owner, people = group_with(members=["甲"])
    member, mid = people["甲"]
    assert member.delete(f"/api/v1/groups/{gid}/members/me").status_code == 204
    assert members_of(member, gid).status_code == 404
    assert owner.patch(f"/api/v1/groups/{gid}/members/{mid}", json={"status": "active"}).status_code == 409
    rejoin = member.post(f"/api/v1/groups/{gid}/join", json={})
    assert rejoin.status_code == 201
    assert rejoin.get_json() == {"member_id": mid, "status": "active"}


def test_nobody_removes_the_owner(group_with):
    gid, owner, people = group_with(admins=["管理员"])
    owner_id = members_of(owner, gid).get_json()[0]["member_id"]
    assert people["管理员"][0].delete(f"/api/v1/groups/{gid}/members/{owner_id}").status_code == 403


# --- settings and deletion --------------------------------------------------------------

def test_settings_change_for_managers(group_with):
    gid, owner, _ = group_with()
    changed = owner.patch(f"/api/v1/groups/{gid}", json={
        "timezone": "Europe/Berlin", "join_policy": "approval", "members_can_create": True,
        "join_question": "",
    })
    assert changed.status_code == 200
    body = changed.get_json()
    assert (body["timezone"], body["join_policy"], body["members_can_create"]) == (
        "Europe/Berlin", "approval", True)
    assert body["join_question"] is None
    assert owner.patch(f"/api/v1/groups/{gid}", json={"timezone": "Nowhere"}).status_code == 422


def test_deleting_a_group_leaves_no_row_of_it_in_any_table(app, group_with):
    gid, owner, people = group_with(members=["甲", "乙"], admins=["管理员"])
    owner.post(f"/api/v1/groups/{gid}/members/{people['甲'][1]}/signin-link")
    keep_gid, _, _ = group_with(members=["丙"])
    with app.app_context():
        group_id = db.session.scalar(select(Group.id).where(Group.public_id == gid))

    assert owner.delete(f"/api/v1/groups/{gid}").status_code == 204
    assert owner.get(f"/api/v1/groups/{gid}").status_code == 404

    with app.app_context():
        for table in db.metadata.sorted_tables:
            if "group_id" in table.c:
                left = db.session.scalar(
                    select(func.count()).select_from(table).where(table.c.group_id == group_id)
                )
                assert left == 0, table.name
        assert db.session.scalar(select(Group.id).where(Group.id == group_id)) is None
        assert db.session.scalar(select(Group.id).where(Group.public_id == keep_gid)) is not None


def test_malformed_ids_are_404_never_500(group_with):
    gid, owner, _ = group_with()
    for bad in ["%00abcdefgh", "x" * 5000, "abc", "abcdefghi%00", "..%2F..%2Fetc"]:
        assert owner.get(f"/api/v1/groups/{bad}").status_code == 404
        assert owner.get(f"/api/v1/groups/{bad}/members").status_code == 404
    for bad in ["%00abcdefgh", "x" * 5000, "me2"]:
        response = owner.patch(f"/api/v1/groups/{gid}/members/{bad}", json={"role": "admin"})
        assert response.status_code == 404
