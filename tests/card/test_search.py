"""The folder's search through each card's search grams (card/search.py): it finds
exactly what "every word is part of what the reader may search" finds, and follows the
cards and the settings as they change."""
from flask_migrate import downgrade, upgrade

from tests.card.conftest import SETTINGS

PHONE = "13812345678"  # required by the settings; private, so no member finds it


def _names(response):
    assert response.status_code == 200, response.get_json()
    return sorted(card["display_name"] for card in response.get_json())


# Values with Latin words in both cases, Chinese, digits, characters LIKE treats
# specially, full-width letters, and a word longer than a search gram (16 characters).
CARDS = {
    "甲": dict(name="John Smith", phone="13812345678", company="星辰科技", city="上海",
              wechat="john_WX", intro="喜欢跑步 and Hiking"),
    "乙": dict(name="李四", phone="13912345678", company="云帆教育", city="北京",
              intro="100% 认真_负责 a\\b"),
    "丙": dict(name="Zoë Ｗａｎｇ", phone="13712345678", company="Supercalifragilistic Ltd",
              city="深圳", intro="上海人，住在深圳"),
}


def _reference(world, reader_is_manager, query):
    """What `LIKE '%word%'` over the reader's search text found, worked out in Python."""
    from grouptools.card import settings as rules

    fields = [rules.card_field(item) for item in SETTINGS["fields"]]
    found = []
    for values in CARDS.values():
        name = rules.display_name(SETTINGS["display_name_format"], values, "", 64)
        visible, every = rules.search_texts(fields, values, name)
        text = every if reader_is_manager else visible
        words = query.lower().split()[:5]
        if all(word in text for word in words):
            found.append(name)
    return sorted(found)


QUERIES = ("上", "上海", "海人", "辰科", "星辰科技", "j", "J", "ohn", "JOHN smith", "smith john",
           "hik", "king", "1381", "13812345678", "john_wx", "_", "%", "100%", "认真_负", "a\\b",
           "\\", "ë", "zoë", "ｗａｎｇ", "wang", "supercalifragilistic", "supercalifragilisticx",
           "supercalifragilis", "云帆教育-李四", "-", "跑步 hiking 上海 星辰 john",
           "a b c d e f", "深圳", "人，住", "nothing", "喜欢跑步and")


def test_search_finds_what_the_texts_hold(make_cards):
    world = make_cards(members=(*CARDS, "读者"))
    for who, values in CARDS.items():
        world.fill(who, **values)
    member = world.member("读者")
    for query in QUERIES:
        assert _names(world.folder(member, q=query)) == _reference(world, False, query), query
        assert _names(world.folder(q=query)) == _reference(world, True, query), query


def test_a_one_letter_and_a_one_character_query(make_cards):
    world = make_cards(members=("甲", "乙", "读者"))
    world.fill("甲", phone=PHONE, name="Anna", company="星辰")
    world.fill("乙", phone=PHONE, name="Bob", company="云帆")
    member = world.member("读者")
    assert _names(world.folder(member, q="a")) == ["星辰-Anna"]
    assert _names(world.folder(member, q="B")) == ["云帆-Bob"]
    assert _names(world.folder(member, q="帆")) == ["云帆-Bob"]
    assert _names(world.folder(member, q="-")) == ["云帆-Bob", "星辰-Anna"]


def test_editing_a_card_changes_what_finds_it(make_cards):
    world = make_cards(members=("甲", "读者"))
    world.fill("甲", phone=PHONE, name="张三", city="上海", wechat="zs_old")
    member = world.member("读者")
    assert _names(world.folder(member, q="上海")) == ["张三"]
    world.fill("甲", phone=PHONE, name="张三", city="杭州", company="云帆", wechat="zs_new")
    assert _names(world.folder(member, q="上海")) == []
    assert _names(world.folder(member, q="杭州")) == ["云帆-张三"]
    assert _names(world.folder(member, q="云帆-张")) == ["云帆-张三"]  # the display name
    assert _names(world.folder(q="zs_old")) == []
    assert _names(world.folder(q="zs_new")) == ["云帆-张三"]
    world.fill("甲", phone=PHONE, name="张三")  # values removed
    assert _names(world.folder(member, q="杭州")) == []
    assert _names(world.folder(member, q="张")) == ["张三"]


def test_making_a_field_private_takes_it_out_of_members_search(make_cards):
    world = make_cards(members=("甲", "读者"), admins=("管理员",))
    world.fill("甲", phone=PHONE, name="张三", company="星辰科技", city="上海")
    member, admin = world.member("读者"), world.member("管理员")
    assert _names(world.folder(member, q="上海")) == ["星辰科技-张三"]
    private_city = [{**f, "private": True} if f["key"] == "city" else f
                    for f in SETTINGS["fields"]]
    assert world.settings(fields=private_city).status_code == 200
    assert _names(world.folder(member, q="上海")) == []
    assert _names(world.folder(member, q="星辰")) == ["星辰科技-张三"]
    assert _names(world.folder(admin, q="上海")) == ["星辰科技-张三"]  # managers search all
    assert _names(world.folder(q="上海")) == ["星辰科技-张三"]
    # The card's owner sees their private value but searches as a member does.
    assert _names(world.folder(world.member("甲"), q="上海")) == []
    assert world.settings().status_code == 200  # public again
    assert _names(world.folder(member, q="上海")) == ["星辰科技-张三"]


def test_a_private_value_in_the_display_name_is_searchable_as_the_name_is(make_cards):
    # The display name is shown to every member, so it is searched as shown.
    world = make_cards(members=("甲", "读者"),
                       settings={"display_name_format": "{name}({wechat})"})
    world.fill("甲", phone=PHONE, name="张三", wechat="zs2024")
    assert _names(world.folder(world.member("读者"), q="zs2024")) == ["张三(zs2024)"]


def test_changing_the_display_name_format_changes_what_finds_a_card(make_cards):
    world = make_cards(members=("甲", "读者"), settings={"display_name_format": "{name}"})
    world.fill("甲", phone=PHONE, name="张三")
    member = world.member("读者")
    assert _names(world.folder(member, q="1381234")) == []
    assert world.settings(display_name_format="{phone}-{name}").status_code == 200
    assert _names(world.folder(member, q="1381234")) == ["13812345678-张三"]


def test_search_pages_are_in_display_name_order(make_cards):
    members = tuple(f"成员{i:02d}" for i in range(77))
    world = make_cards(members=members)
    for i, who in enumerate(reversed(members)):  # filled in another order than the names'
        world.fill(who, phone=PHONE, name=who, city="北京" if i % 3 == 2 else "上海")
    first, second = world.folder(q="上海"), world.folder(q="上海", page=2)
    assert first.headers["X-Total-Count"] == "52" and len(first.get_json()) == 50
    names = [card["display_name"] for card in first.get_json() + second.get_json()]
    assert names == sorted(who for i, who in enumerate(reversed(members)) if i % 3 != 2)


def test_the_migration_finds_existing_cards(app, make_cards):
    world = make_cards(members=("甲", "读者"))
    world.fill("甲", phone=PHONE, name="张三", company="星辰科技", wechat="zs_secret")
    with app.app_context():
        downgrade(revision="d4e7a1b2c3f5")
        upgrade()
    assert _names(world.folder(world.member("读者"), q="辰科")) == ["星辰科技-张三"]
    assert _names(world.folder(world.member("读者"), q="zs_secret")) == []
    assert _names(world.folder(q="zs_secret")) == ["星辰科技-张三"]
