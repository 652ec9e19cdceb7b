"""Card settings: defaults, who may change them, checks on fields and the name format,
and what a change does to the cards already filled in."""


def test_defaults_before_cards_are_set_up(make_cards):
    world = make_cards(settings=False)
    answer = world.member("甲").get(f"{world.base}/card-settings")
    assert answer.status_code == 200
    body = answer.get_json()
    assert [f["key"] for f in body["fields"]] == ["name", "phone", "company", "title", "city",
                                                 "intro"]
    by_key = {f["key"]: f for f in body["fields"]}
    assert by_key["name"]["required"] and by_key["phone"]["private"]
    assert body["folder_visibility"] == "members" and body["folder_id"] is None
    # Nothing to fill in until an organiser sets cards up.
    assert world.member("甲").get(f"{world.base}/cards/me").status_code == 404


def test_labels_follow_the_readers_language(make_cards):
    world = make_cards()
    zh = world.owner.get(f"{world.base}/card-settings", headers={"Accept-Language": "zh-CN"})
    en = world.owner.get(f"{world.base}/card-settings", headers={"Accept-Language": "en"})
    assert zh.get_json()["fields"][0]["label"] == "名字"
    assert en.get_json()["fields"][0]["label"] == "Name"


def test_only_owner_and_admins_change_settings(make_cards):
    world = make_cards(admins=("管理员",))
    assert world.settings(world.member("甲")).status_code == 403
    assert world.settings(world.member("管理员"), folder_visibility="managers").status_code == 200
    assert world.member("甲").get(f"{world.base}/card-settings").get_json()[
        "folder_visibility"] == "managers"


def test_invalid_settings_are_refused_field_by_field(make_cards):
    world = make_cards()
    bad_pattern = world.settings(fields=[{"key": "name", "pattern": "(ab|cd)*e"}],
                                 display_name_format="")
    assert bad_pattern.status_code == 422
    assert "pattern" in bad_pattern.get_json()["errors"]["json"]["fields"]["0"]
    no_label = world.settings(fields=[{"key": "hobby"}], display_name_format="")
    assert "label" in no_label.get_json()["errors"]["json"]["fields"]["0"]
    twice = world.settings(fields=[{"key": "name"}, {"key": "name"}])
    assert twice.status_code == 422
    unknown_key = world.settings(display_name_format="{school}-{name}")
    assert unknown_key.status_code == 422
    assert "school" in unknown_key.get_json()["errors"]["json"]["display_name_format"][0]
    assert world.settings(folder_visibility="everyone").status_code == 422


def test_custom_fields_and_choices(make_cards):
    world = make_cards(settings={"fields": [
        {"key": "name", "required": True},
        {"key": "size", "label": "T恤尺码", "type": "choice", "choices": ["S", "M", "L"],
         "required": True}], "display_name_format": ""})
    refused = world.save(world.member("甲"), {"name": "张三", "size": "XXL"})
    assert refused.status_code == 422
    assert "size" in refused.get_json()["errors"]["json"]["values"]
    card = world.fill("甲", name="张三", size="M")
    assert card["values"] == {"name": "张三", "size": "M"} and card["complete"]


def test_a_new_required_field_makes_filled_cards_incomplete(make_cards):
    world = make_cards()
    world.fill("甲", name="张三", phone="13812345678")
    assert world.member("甲").get(f"{world.base}/cards/me").get_json()["complete"]
    fields = [{"key": "name", "required": True}, {"key": "phone", "private": True},
              {"key": "city", "required": True}]
    assert world.settings(fields=fields, display_name_format="").status_code == 200
    mine = world.member("甲").get(f"{world.base}/cards/me").get_json()
    assert not mine["complete"] and mine["missing"] == ["city"]


def test_changing_the_format_renames_every_member(make_cards):
    world = make_cards()
    world.fill("甲", name="张三", phone="13812345678", company="星辰科技")
    world.settings(display_name_format="{name}（{company}）")
    roster = world.owner.get(f"{world.base}/members").get_json()
    assert "张三（星辰科技）" in [m["name"] for m in roster]
