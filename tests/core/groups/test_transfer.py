"""A group moves to another server: export.zip → import into an empty database →
export.zip again gives the same group.json (apart from times) and the same pictures,
byte for byte, for every kind of widget."""
from tests.core.groups.transfer_helpers import (
    export_zip,
    import_zip,
    read_zip,
    upload,
    wipe_database,
    without_times,
)


def build_polls(owner, gid, people):
    member, other = people["小明妈妈"][0], people["李四"][0]
    red, blue = upload(owner, gid, (200, 30, 30)), upload(owner, gid, (30, 30, 200), (80, 60))
    pictures = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "选班服颜色", "options": [{"image_id": red, "text": "红"}, {"image_id": blue}],
    }).get_json()
    member.post(f"/api/v1/polls/{pictures['id']}/votes",
                json={"option_ids": [pictures["options"][1]["id"]]})
    multiple = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "周末活动", "multiple": True, "max_choices": 2,
        "options": [{"text": "爬山"}, {"text": "看电影"}, {"text": "火锅"}]}).get_json()
    other.post(f"/api/v1/polls/{multiple['id']}/votes",
               json={"option_ids": [o["id"] for o in multiple["options"][:2]]})
    secret = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "匿名评分", "anonymous": True,
        "options": [{"text": "好"}, {"text": "一般"}]}).get_json()
    for person in (member, other):
        assert person.post(f"/api/v1/polls/{secret['id']}/votes",
                           json={"option_ids": [secret["options"][0]["id"]]}).status_code in (200, 201)
    assert owner.post(f"/api/v1/polls/{secret['id']}/close").status_code == 200


def build_relay(owner, gid, people):
    member = people["小明妈妈"][0]
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "周六羽毛球", "capacity": 1, "place": "体育馆",
        "fields": [{"key": "phone", "label": "手机号", "type": "phone", "private": True,
                    "required": True},
                   {"key": "size", "label": "尺码", "type": "choice", "choices": ["S", "M"]}],
    }).get_json()
    assert member.post(f"/api/v1/relays/{relay['id']}/entries", json={
        "values": {"phone": "13800138000", "size": "M"}}).status_code == 201
    assert people["李四"][0].post(f"/api/v1/relays/{relay['id']}/entries", json={
        "values": {"phone": "13900139000"}}).status_code == 201  # waitlisted


def build_notice(owner, gid, people):
    picture = upload(owner, gid, (30, 160, 60))
    notice = owner.post(f"/api/v1/groups/{gid}/notices", json={
        "title": "家长会通知", "body": "周五晚七点", "image_ids": [picture]}).get_json()
    member = people["小明妈妈"][0]
    assert member.get(f"/api/v1/notices/{notice['id']}").status_code == 200  # read
    assert member.post(f"/api/v1/notices/{notice['id']}/confirm").status_code in (200, 201)
    assert people["李四"][0].get(f"/api/v1/notices/{notice['id']}").status_code == 200
    chosen = owner.post(f"/api/v1/groups/{gid}/notices", json={
        "title": "只给管理员", "audience_member_ids": [people["管理员"][1]]}).get_json()
    assert "id" in chosen, chosen


def build_habit(owner, gid, people):
    habit = owner.post(f"/api/v1/groups/{gid}/habits", json={
        "title": "晨跑打卡", "proof": "photo"}).get_json()
    runner = people["李四"][0]
    photo = upload(runner, gid, (120, 120, 20), (70, 50))
    done = runner.post(f"/api/v1/habits/{habit['id']}/checkins",
                       json={"text": "第一天", "image_ids": [photo]})
    assert done.status_code == 201, done.get_json()


def build_event(owner, gid, people):
    from datetime import datetime, timedelta, timezone
    now = datetime.now(timezone.utc)
    event = owner.post(f"/api/v1/groups/{gid}/events", json={
        "title": "周会", "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat()}).get_json()
    code = owner.get(f"/api/v1/events/{event['id']}/code").get_json()["code"]
    answer = people["小明妈妈"][0].post(f"/api/v1/events/{event['id']}/signin", json={"code": code})
    assert answer.status_code == 201


def build_cards(owner, gid, people):
    settings = owner.call("PUT", f"/api/v1/groups/{gid}/card-settings", json={
        "fields": [{"key": "name", "required": True},
                   {"key": "phone", "private": True, "required": True}, {"key": "city"}],
        "display_name_format": "{name}", "folder_visibility": "members"})
    assert settings.status_code == 200, settings.get_json()
    saved = people["小明妈妈"][0].call("PUT", f"/api/v1/groups/{gid}/cards/me", json={
        "values": {"name": "王芳", "phone": "13700137000", "city": "上海"}, "public": True})
    assert saved.status_code == 201, saved.get_json()


def build_group(group_with, kinds=("poll", "relay", "notice", "checkin", "event", "card")):
    gid, owner, people = group_with(members=["小明妈妈", "李四"], admins=["管理员"],
                                    join_question="孩子？", description="每周跑步")
    builders = {"poll": build_polls, "relay": build_relay, "notice": build_notice,
                "checkin": build_habit, "event": build_event, "card": build_cards}
    for kind in kinds:
        builders[kind](owner, gid, people)
    return gid, owner, people


def test_a_group_survives_export_and_import_into_an_empty_database(app, group_with, user):
    gid, owner, _ = build_group(group_with)
    first = export_zip(owner, gid)
    document, pictures, csvs = read_zip(first)
    assert document["format"] == "grouptools-group" and document["version"] == 1
    assert len(pictures) == 4 and all(name.endswith(".jpg") for name in pictures)
    assert "token" not in str(document) and "secret" not in str(document)
    kinds = [widget["kind"] for widget in document["widgets"]]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "poll": 3, "relay": 1, "notice": 2, "checkin": 1, "event": 1, "card": 1}
    assert document["not_included"] == []
    assert len(csvs) == 8  # every kind's own CSV export; habits have none
    assert "13800138000" in "".join(csvs.values())  # a private field: the owner sees it
    assert "13700137000" in "".join(csvs.values())
    assert "小明妈妈" not in str([w for w in document["widgets"]
                                if w["data"].get("anonymous")])  # a secret ballot: counts

    wipe_database(app)
    newcomer = user("群主")  # the owner, on the other server
    answer = import_zip(newcomer, first)
    assert answer.status_code == 201, str(answer.get_json())
    new_gid = answer.get_json()["id"]
    assert answer.get_json()["role"] == "owner" and answer.get_json()["name"] == "跑步群"

    second_document, second_pictures, second_csvs = read_zip(export_zip(newcomer, new_gid))
    assert without_times(second_document) == without_times(document)
    assert second_pictures == pictures  # byte for byte
    assert set(second_csvs) == set(csvs)


def test_importing_the_same_file_twice_makes_two_groups(group_with, user):
    gid, owner, _ = build_group(group_with)
    data = export_zip(owner, gid)
    importer = user("新群主")
    first, second = import_zip(importer, data), import_zip(importer, data)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] != second.get_json()["id"]
    mine = importer.get("/api/v1/me").get_json()["groups"]
    assert len(mine) == 2 and all(g["role"] == "owner" for g in mine)


def test_imported_members_are_placeholders_handed_out_with_one_time_links(app, group_with, user):
    gid, owner, _ = build_group(group_with, kinds=("relay",))
    data = export_zip(owner, gid)
    importer = user("群主")
    new_gid = import_zip(importer, data).get_json()["id"]
    members = {m["name"]: m for m in importer.get(f"/api/v1/groups/{new_gid}/members").get_json()}
    assert set(members) == {"群主", "小明妈妈", "李四", "管理员"}
    assert members["管理员"]["role"] == "admin"
    assert [name for name, m in members.items() if not m["placeholder"]] == ["群主"]
    for name in ("小明妈妈", "管理员"):
        link = importer.post(f"/api/v1/groups/{new_gid}/members/{members[name]['member_id']}/signin-link")
        assert link.status_code == 201, link.get_json()
        phone = app.test_client()
        secret_path = link.get_json()["url"].split("://", 1)[1].split("/", 1)[1]
        page = phone.get(f"/{secret_path}")
        assert page.status_code == 200
    # The relay's entries are theirs: the placeholder holds 小明妈妈's place No. 1.
    relay = next(w for w in importer.get(f"/api/v1/groups/{new_gid}/export.json").get_json()
                 ["widgets"]["relays"])
    assert [e["name"] for e in relay["entries"] if e["status"] == "confirmed"] == ["小明妈妈"]


def test_only_the_owner_downloads_the_zip(group_with, user):
    gid, owner, people = group_with(members=["甲"], admins=["管理员"])
    path = f"/api/v1/groups/{gid}/export.zip"
    assert people["管理员"][0].get(path).status_code == 403
    assert people["甲"][0].get(path).status_code == 403
    assert user("路人").get(path).status_code == 404
    link = f'href="{path}"'
    assert link in owner.get(f"/g/{gid}/settings").get_data(as_text=True)
    # What the zip cannot carry is said beside the button, in the reader's language.
    for language, words in (("en", "Close secret ballots before moving"),
                            ("zh-CN", "迁移前请先截止无记名投票")):
        page = owner.get(f"/g/{gid}/settings", headers={"Accept-Language": language})
        assert words in page.get_data(as_text=True)
    assert link not in people["管理员"][0].get(f"/g/{gid}/settings").get_data(as_text=True)


def test_the_imported_widgets_go_on_working(app, group_with, user):
    gid, owner, _ = build_group(group_with, kinds=("poll", "relay"))
    importer = user("群主")
    new_gid = import_zip(importer, export_zip(owner, gid)).get_json()["id"]
    newcomer = user("新来的")
    assert newcomer.post(f"/api/v1/groups/{new_gid}/join", json={"answer": "朋友"}).status_code == 201
    widgets = importer.get(f"/api/v1/groups/{new_gid}/export.json").get_json()["widgets"]
    relay = widgets["relays"][0]
    # The list is full (1 place, 小明妈妈): the newcomer waits behind 李四, second in line.
    entry = newcomer.post(f"/api/v1/relays/{relay['id']}/entries", json={
        "values": {"phone": "13600136000"}})
    assert entry.status_code == 201 and entry.get_json()["status"] == "waitlisted"
    assert entry.get_json()["waitlist_position"] == 2
    poll = next(p for p in widgets["polls"] if p["title"] == "周末活动")
    vote = newcomer.post(f"/api/v1/polls/{poll['id']}/votes",
                         json={"option_ids": [poll["options"][0]["id"]]})
    assert vote.status_code in (200, 201)
    results = importer.get(f"/api/v1/polls/{poll['id']}").get_json()
    assert results["voter_count"] == 2 and results["results"]["options"][0]["votes"] == 2


def test_the_imported_card_folder_finds_its_cards(group_with, user):
    gid, owner, _ = build_group(group_with, kinds=("card",))
    importer = user("群主")
    new_gid = import_zip(importer, export_zip(owner, gid)).get_json()["id"]
    for query, found in (("上海", ["王芳"]), ("芳", ["王芳"]), ("北京", []), ("137001", ["王芳"])):
        cards = importer.get(f"/api/v1/groups/{new_gid}/cards", query_string={"q": query})
        assert cards.status_code == 200, cards.get_json()
        assert [card["display_name"] for card in cards.get_json()] == found, query


def test_an_imported_notice_counts_its_receipts_as_before(group_with, user):
    gid, owner, _ = build_group(group_with, kinds=("notice",))

    def counts(person, group_id):
        notices = person.get(f"/api/v1/groups/{group_id}/export.json").get_json()["widgets"]
        answers = [person.get(f"/api/v1/notices/{n['id']}/receipts").get_json()
                   for n in notices["notices"]]
        return sorted((a["audience_count"], a["viewed_count"], a["confirmed_count"])
                      for a in answers)

    before = counts(owner, gid)
    assert any(confirmed for *_, confirmed in before)
    importer = user("群主")
    new_gid = import_zip(importer, export_zip(owner, gid)).get_json()["id"]
    assert counts(importer, new_gid) == before


def test_deleting_an_imported_group_takes_its_placeholder_people_too(app, group_with, user):
    from sqlalchemy import func, select

    from grouptools.core.models import Person
    from grouptools.extensions import db

    def names():
        with app.app_context():
            return sorted(db.session.scalars(select(Person.name)).all())

    gid, owner, _ = build_group(group_with, kinds=("relay",))
    data = export_zip(owner, gid)
    importer = user("新群主")
    before = names()
    new_gid = import_zip(importer, data).get_json()["id"]
    assert len(names()) == len(before) + 3  # 小明妈妈, 李四 and 管理员 wait as placeholders
    # 李四 takes their place on a new phone: the person the import made for it goes.
    members = {m["name"]: m for m in importer.get(f"/api/v1/groups/{new_gid}/members").get_json()}
    url = importer.post(f"/api/v1/groups/{new_gid}/members/{members['李四']['member_id']}"
                        "/signin-link").get_json()["url"]
    phone = app.test_client()
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert phone.get(path).status_code == 200
    token = phone.get("/api/v1/csrf").get_json()["csrf_token"]
    assert phone.post(path, headers={"X-CSRFToken": token}).status_code == 303
    assert len(names()) == len(before) + 3  # the phone's new person instead of the placeholder
    assert phone.get(f"/g/{new_gid}").status_code == 200
    assert importer.delete(f"/api/v1/groups/{new_gid}").status_code == 204
    left = names()
    assert "小明妈妈" in before and left.count("小明妈妈") == before.count("小明妈妈")
    assert left.count("管理员") == before.count("管理员")
    assert left.count("李四") == before.count("李四") + 1  # the phone's person, in no group now
    with app.app_context():
        assert db.session.scalar(select(func.count(Person.id))) == len(left)
