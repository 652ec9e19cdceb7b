def test_smoke(make_cards):
    world = make_cards()
    card = world.fill("甲", name="张三", phone="13812345678", company="星辰科技", city="上海")
    assert card["display_name"] == "星辰科技-张三"
    listed = world.folder(world.member("乙")).get_json()
    assert listed[0]["values"] == {"name": "张三", "company": "星辰科技", "city": "上海"}
