"""Moving a membership to another device: a fresh re-joined membership gives way, one with
activity never does, what the member made follows, and everyone learns what happened —
the managers in the member history, the old device on its next visit."""
from sqlalchemy import select

from grouptools.core.models import Image, Membership, MembershipEvent
from grouptools.extensions import db
from tests.core.people.test_signin_links import (
    issue_link,
    my_group_names,
    open_link_and_confirm,
    path_of,
    post_anyway,
)
from tests.poll.conftest import upload_picture

ZH = {"Accept-Language": "zh-CN"}
OPTIONS = [{"text": "爬山"}, {"text": "看电影"}]


def phone_of(app, person):
    """A browser signed in as `person` through their own sign-in link."""
    phone = app.test_client()
    open_link_and_confirm(phone, person.get("/api/v1/me/signin-link").get_json()["url"])
    return phone


def roster(manager, gid):
    return [(m["member_id"], m["name"]) for m in manager.get(f"/api/v1/groups/{gid}/members").get_json()]


def test_a_fresh_rejoined_membership_without_activity_gives_way(app, group_with, user):
    gid, owner, people = group_with(members=["甲"])
    member, mid = people["甲"]
    new_phone_person = user("甲的新手机")
    new_phone = phone_of(app, new_phone_person)
    new_phone_person.post(f"/api/v1/groups/{gid}/join", json={})  # from the chat link
    assert len(roster(owner, gid)) == 3

    assert open_link_and_confirm(new_phone, issue_link(owner, gid, mid)).status_code == 303
    # One membership again: the old one (its id and the name the group knew), on the new phone.
    assert roster(owner, gid) == [(roster(owner, gid)[0][0], "群主"), (mid, "甲")]
    assert new_phone_person.get(f"/api/v1/groups/{gid}").get_json()["role"] == "member"
    assert my_group_names(member) == []
    with app.app_context():
        assert db.session.scalar(select(Membership.nickname).where(Membership.public_id == mid)) == "甲"


def test_a_membership_with_activity_is_never_overwritten(app, group_with, user):
    gid, owner, people = group_with(members=["甲"])
    mid = people["甲"][1]
    rid = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "羽毛球"}).get_json()["id"]
    other = user("已经报名的人")
    other.post(f"/api/v1/groups/{gid}/join", json={})
    assert other.post(f"/api/v1/relays/{rid}/entries", json={"values": {}}).status_code == 201
    other_phone = phone_of(app, other)
    url = issue_link(owner, gid, mid)

    page = other_phone.get(path_of(url)).get_data(as_text=True)
    assert "never overwritten" in page and "Move it here" not in page
    refused = post_anyway(other_phone, url)
    assert refused.status_code == 409
    assert "never overwritten" in refused.get_data(as_text=True)
    refused_zh = other_phone.post(path_of(url), headers={**ZH, **_csrf(other_phone)})
    assert refused_zh.status_code == 409 and "不会被覆盖" in refused_zh.get_data(as_text=True)
    assert len(roster(owner, gid)) == 3
    assert people["甲"][0].get(f"/api/v1/groups/{gid}").get_json()["role"] == "member"
    # Refused, the link is not used up: the member's real new phone can still use it.
    assert open_link_and_confirm(app.test_client(), url).status_code == 303


def _csrf(device):
    return {"X-CSRFToken": device.get("/api/v1/csrf").get_json()["csrf_token"]}


def test_opening_it_on_the_old_device_says_there_is_nothing_to_move(app, group_with):
    gid, owner, people = group_with(members=["甲"])
    member, mid = people["甲"]
    old_phone = phone_of(app, member)
    url = issue_link(owner, gid, mid)
    assert "nothing to move" in old_phone.get(path_of(url)).get_data(as_text=True)
    assert post_anyway(old_phone, url).status_code == 409
    assert my_group_names(member) == ["跑步群"]
    assert app.test_client().get(path_of(url)).status_code == 200  # still usable


def test_a_link_stops_working_when_its_member_becomes_an_organiser(app, group_with):
    gid, owner, people = group_with(members=["甲"])
    url = issue_link(owner, gid, people["甲"][1])
    owner.patch(f"/api/v1/groups/{gid}/members/{people['甲'][1]}", json={"role": "admin"})
    assert post_anyway(app.test_client(), url).status_code == 409
    assert people["甲"][0].get(f"/api/v1/groups/{gid}").get_json()["role"] == "admin"


def test_what_the_member_made_in_the_group_follows_and_nothing_elsewhere(app, group_with, user):
    gid, owner, people = group_with(members=["甲"], members_can_create=True)
    member, mid = people["甲"]
    rid = member.post(f"/api/v1/groups/{gid}/relays", json={"title": "拼车"}).get_json()["id"]
    picture = upload_picture(member, gid)
    pid = member.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "去哪儿", "options": [{"text": "爬山", "image_id": picture}, {"text": "看电影"}],
    }).get_json()["id"]
    elsewhere = member.post("/api/v1/groups", json={"name": "甲的群"}).get_json()["id"]
    own_rid = member.post(f"/api/v1/groups/{elsewhere}/relays", json={"title": "聚餐"}).get_json()["id"]

    new_phone = app.test_client()
    assert open_link_and_confirm(new_phone, issue_link(owner, gid, mid)).status_code == 303
    headers = _csrf(new_phone)
    assert new_phone.patch(f"/api/v1/relays/{rid}", json={"capacity": 3}, headers=headers).status_code == 200
    assert new_phone.post(f"/api/v1/polls/{pid}/close", headers=headers).status_code == 200
    assert member.patch(f"/api/v1/relays/{rid}", json={"capacity": 4}).status_code == 404
    # The group the member runs elsewhere, and its relay, stay with the old person.
    assert member.patch(f"/api/v1/relays/{own_rid}", json={"capacity": 4}).status_code == 200
    assert new_phone.get(f"/api/v1/relays/{own_rid}").status_code == 404
    assert my_group_names(member) == ["甲的群"]
    with app.app_context():
        image = db.session.scalar(select(Image).where(Image.public_id == picture))
        new_id = db.session.scalar(select(Membership.person_id).where(Membership.public_id == mid))
        assert image.uploader_id == new_id


def test_managers_see_the_move_in_the_member_history(app, group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    open_link_and_confirm(app.test_client(), issue_link(owner, gid, people["甲"][1]))
    owner_phone = phone_of(app, owner)
    page = owner_phone.get(f"/g/{gid}/members").get_data(as_text=True)
    assert page.count("Moved to another device on") == 1
    assert "link from 群主" in page
    assert "已换到另一台设备" in owner_phone.get(f"/g/{gid}/members", headers=ZH).get_data(as_text=True)
    # Members see the roster, not its history.
    member_page = phone_of(app, people["乙"][0]).get(f"/g/{gid}/members").get_data(as_text=True)
    assert "Moved to another device" not in member_page
    with app.app_context():
        event = db.session.scalars(select(MembershipEvent)).one()
        assert event.kind == "moved_device" and event.old_person_id is not None


def test_the_old_device_learns_where_its_membership_went(app, group_with, user):
    gid, owner, people = group_with(members=["甲"])
    member, mid = people["甲"]
    pid = owner.post(f"/api/v1/groups/{gid}/polls", json={"title": "去哪儿", "options": OPTIONS}).get_json()["id"]
    rid = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "羽毛球"}).get_json()["id"]
    old_phone = phone_of(app, member)
    open_link_and_confirm(app.test_client(), issue_link(owner, gid, mid))

    for path in (f"/g/{gid}", f"/p/{pid}", f"/r/{rid}"):
        page = old_phone.get(path)
        assert page.status_code == 200, path
        assert "Your membership here moved to another device on" in page.get_data(as_text=True), path
    assert "你在这里的成员身份已于" in old_phone.get(f"/g/{gid}", headers=ZH).get_data(as_text=True)
    answer = member.get(f"/api/v1/polls/{pid}")
    assert answer.status_code == 404
    assert "moved to another device" in answer.get_json()["message"]
    assert "moved to another device" in member.get(f"/api/v1/relays/{rid}").get_json()["message"]
    # Someone who was never a member still gets the bare answer.
    stranger = user("路人")
    assert "moved" not in stranger.get(f"/api/v1/polls/{pid}").get_json()["message"]
    assert "moved" not in phone_of(app, stranger).get(f"/g/{gid}").get_data(as_text=True)
