"""The card pages as forms: settings, my card (refusals next to the fields), the
folder's search, a card's page in each language."""


def test_settings_form_sets_cards_up_and_adds_a_custom_field(make_cards):
    world = make_cards(settings=False)
    page = world.owner.get(f"/g/{world.gid}/cards/settings")
    assert page.status_code == 200
    form = {"rows": "11", "display_name_format": "{company}-{name}",
            "folder_visibility": "members"}
    for i, key in enumerate(("name", "phone", "wechat", "email", "company", "title", "city",
                             "school", "intro")):
        form[f"f{i}-key"], form[f"f{i}-standard"] = key, "1"
        if key in ("name", "phone", "company"):
            form[f"f{i}-use"] = "1"
    form.update({"f0-required": "1", "f1-private": "1", "f9-key": "hobby", "f9-label": "爱好",
                 "f9-type": "text"})
    saved = world.owner.post(f"/g/{world.gid}/cards/settings", data=form)
    assert saved.status_code == 303
    settings = world.owner.get(f"{world.base}/card-settings").get_json()
    assert [f["key"] for f in settings["fields"]] == ["name", "phone", "company", "hobby"]
    form["f9-pattern"] = "(ab|cd)*e"
    refused = world.owner.post(f"/g/{world.gid}/cards/settings", data=form)
    assert refused.status_code == 422 and "(ab|cd)*e" in refused.get_data(as_text=True)
    assert world.member("甲").get(f"/g/{world.gid}/cards/settings").status_code == 403


def test_my_card_form_shows_refusals_and_saves(make_cards):
    world = make_cards()
    member = world.member("甲")
    form = member.get(f"/g/{world.gid}/cards/me")
    assert form.status_code == 200 and 'name="v-phone"' in form.get_data(as_text=True)
    refused = member.post(f"/g/{world.gid}/cards/me", data={"v-name": "张三", "v-phone": "123"})
    assert refused.status_code == 422 and 'value="张三"' in refused.get_data(as_text=True)
    saved = member.post(f"/g/{world.gid}/cards/me", data={
        "v-name": "张三", "v-phone": "13812345678", "v-company": "星辰科技", "public": "1"})
    assert saved.status_code == 303
    mine = member.get(f"{world.base}/cards/me").get_json()
    assert mine["public"] and mine["display_name"] == "星辰科技-张三"


def test_folder_page_searches_and_managers_see_the_reminder(make_cards):
    world = make_cards()
    world.fill("甲", name="张三", phone="13812345678", city="上海")
    member_page = world.member("乙").get(f"/g/{world.gid}/cards?q=上海").get_data(as_text=True)
    assert "张三" in member_page and "13812345678" not in member_page
    assert "@乙" not in member_page
    manager_page = world.owner.get(f"/g/{world.gid}/cards").get_data(as_text=True)
    assert "@乙" in manager_page and "export.csv" in manager_page


def test_card_page_in_both_languages(make_cards):
    world = make_cards()
    card = world.fill("甲", public=True, name="张三", phone="13812345678")
    zh = world.member("乙").get(f"/c/{card['id']}?lang=zh").get_data(as_text=True)
    en = world.member("乙").get(f"/c/{card['id']}?lang=en").get_data(as_text=True)
    assert "保存联系人" in zh and "Save the contact" in en


def test_folder_page_lines_show_private_values_to_the_owner_and_managers_only(make_cards):
    fields = [{"key": "name", "required": True}, {"key": "title"}, {"key": "company"},
              {"key": "city", "private": True}, {"key": "phone"}]
    world = make_cards(members=("甲", "乙", "丙"),
                       settings={"fields": fields, "display_name_format": ""})
    world.fill("甲", name="张三", title="工程师", company="星辰科技", city="杭州",
               phone="13812345678")
    world.fill("乙", name="李四", city="苏州")
    fields[-1]["required"] = True  # 乙's card now lacks its phone
    assert world.settings(fields=fields, display_name_format="").status_code == 200

    def line(reader):
        return world.member(reader).get(f"/g/{world.gid}/cards").get_data(as_text=True)

    stranger = line("丙")
    assert "工程师 · 星辰科技" in stranger and "杭州" not in stranger and "苏州" not in stranger
    assert "You have not filled in your card yet." in stranger
    assert "工程师 · 星辰科技 · 杭州" in line("甲") and "苏州" not in line("甲")
    assert "工程师 · 星辰科技 · 杭州" in line("群主") and "苏州" in line("群主")
    mine = line("乙")
    assert "苏州" in mine and "杭州" not in mine
    assert "Your card lacks: Phone" in mine and "Incomplete" in mine
    # The page asked by the folder's own id says the same of my card.
    fid = world.owner.get(f"{world.base}/card-settings").get_json()["folder_id"]
    by_folder = world.member("乙").get(f"/f/{fid}").get_data(as_text=True)
    assert "Your card lacks: Phone" in by_folder and "苏州" in by_folder


def test_folder_page_lines_move_for_every_reader_at_once(make_cards):
    """The folder's unsearched page is drawn once a version for every reader (a worker
    keeps its lines): a card saved, changed or emptied of a private value shows at once
    to members who read the page just before, each still seeing only what they may."""
    fields = [{"key": "name", "required": True}, {"key": "title"},
              {"key": "city", "private": True}]
    world = make_cards(members=("甲", "乙", "丙"),
                       settings={"fields": fields, "display_name_format": ""})

    def lines(reader, headers=()):
        html = world.member(reader).get(f"/g/{world.gid}/cards", headers=dict(headers))
        html = html.get_data(as_text=True)
        start = html.find('<ul class="list card-list">')
        return html[start:html.index("</ul>", start)] if start >= 0 else ""

    assert lines("丙") == "" and lines("群主") == ""
    world.fill("甲", name="张三", title="工程师", city="杭州")
    assert "张三" in lines("丙") and "工程师" in lines("丙") and "杭州" not in lines("丙")
    assert "工程师 · 杭州" in lines("甲") and "工程师 · 杭州" in lines("群主")
    world.fill("甲", name="张三丰", title="教练", city="苏州")
    assert "张三丰" in lines("丙") and "教练" in lines("丙") and "苏州" not in lines("丙")
    assert "教练 · 苏州" in lines("群主") and "教练 · 苏州" in lines("甲")
    world.fill("乙", name="李四")
    assert lines("丙").count('<li class="list-item">') == 2
    assert "Incomplete" not in lines("丙")
    fields[1]["required"] = True  # 李四's card now lacks its title
    assert world.settings(fields=fields, display_name_format="").status_code == 200
    assert lines("丙").count("Incomplete") == 1
    assert lines("丙", {"Accept-Language": "zh-CN"}).count("未完善") == 1
