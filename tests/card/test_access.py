"""Every route about a group's cards and one card, against nobody, a stranger, a
pending and a removed member, a member and a manager: 401 / 404 / 403 as
docs/security.md#who-can-see-what says (the cross-widget contract test walks the
folder's own routes; these are the group's and the card's)."""
import pytest

ACTORS = ("nobody", "stranger", "pending", "removed", "member", "manager")
READ = {"nobody": 401, "stranger": 404, "pending": 404, "removed": 404, "member": 200,
        "manager": 200}
MANAGE = {**READ, "member": 403}


@pytest.fixture
def world(make_cards, user):
    world = make_cards(members=("甲", "pending", "removed"), group={"join_policy": "approval"})
    for name in ("甲", "removed"):
        world.owner.patch(f"{world.base}/members/{world.member_id(name)}",
                          json={"status": "active"})
    world.card = world.fill("甲", name="张三", phone="13812345678")
    world.remove("removed")
    world.actors = {"member": world.member("甲"), "manager": world.owner,
                    "stranger": user("路人"), "pending": world.member("pending"),
                    "removed": world.member("removed")}
    world.nobody = world.owner.client.application.test_client()
    return world


def _call(world, actor, method, path, json=None):
    if actor == "nobody":
        return world.nobody.open(path, method=method, json=json)
    return world.actors[actor].call(method, path, json=json)


@pytest.mark.parametrize("method, suffix, expected", [
    ("GET", "/card-settings", READ),
    ("GET", "/cards/me", READ),
    ("GET", "/cards", READ),
    ("GET", "/cards/incomplete", MANAGE),
    ("GET", "/cards/export.csv", MANAGE),
    ("GET", "/cards/export.vcf", MANAGE),
])
def test_group_routes(world, method, suffix, expected):
    for actor in ACTORS:
        status = _call(world, actor, method, f"{world.base}{suffix}").status_code
        assert status == expected[actor], (actor, suffix, status)


def test_writes(world):
    settings = {"fields": [{"key": "name", "required": True}]}
    for actor in ("manager", *ACTORS[:-1]):
        answer = _call(world, actor, "PUT", f"{world.base}/card-settings", settings)
        assert answer.status_code == MANAGE[actor], (actor, answer.get_json())
    for actor in ACTORS:
        mine = _call(world, actor, "PUT", f"{world.base}/cards/me", {"values": {"name": "某人"}})
        assert mine.status_code == {**READ, "member": 200, "manager": 201}[actor], actor


def test_card_routes_and_pages(world):
    cid = world.card["id"]
    for actor in ACTORS:
        for path in (f"/api/v1/cards/{cid}", f"/api/v1/cards/{cid}.vcf"):
            assert _call(world, actor, "GET", path).status_code == READ[actor], (actor, path)
        # Pages: a member's view, else the folder's public card with "join".
        assert _call(world, actor, "GET", f"/c/{cid}").status_code == 200
        pictures = _call(world, actor, "GET", f"/c/{cid}/card.png").status_code
        assert pictures == READ[actor], (actor, pictures)
        settings_page = _call(world, actor, "GET", f"/g/{world.gid}/cards/settings").status_code
        assert settings_page == {**MANAGE, "nobody": 401}[actor], actor
    unknown = world.owner.get("/api/v1/cards/Zz9Zz9Zz9Z")
    assert unknown.status_code == 404


def test_malformed_input_is_refused_not_crashed(world):
    for body in ({"values": "x"}, {"values": {"name": 5}}, {"values": {"name": "a\x00"}},
                 {"values": {"name": "张三" * 200}}, {"values": {}, "public": "maybe"}, [1]):
        answer = world.owner.call("PUT", f"{world.base}/cards/me", json=body)
        assert answer.status_code in (400, 422), (body, answer.status_code)
    plain = world.owner.call("PUT", f"{world.base}/cards/me", data="x",
                             headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415
    assert world.owner.get(f"{world.base}/cards?page=99999999999999999999").status_code == 422


def test_the_folders_list_refuses_a_bad_token_and_unknown_groups(world, make_cards):
    bad = {"Authorization": "Bearer not-a-token-of-anyone"}
    for suffix in ("/cards", "/cards/incomplete", "/cards?q=张"):
        assert world.nobody.get(f"{world.base}{suffix}", headers=bad).status_code == 401
    unknown = "/api/v1/groups/Zz9Zz9Zz9Z/cards"
    assert world.nobody.get(unknown).status_code == 401
    assert world.owner.get(unknown).status_code == 404
    assert world.owner.get("/g/Zz9Zz9Zz9Z/cards").status_code == 404
    bare = make_cards(settings=False)  # a group whose cards are not set up: its message
    for path in (f"{bare.base}/cards", f"/g/{bare.gid}/cards"):
        answer = bare.owner.get(path)
        assert answer.status_code == 404 and "not set up" in answer.get_data(as_text=True)
    # Pages: members see the folder; strangers and those who left its public card.
    for actor in ACTORS:
        page = _call(world, actor, "GET", f"/g/{world.gid}/cards")
        assert page.status_code == 200, actor
        assert ("张三" in page.get_data(as_text=True)) == (actor in ("member", "manager")), actor
