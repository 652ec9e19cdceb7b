"""The relay API (docs/api.md): shapes, defaults, status codes, validation per
field type and pattern, and private fields held back from everyone but managers and
the entrant."""
import pytest

from tests.relay.conftest import PHONE_FIELD, entry_of, listing, sign_up

FIELDS = [
    {"key": "name", "label": "姓名", "type": "text", "required": True},
    {"key": "phone", "label": "手机号", "type": "phone", "required": True, "private": True},
    {"key": "age", "label": "年龄", "type": "number"},
    {"key": "email", "label": "邮箱", "type": "email"},
    {"key": "size", "label": "尺码", "type": "choice", "choices": ["S", "M", "L"]},
    {"key": "day", "label": "日期", "type": "date"},
    {"key": "code", "label": "学号", "type": "text", "pattern": r"^[A-Z]\d{3}$", "hint": "大写字母+3位数字"},
]
GOOD = {"name": "张三", "phone": "13800138000", "age": "30", "email": "a@b.cn", "size": "M",
        "day": "2026-12-01", "code": "A123"}


# --- Creating and reading --------------------------------------------------------------------

def test_a_relay_has_the_contract_shape_and_defaults(relay_with):
    rid, owner, _, gid = relay_with(description="8块场地")
    relay = owner.get(f"/api/v1/relays/{rid}").get_json()
    assert relay["waitlist"] is True and relay["per_member_max"] == 1 and relay["guests_max"] == 0
    assert relay["capacity"] is None and relay["fields"] == [] and relay["slots"] == []
    assert relay["entries"] == [] and relay["closed"] is False and relay["can_manage"] is True
    assert relay["url"].endswith(f"/r/{rid}")
    assert relay["log"][0]["kind"] == "created"


def test_the_relay_answers_its_last_changes_and_the_log_route_the_whole_log(relay_with):
    rid, owner, people, _ = relay_with(members=[f"成员{n}" for n in range(12)])
    for person in people.values():
        assert sign_up(person, rid).status_code == 201
    relay = owner.get(f"/api/v1/relays/{rid}").get_json()
    whole = owner.get(f"/api/v1/relays/{rid}/log")
    assert whole.status_code == 200
    log = whole.get_json()["log"]
    assert len(log) == 13 and log[-1]["kind"] == "created"
    assert relay["log"] == log[:8]  # the newest first, as the page shows them
    assert {line["kind"] for line in log[:12]} == {"joined"}
    member = next(iter(people.values()))
    assert member.get(f"/api/v1/relays/{rid}/log").get_json()["log"] == log


def test_access_401_404_403(relay_with, user, client):
    rid, owner, people, gid = relay_with(members=["甲"])
    assert client.get(f"/api/v1/relays/{rid}").status_code == 401
    stranger = user("路人")
    assert stranger.get(f"/api/v1/relays/{rid}").status_code == 404
    assert stranger.get(f"/api/v1/relays/{rid}/log").status_code == 404
    assert client.get(f"/api/v1/relays/{rid}/log").status_code == 401
    assert sign_up(stranger, rid).status_code == 404
    assert stranger.post(f"/api/v1/groups/{gid}/relays", json={"title": "x"}).status_code == 404
    member = people["甲"]
    assert member.post(f"/api/v1/groups/{gid}/relays", json={"title": "x"}).status_code == 403
    assert member.patch(f"/api/v1/relays/{rid}", json={"capacity": 5}).status_code == 403
    assert member.delete(f"/api/v1/relays/{rid}").status_code == 403
    assert member.get(f"/api/v1/relays/{rid}/export.csv").status_code == 403
    assert member.post(f"/api/v1/relays/{rid}/import", json={"text": "1. 王五"}).status_code == 403
    assert sign_up(member, rid, for_name="别人").status_code == 403
    assert owner.get("/api/v1/relays/AAAAAAAAAA").status_code == 404


def test_members_create_where_the_group_allows_and_then_manage_their_own(group_with):
    gid, owner, people = group_with(members=["甲", "乙"], members_can_create=True)
    creator, other = people["甲"][0], people["乙"][0]
    rid = creator.post(f"/api/v1/groups/{gid}/relays", json={"title": "拼车"}).get_json()["id"]
    assert creator.patch(f"/api/v1/relays/{rid}", json={"capacity": 3}).status_code == 200
    assert other.patch(f"/api/v1/relays/{rid}", json={"capacity": 4}).status_code == 403
    assert owner.patch(f"/api/v1/relays/{rid}", json={"capacity": 4}).status_code == 200


def test_sign_up_answers_201_with_number_or_waitlist_position(relay_with):
    rid, owner, people, _ = relay_with(members=["甲", "乙"], capacity=1)
    first = sign_up(people["甲"], rid)
    assert first.status_code == 201
    assert set(first.get_json()) == {"id", "number", "waitlist_position", "status"}
    assert first.get_json()["number"] == 1 and first.get_json()["status"] == "confirmed"
    second = sign_up(people["乙"], rid).get_json()
    assert second == {"id": second["id"], "number": None, "waitlist_position": 1,
                      "status": "waitlisted"}
    assert sign_up(people["甲"], rid).status_code == 409  # one entry per member


def test_withdraw_204_and_edit_200(relay_with):
    rid, owner, people, _ = relay_with(members=["甲", "乙"], capacity=1, guests_max=1)
    eid = sign_up(people["甲"], rid).get_json()["id"]
    sign_up(people["乙"], rid)
    edited = people["甲"].patch(f"/api/v1/relays/{rid}/entries/{eid}", json={"guests": 0})
    assert edited.status_code == 200 and edited.get_json()["number"] == 1
    assert people["乙"].delete(f"/api/v1/relays/{rid}/entries/{eid}").status_code == 403
    assert people["甲"].delete(f"/api/v1/relays/{rid}/entries/{eid}").status_code == 204
    assert listing(owner, rid) == (["乙"], [])


def test_json_routes_refuse_other_content_types_and_unknown_fields(relay_with):
    rid, owner, _, gid = relay_with()
    plain = owner.call("POST", f"/api/v1/relays/{rid}/entries", data="values=1",
                       headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415
    assert owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "x", "colour": "red"}) \
        .status_code == 422
    unknown = sign_up(owner, rid, values={"nickname": "x"})
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"]["json"]["values"] == {"nickname": ["Unknown field."]}


@pytest.mark.parametrize("bad", [
    {"title": "x" * 201},
    {"title": "周六\x00"},
    {"title": "x", "capacity": 10 ** 20},
    {"title": "x", "capacity": 0},
    {"title": "x", "guests_max": -1},
    {"title": "x", "fields": [{"key": "Phone!", "label": "手机"}]},
    {"title": "x", "fields": [{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]},
    {"title": "x", "fields": [{"key": "a", "label": "A", "type": "colour"}]},
    {"title": "x", "fields": [{"key": "a", "label": "A", "type": "choice", "choices": ["only"]}]},
    {"title": "x", "fields": [{"key": "a", "label": "A", "choices": ["x", "y"]}]},
    {"title": "x", "deadline": "2026-12-01T20:00"},
    {"title": "x", "slots": [{"label": "上午"}, {"label": "上午"}]},
    {"title": "x", "fields": "phone"},
])
def test_bad_relay_settings_are_422_never_500(relay_with, bad):
    _, owner, _, gid = relay_with()
    response = owner.post(f"/api/v1/groups/{gid}/relays", json=bad)
    assert response.status_code == 422, response.get_json()


@pytest.mark.parametrize("pattern", [
    "(a+)+$", "(a|a)*b", r"\w*\w*\w*\w*!", r"(\d)\1", "(?=a)a", "(", "x{99999999999}", "a" * 101,
])
def test_patterns_that_could_run_away_are_refused(relay_with, pattern):
    _, owner, _, gid = relay_with()
    field = {"key": "code", "label": "编码", "pattern": pattern}
    response = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "x", "fields": [field]})
    assert response.status_code == 422
    assert "pattern" in response.get_json()["errors"]["json"]["fields"]["0"]


def test_each_field_type_is_checked(relay_with):
    rid, owner, people, _ = relay_with(members=["甲"], fields=FIELDS)
    member = people["甲"]
    cases = {
        "name": "", "phone": "12345", "age": "三十", "email": "not-an-address",
        "size": "XXL", "day": "2026-13-01", "code": "a123",
    }
    for key, bad in cases.items():
        response = sign_up(member, rid, values={**GOOD, key: bad})
        assert response.status_code == 422, key
        assert list(response.get_json()["errors"]["json"]["values"]) == [key]
    message = sign_up(member, rid, values={**GOOD, "code": "a1"}).get_json()
    assert message["errors"]["json"]["values"]["code"] == ["Does not match the format: 大写字母+3位数字"]
    created = sign_up(member, rid, values={**GOOD, "phone": "+86 138-0013-8000", "age": "30.50",
                                           "day": "2026/12/1"})
    assert created.status_code == 201
    values = entry_of(member, rid, "甲")["values"]
    assert values["phone"] == "+8613800138000" and values["age"] == "30.5"
    assert values["day"] == "2026-12-01"


@pytest.mark.parametrize("value", ["\x00", "x" * 201, 10 ** 30, True, {"a": 1}, ["x"]])
def test_values_that_a_database_would_choke_on_are_422(relay_with, value):
    rid, owner, _, _ = relay_with(fields=[{"key": "note", "label": "备注"}])
    assert sign_up(owner, rid, values={"note": value}).status_code == 422


def test_bad_entry_bodies_are_422(relay_with):
    rid, owner, _, _ = relay_with()
    for body in ({"values": []}, {"guests": "two"}, {"guests": 2 ** 70}, {"slot_id": "x" * 11},
                 {"for_name": ""}, {"for_name": "x" * 65}):
        assert owner.post(f"/api/v1/relays/{rid}/entries", json=body).status_code == 422, body


def test_lowering_capacity_below_what_is_taken_is_409(relay_with):
    rid, owner, people, _ = relay_with(members=["甲", "乙"], capacity=5)
    sign_up(people["甲"], rid)
    sign_up(people["乙"], rid)
    refused = owner.patch(f"/api/v1/relays/{rid}", json={"capacity": 1})
    assert refused.status_code == 409
    assert refused.get_json()["errors"]["json"]["capacity"]
    assert owner.patch(f"/api/v1/relays/{rid}", json={"capacity": 2}).get_json()["capacity"] == 2


def test_for_name_entries_count_and_belong_to_the_organiser(relay_with):
    rid, owner, people, _ = relay_with(members=["甲"], capacity=2)
    added = sign_up(owner, rid, for_name="群里的老王")
    assert added.status_code == 201
    sign_up(people["甲"], rid)
    assert listing(owner, rid) == (["群里的老王", "甲"], [])
    assert sign_up(owner, rid).get_json()["status"] == "waitlisted"


def test_check_in_is_for_organisers_and_confirmed_entries(relay_with):
    rid, owner, people, _ = relay_with(members=["甲", "乙"], capacity=1)
    first = sign_up(people["甲"], rid).get_json()["id"]
    second = sign_up(people["乙"], rid).get_json()["id"]
    assert people["甲"].post(f"/api/v1/relays/{rid}/entries/{first}/attend").status_code == 403
    attended = owner.post(f"/api/v1/relays/{rid}/entries/{first}/attend")
    assert attended.status_code == 200 and attended.get_json()["attended"] is True
    assert owner.post(f"/api/v1/relays/{rid}/entries/{first}/attend").status_code == 200
    assert owner.post(f"/api/v1/relays/{rid}/entries/{second}/attend").status_code == 409
    relay = owner.get(f"/api/v1/relays/{rid}").get_json()
    assert relay["attended_count"] == 1 and relay["confirmed_count"] == 1
    undone = owner.delete(f"/api/v1/relays/{rid}/entries/{first}/attend")
    assert undone.get_json()["attended"] is False


def test_close_reopen_and_delete(relay_with):
    rid, owner, people, _ = relay_with(members=["甲"])
    assert owner.post(f"/api/v1/relays/{rid}/close").get_json()["closed"] is True
    assert sign_up(people["甲"], rid).status_code == 409
    assert owner.post(f"/api/v1/relays/{rid}/reopen").get_json()["closed"] is False
    assert sign_up(people["甲"], rid).status_code == 201
    assert owner.delete(f"/api/v1/relays/{rid}").status_code == 204
    assert owner.get(f"/api/v1/relays/{rid}").status_code == 404


def test_deleting_the_group_deletes_its_relays(relay_with):
    rid, owner, people, gid = relay_with(members=["甲"], fields=[PHONE_FIELD])
    sign_up(people["甲"], rid, values={"phone": "13800000001"})
    assert owner.delete(f"/api/v1/groups/{gid}").status_code == 204
    assert owner.get(f"/api/v1/relays/{rid}").status_code == 404


def test_slots_over_the_api(relay_with):
    rid, owner, people, _ = relay_with(members=["甲"], slots=[{"label": "凉菜", "capacity": 1},
                                                             {"label": "热菜"}])
    slots = owner.get(f"/api/v1/relays/{rid}").get_json()["slots"]
    assert [(s["label"], s["capacity"], s["taken"]) for s in slots] == [("凉菜", 1, 0), ("热菜", None, 0)]
    assert sign_up(people["甲"], rid).status_code == 422
    created = sign_up(people["甲"], rid, slot_id=slots[0]["id"]).get_json()
    assert created["number"] == 1
    assert entry_of(owner, rid, "甲")["slot_id"] == slots[0]["id"]


# --- Private fields ---------------------------------------------------------------------------

def test_private_values_only_for_managers_and_the_entrant(relay_with):
    rid, owner, people, _ = relay_with(members=["甲", "乙"], admins=["管理员"],
                                       fields=[{"key": "name", "label": "称呼"}, PHONE_FIELD])
    sign_up(people["甲"], rid, values={"name": "小甲", "phone": "13800000001"})
    for reader, sees in ((people["甲"], True), (owner, True), (people["管理员"], True),
                         (people["乙"], False)):
        relay = reader.get(f"/api/v1/relays/{rid}")
        entry = relay.get_json()["entries"][0]
        assert ("13800000001" in relay.get_data(as_text=True)) is sees
        assert entry["values"] == ({"name": "小甲", "phone": "13800000001"} if sees else {"name": "小甲"})
        assert (entry["ticket_url"] is not None) is (reader is not people["乙"])
    for reader in (people["乙"], owner):
        text = reader.get(f"/api/v1/relays/{rid}/text").get_json()["text"]
        assert "13800000001" not in text and "小甲" in text


def test_the_openapi_document_describes_the_relay_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/groups/{gid}/relays", "/api/v1/relays/{rid}", "/api/v1/relays/{rid}/entries",
                 "/api/v1/relays/{rid}/entries/{eid}", "/api/v1/relays/{rid}/text",
                 "/api/v1/relays/{rid}/import", "/api/v1/relays/{rid}/export.xlsx"):
        assert path in paths, path


def test_only_the_entrant_and_the_organisers_change_an_entry(relay_with):
    """core.access's own-item rule: the entrant, or the relay's managers; an entry an
    organiser added for someone from the chat is nobody's own."""
    rid, owner, people, _ = relay_with(members=["甲", "乙"], capacity=5)
    eid = sign_up(people["甲"], rid).get_json()["id"]
    refused = people["乙"].patch(f"/api/v1/relays/{rid}/entries/{eid}?lang=en", json={"guests": 0})
    assert refused.status_code == 403
    assert refused.get_json()["message"] == ("Only the person who signed up and the organisers "
                                             "may change this entry.")
    assert owner.patch(f"/api/v1/relays/{rid}/entries/{eid}", json={}).status_code == 200
    added = sign_up(owner, rid, for_name="群里的王五").get_json()["id"]
    assert people["甲"].delete(f"/api/v1/relays/{rid}/entries/{added}").status_code == 403
    assert owner.delete(f"/api/v1/relays/{rid}/entries/{added}").status_code == 204
    assert people["甲"].delete(f"/api/v1/relays/{rid}/entries/{eid}").status_code == 204
    assert listing(owner, rid) == ([], [])
