"""The notice API as clients meet it: who may do what (401/404/403), what is accepted,
pictures by id, plain text that stays text."""
import pytest

from tests.notice.conftest import names
from tests.poll.conftest import upload_picture

MANAGER_ONLY = [("GET", "/receipts"), ("GET", "/export.csv"), ("PATCH", ""), ("DELETE", "")]


def call(person, method, path):
    return person.call(method, path, json={"pinned": True} if method == "PATCH" else None)


def test_a_published_notice_answers_the_contracts_fields(make_notice):
    world = make_notice(pinned=True)
    body = world.body
    assert set(body) >= {"id", "title", "body", "images", "require_confirmation", "deadline",
                         "pinned", "audience", "revision", "revised_at", "my_receipt",
                         "confirmed_count", "audience_count", "overdue", "url"}
    assert (body["require_confirmation"], body["pinned"], body["audience"], body["revision"]) == \
        (True, True, "all", 1)
    assert body["url"].endswith(f"/n/{world.nid}") and body["audience_count"] == 4


@pytest.mark.parametrize("method, suffix", MANAGER_ONLY)
def test_members_may_not_manage(make_notice, method, suffix):
    world = make_notice()
    response = call(world.member("甲"), method, world.path + suffix)
    assert response.status_code == 403
    assert response.get_json()["message"]


@pytest.mark.parametrize("method, suffix", [*MANAGER_ONLY, ("GET", ""), ("POST", "/confirm"),
                                            ("GET", "/revisions")])
def test_strangers_pending_removed_and_outside_the_audience_get_404(make_notice, user, method,
                                                                    suffix):
    world = make_notice(members=("甲", "乙", "丙"), chosen=["甲", "乙"])
    stranger = user("路人")
    pending_world_owner = world.owner
    pending_world_owner.patch(f"/api/v1/groups/{world.gid}", json={"join_policy": "approval"})
    pending = user("等待者")
    pending.post(f"/api/v1/groups/{world.gid}/join", json={"answer": "朋友"})
    world.remove("乙")
    outsider = world.member("丙")
    for who in (stranger, pending, world.member("乙"), outsider):
        assert call(who, method, world.path + suffix).status_code == 404, who.name


def test_no_identity_is_401(make_notice, client):
    world = make_notice()
    for method, suffix in [*MANAGER_ONLY, ("GET", ""), ("POST", "/confirm")]:
        body = {"pinned": True} if method == "PATCH" else None
        assert client.open(world.path + suffix, method=method, json=body).status_code == 401


def test_managers_edit_and_delete(make_notice):
    world = make_notice(admins=("管理员",))
    admin = world.member("管理员")
    changed = admin.patch(world.path, json={"pinned": True, "require_confirmation": False})
    assert changed.status_code == 200
    assert (changed.get_json()["pinned"], changed.get_json()["require_confirmation"]) == (True, False)
    assert admin.delete(world.path).status_code == 204
    assert world.read(world.member("甲")).status_code == 404


def test_body_is_plain_text_and_comes_back_as_typed(make_notice):
    world = make_notice(body="<script>alert(1)</script> & <b>粗体</b>")
    assert world.read(world.member("甲")).get_json()["body"] == \
        "<script>alert(1)</script> & <b>粗体</b>"


@pytest.mark.parametrize("body, field", [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "t", "body": "x" * 5001}, "body"),
    ({"title": "t", "body": "a\x00b"}, "body"),
    ({"title": "t", "image_ids": ["abcdefghij"] * 10}, "image_ids"),
    ({"title": "t", "audience_member_ids": []}, "audience_member_ids"),
    ({"title": "t", "audience_member_ids": ["abcdefghij"]}, "audience_member_ids"),
    ({"title": "t", "deadline": "2020-01-01T00:00:00+00:00"}, "deadline"),
    ({"title": "t", "new_revision": True}, "new_revision"),
    ({"title": "t", "colour": "red"}, "colour"),
])
def test_invalid_notices_are_refused_by_field(make_notice, body, field):
    world = make_notice()
    response = world.owner.post(f"/api/v1/groups/{world.gid}/notices", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]


def test_pictures_are_attached_in_order_and_only_from_the_group(make_notice, group_with):
    world = make_notice()
    first, second = (upload_picture(world.owner, world.gid, colour) for colour in
                     [(200, 0, 0), (0, 200, 0)])
    created = world.owner.post(f"/api/v1/groups/{world.gid}/notices", json={
        "title": "图", "image_ids": [second, first]})
    assert created.status_code == 201
    images = created.get_json()["images"]
    assert [i["id"] for i in images] == [second, first]
    assert images[0]["url"].startswith("http") and images[0]["thumb_url"]
    nid = created.get_json()["id"]
    changed = world.owner.patch(f"/api/v1/notices/{nid}", json={"image_ids": [first]})
    assert [i["id"] for i in changed.get_json()["images"]] == [first]

    other_gid, other_owner, _ = group_with()
    foreign = upload_picture(other_owner, other_gid)
    refused = world.owner.post(f"/api/v1/groups/{world.gid}/notices",
                               json={"title": "图", "image_ids": [first, foreign]})
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]["json"]["image_ids"]) == ["1"]


def test_members_create_only_where_the_group_allows(make_notice):
    world = make_notice()
    jia = world.member("甲")
    path = f"/api/v1/groups/{world.gid}/notices"
    assert jia.post(path, json={"title": "成员通知"}).status_code == 403
    world.owner.patch(f"/api/v1/groups/{world.gid}", json={"members_can_create": True})
    created = jia.post(path, json={"title": "成员通知"})
    assert created.status_code == 201 and created.get_json()["can_manage"] is True


def test_changing_the_audience_back_to_everyone(make_notice):
    world = make_notice(chosen=["甲"])
    assert world.read(world.member("乙")).status_code == 404
    changed = world.owner.patch(world.path, json={"audience_member_ids": None})
    assert changed.get_json()["audience"] == "all"
    assert world.read(world.member("乙")).status_code == 200
    narrowed = world.owner.patch(world.path, json={"audience_member_ids": [world.member_id("乙")]})
    assert narrowed.get_json()["audience_count"] == 1
    assert world.read(world.member("甲")).status_code == 404
    assert names(world.receipts().get_json()["viewed"]) == ["乙"]
