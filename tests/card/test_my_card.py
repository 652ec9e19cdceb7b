"""My card: required values and patterns checked per field, the display name becomes my
name in the group, pre-filling from my other groups, the public switch."""
from tests.card.conftest import SETTINGS


def test_required_and_pattern_checks_answer_per_field(make_cards):
    world = make_cards(settings={"fields": [
        *SETTINGS["fields"],
        {"key": "school", "pattern": r"^.+大学$", "hint": "写全称，如 复旦大学"},
        {"key": "email"}]})
    answer = world.save(world.member("甲"), {"phone": "12345", "school": "复旦",
                                             "email": "not-an-address", "nope": "x"})
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]["json"]["values"]
    assert set(errors) == {"name", "phone", "school", "email", "nope"}
    assert "复旦大学" in errors["school"][0]
    assert world.save(world.member("甲"), {"name": "张三", "phone": "13812345678",
                                           "school": "复旦大学"}).status_code == 201


def test_phone_numbers_beyond_mainland_mobiles(make_cards):
    world = make_cards()
    for typed, stored in (("138 1234 5678", "13812345678"), ("+86 10 6552 9988", "1065529988"),
                          ("+49 1512 3456789", "+4915123456789"), ("+852 9123 4567", "+85291234567")):
        card = world.fill("甲", name="张三", phone=typed)
        assert card["values"]["phone"] == stored, typed
    for wrong in ("1381234567", "+1 555", "电话"):
        assert world.save(world.member("甲"), {"name": "张三", "phone": wrong}).status_code == 422


def test_first_save_201_then_200_and_display_name_is_the_nickname(make_cards):
    world = make_cards()
    first = world.save(world.member("甲"), {"name": "张三", "phone": "13812345678",
                                            "company": "星辰科技"})
    assert first.status_code == 201
    again = world.save(world.member("甲"), {"name": "张三", "phone": "13812345678"})
    assert again.status_code == 200
    assert again.get_json()["display_name"] == "张三"  # "{company}-" trimmed when empty
    first_card = first.get_json()
    assert first_card["display_name"] == "星辰科技-张三" and first_card["id"] == again.get_json()["id"]
    roster = world.owner.get(f"{world.base}/members").get_json()
    assert "张三" in [m["name"] for m in roster]


def test_prefilled_from_my_cards_in_other_groups(make_cards, user):
    first = make_cards(members=("甲",))
    first.fill("甲", name="张三", phone="13812345678", company="星辰科技", wechat="zs2024")
    person = first.member("甲")
    second = make_cards(members=())
    person.post(f"/api/v1/groups/{second.gid}/join", json={})
    before = person.get(f"{second.base}/cards/me").get_json()
    assert before["id"] is None and not before["complete"]
    assert before["values"]["company"] == "星辰科技" and before["values"]["phone"] == "13812345678"
    assert before["values"]["name"] == "张三"
    stranger_view = second.owner.get(f"{second.base}/cards/me").get_json()
    assert "company" not in stranger_view["values"]  # the owner's own cards only


def test_public_defaults_to_false_and_is_the_owners_switch(make_cards):
    world = make_cards()
    card = world.fill("甲", name="张三", phone="13812345678")
    assert card["public"] is False
    nobody = world.owner.client.application.test_client()
    assert nobody.get(f"/api/v1/cards/{card['id']}").status_code == 401
    assert nobody.get(f"/c/{card['id']}").status_code == 200  # the folder's card: join
    assert "13812345678" not in nobody.get(f"/c/{card['id']}").get_data(as_text=True)
    public = world.fill("甲", public=True, name="张三", phone="13812345678")
    assert public["public"] is True
    shown = nobody.get(f"/api/v1/cards/{card['id']}").get_json()
    assert shown["values"] == {"name": "张三"}
    hidden = world.fill("甲", public=False, name="张三", phone="13812345678")
    assert hidden["public"] is False
    assert nobody.get(f"/api/v1/cards/{card['id']}").status_code == 401


def test_a_closed_folder_takes_no_changes(make_cards):
    world = make_cards()
    folder_id = world.owner.get(f"{world.base}/card-settings").get_json()["folder_id"]
    assert world.owner.post(f"/api/v1/card-folders/{folder_id}/close").status_code == 200
    refused = world.save(world.member("甲"), {"name": "张三", "phone": "13812345678"})
    assert refused.status_code == 409


def test_a_save_keeps_the_folders_time_and_moves_what_it_shows(make_cards, app):
    from grouptools.card.models import CardFolder
    from grouptools.core.models import Membership
    from grouptools.extensions import db
    world = make_cards(members=("甲",))
    with app.app_context():
        before = db.session.scalars(db.select(CardFolder.updated_at)).one()
    first = world.save(world.member("甲"), {"name": "张三", "phone": "13812345678",
                                            "company": "星辰科技"})
    assert first.status_code == 201 and first.get_json()["display_name"] == "星辰科技-张三"
    again = world.save(world.member("甲"), {"name": "张三", "phone": "13812345678"},
                       public=True)
    assert again.status_code == 200
    body = again.get_json()
    assert body["id"] == first.get_json()["id"] and body["public"] is True
    assert body["display_name"] == "张三" and body["complete"] is True
    with app.app_context():
        folder = db.session.scalars(db.select(CardFolder)).one()
        assert folder.updated_at == before and (folder.card_count, folder.complete_count) == (1, 1)
        nickname = db.session.scalar(db.select(Membership.nickname).where(
            Membership.public_id == world.member_id("甲")))
    assert nickname == "张三"
    # Search reads the new values only; the public flag stays when not sent.
    assert [c["display_name"] for c in world.folder(q="张三").get_json()] == ["张三"]
    assert world.folder(q="星辰").get_json() == []
    third = world.save(world.member("甲"), {"name": "张三", "phone": "13812345678"})
    assert third.get_json()["public"] is True


def test_a_settings_change_between_the_check_and_the_write_is_honoured(make_cards, monkeypatch):
    """The values are checked before the write; fields changed meanwhile (another
    request's settings) are checked again against what the write finds."""
    from sqlalchemy import update

    from grouptools.card import saving
    from grouptools.card.models import CardFolder
    from grouptools.extensions import db
    world = make_cards(members=("甲",))
    check = saving.rules.check_values
    changed = []

    def settings_change_meanwhile(fields, values):
        if not changed:
            changed.append(True)
            db.session.execute(update(CardFolder).values(fields=[
                {"key": "name", "required": True}, {"key": "city", "required": True}]))
            db.session.commit()
        return check(fields, values)

    monkeypatch.setattr(saving.rules, "check_values", settings_change_meanwhile)
    refused = world.save(world.member("甲"), {"name": "张三", "phone": "13812345678"})
    assert refused.status_code == 422 and "city" in refused.get_json()["errors"]["json"]["values"]
    saved = world.save(world.member("甲"), {"name": "张三", "city": "上海"})
    assert saved.status_code == 201 and saved.get_json()["values"] == {"name": "张三",
                                                                       "city": "上海"}
