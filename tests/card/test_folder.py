"""The folder: search over what the asker may see, 50 a page, visibility modes, the
incomplete list with its reminder, departures, the group page's line."""


def _names(response):
    return [card["display_name"] for card in response.get_json()]


def test_search_reads_visible_values_only(make_cards):
    world = make_cards(members=("甲", "乙", "丙"))
    world.fill("甲", name="张三", phone="13812345678", company="星辰科技", city="上海",
               wechat="zhang_secret")
    world.fill("乙", name="李四", phone="13912345678", company="云帆", city="北京")
    member = world.member("丙")
    assert _names(world.folder(member, q="上海")) == ["星辰科技-张三"]
    assert _names(world.folder(member, q="云帆 北京")) == ["云帆-李四"]
    assert _names(world.folder(member, q="zhang_secret")) == []  # private: not for members
    assert _names(world.folder(member, q="1381234")) == []
    assert _names(world.folder(q="zhang_secret")) == ["星辰科技-张三"]  # managers search all
    assert _names(world.folder(member, q="100%_")) == []


def test_fifty_a_page(make_cards, app):
    world = make_cards(members=tuple(f"成员{i:02d}" for i in range(52)))
    for i in range(52):
        world.fill(f"成员{i:02d}", name=f"成员{i:02d}", phone=f"138{i:08d}")
    first, second = world.folder(page=1), world.folder(page=2)
    assert len(first.get_json()) == 50 and len(second.get_json()) == 2
    assert first.headers["X-Total-Count"] == "52"
    assert world.folder(page=0).status_code == 422


def test_folder_for_managers_only(make_cards):
    world = make_cards(settings={"folder_visibility": "managers"}, admins=("管理员",))
    card = world.fill("甲", name="张三", phone="13812345678")
    member = world.member("乙")
    assert world.folder(member).status_code == 403
    assert member.get(f"/api/v1/cards/{card['id']}").status_code == 403
    assert world.member("甲").get(f"/api/v1/cards/{card['id']}").status_code == 200  # mine
    assert world.folder(world.member("管理员")).status_code == 200
    # My own card stays mine to fill in.
    assert member.get(f"{world.base}/cards/me").status_code == 200


def test_incomplete_list_and_reminder(make_cards):
    world = make_cards(members=("甲", "乙", "丙"))
    world.fill("甲", name="张三", phone="13812345678")
    fields = [{"key": "name", "required": True}, {"key": "phone", "private": True},
              {"key": "city", "required": True}]
    world.settings(fields=fields, display_name_format="")
    world.fill("乙", name="李四", city="北京")
    answer = world.owner.get(f"{world.base}/cards/incomplete")
    assert answer.status_code == 200
    body = answer.get_json()
    assert sorted(m["name"] for m in body["missing"]) == ["丙", "群主"]
    assert body["incomplete"] == [{"member_id": world.member_id("甲"), "name": "张三",
                                   "missing": ["city"]}]
    text = body["reminder_text"]
    assert "@丙" in text and "@张三" in text and "@李四" not in text and "/f/" in text
    assert world.member("甲").get(f"{world.base}/cards/incomplete").status_code == 403


def test_group_page_line_counts_and_asks_me(make_cards):
    world = make_cards()
    world.fill("甲", name="张三", phone="13812345678")
    page = world.member("乙").get(f"/g/{world.gid}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "1/3 cards complete" in html and "Fill in your card" in html
    mine = world.member("甲").get(f"/g/{world.gid}", headers={"Accept-Language": "en"})
    assert "Fill in your card" not in mine.get_data(as_text=True)


def test_a_departed_members_card_leaves_the_folder_and_stops_being_public(make_cards):
    world = make_cards()
    card = world.fill("甲", public=True, name="张三", phone="13812345678")
    world.remove("甲")
    assert _names(world.folder()) == []
    assert world.owner.get(f"/api/v1/cards/{card['id']}").status_code == 404
    nobody = world.owner.client.application.test_client()
    assert nobody.get(f"/c/{card['id']}").status_code == 404
    assert nobody.get(f"/c/{card['id']}/card.png").status_code == 404
    assert "张三" not in world.owner.get(f"{world.base}/cards/export.csv").get_data(as_text=True)
    exported = world.owner.get(f"{world.base}/export.json").get_json()
    assert "张三" not in str(exported["widgets"]["card_folders"])


def _search_statements(app, make_cards, size):
    from tests.conftest import statements_run

    members = tuple(f"成员{size}-{i}" for i in range(size))
    world = make_cards(members=members)
    for i, name in enumerate(members):
        world.fill(name, name=name, phone=f"138{i:08d}", city="上海" if i % 2 else "北京")
    reader = world.member(members[0])
    world.folder(reader, q="上海")  # the reader's first request may load what later ones reuse
    with statements_run(app) as statements:
        answer = world.folder(reader, q="上海")
    assert answer.status_code == 200
    assert answer.headers["X-Total-Count"] == str(size // 2) and len(answer.get_json()) == size // 2
    return len(statements)


def test_a_search_runs_as_many_statements_for_40_cards_as_for_4(app, make_cards):
    assert _search_statements(app, make_cards, 4) == _search_statements(app, make_cards, 40)


def test_the_count_leaves_out_departed_members(make_cards):
    world = make_cards(members=("甲", "乙", "丙"))
    for name in ("甲", "乙", "丙"):
        world.fill(name, name=name, phone="13812345678", city="上海")
    world.remove("乙")
    found = world.folder(q="上海")
    assert sorted(_names(found)) == sorted(["甲", "丙"]) and found.headers["X-Total-Count"] == "2"


def test_the_list_answers_every_field_the_api_document_names(app, make_cards):
    from grouptools.card.schemas import CardSchema

    world = make_cards()
    world.fill("甲", name="张三", phone="13812345678")
    listed = world.folder().get_json()
    assert listed and all(set(card) == set(CardSchema().fields) for card in listed)
