"""A card's picture, once drawn, is answered after one light statement
(core.share.send_keyed_picture): its ETag still moves with everything it shows (the
card's values, the folder's fields, the group's name, the owner's name), and whoever may
not see the card is still refused after others fetched its picture."""
from tests.conftest import statements_run


def picture(person, cid, etag=None):
    return person.get(f"/c/{cid}/card.png",
                      headers={"If-None-Match": etag} if etag else {})


def selects(seen):
    return len([s for s in seen if s.lstrip().upper().startswith("SELECT")])


def test_a_drawn_card_picture_costs_one_statement_and_an_edit_changes_it(make_cards):
    world = make_cards()
    card = world.fill("甲", name="张三", phone="13812345678", company="星辰科技")
    first = picture(world.member("乙"), card["id"])
    assert first.status_code == 200
    with statements_run(world.owner.client.application) as seen:
        assert picture(world.member("乙"), card["id"], first.headers["ETag"]).status_code == 304
    assert selects(seen) == 2  # the asker's identity, then the one deciding the picture
    world.fill("甲", name="张三", phone="13812345678", company="月亮科技")
    edited = picture(world.member("乙"), card["id"], first.headers["ETag"])
    assert edited.status_code == 200 and edited.headers["ETag"] != first.headers["ETag"]
    assert edited.data != first.data


def test_a_renamed_group_changes_the_card_picture(make_cards):
    world = make_cards()
    card = world.fill("甲", name="张三", phone="13812345678")
    first = picture(world.member("乙"), card["id"])
    assert world.owner.patch(f"/api/v1/groups/{world.gid}",
                             json={"name": "新的群名"}).status_code == 200
    renamed = picture(world.member("乙"), card["id"], first.headers["ETag"])
    assert renamed.status_code == 200 and renamed.headers["ETag"] != first.headers["ETag"]


def test_those_who_may_not_see_a_card_are_refused_after_others_fetched_it(make_cards, user, app):
    world = make_cards(members=("甲", "乙", "丙"))
    card = world.fill("甲", name="张三", phone="13812345678")
    shown = picture(world.member("乙"), card["id"])
    assert shown.status_code == 200
    assert picture(user("路人"), card["id"], shown.headers["ETag"]).status_code == 404
    assert app.test_client().get(f"/c/{card['id']}/card.png").status_code == 401
    world.remove("丙")
    assert picture(world.member("丙"), card["id"], shown.headers["ETag"]).status_code == 404
    # A folder for managers only: members other than the owner are refused, the owner not.
    assert world.settings(folder_visibility="managers").status_code == 200
    assert picture(world.member("乙"), card["id"]).status_code == 403
    assert picture(world.member("甲"), card["id"]).status_code == 200
    # The owner leaves: their card goes with them, for everyone.
    world.remove("甲")
    assert picture(world.owner, card["id"]).status_code == 404


def test_a_public_card_is_for_anyone_and_private_again_when_made_so(make_cards, app):
    world = make_cards()
    card = world.fill("甲", public=True, name="张三", phone="13812345678")
    nobody = app.test_client()
    first = nobody.get(f"/c/{card['id']}/card.png")
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public")
    assert nobody.get(f"/c/{card['id']}/card.png").status_code == 200
    world.fill("甲", public=False, name="张三", phone="13812345678")
    assert nobody.get(f"/c/{card['id']}/card.png").status_code == 401
    member = picture(world.member("乙"), card["id"])
    assert member.status_code == 200 and member.headers["Cache-Control"].startswith("private")
