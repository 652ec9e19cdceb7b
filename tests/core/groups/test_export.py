"""The owner takes the whole group away: JSON with every widget, members as CSV."""
import csv
import io


def test_the_owner_exports_the_group_with_members_and_every_widget(group_with):
    gid, owner, people = group_with(members=["小明妈妈"], admins=["管理员"], join_question="孩子？")
    member = people["小明妈妈"][0]
    poll = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "周末去哪儿", "options": [{"text": "公园"}, {"text": "博物馆"}]}).get_json()
    member.post(f"/api/v1/polls/{poll['id']}/votes", json={"option_ids": [poll["options"][1]["id"]]})
    secret = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "匿名评分", "anonymous": True,
        "options": [{"text": "好"}, {"text": "一般"}]}).get_json()
    member.post(f"/api/v1/polls/{secret['id']}/votes", json={"option_ids": [secret["options"][0]["id"]]})
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "周六羽毛球", "capacity": 4,
        "fields": [{"key": "phone", "label": "手机号", "type": "phone", "private": True}]}).get_json()
    member.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {"phone": "13800138000"}})

    response = owner.get(f"/api/v1/groups/{gid}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["group"]["name"] == "跑步群" and data["group"]["join_question"] == "孩子？"
    assert {m["name"] for m in data["members"]} == {"群主", "小明妈妈", "管理员"}
    assert all("last_active_at" in m and "answer" in m for m in data["members"])

    polls = {p["title"]: p for p in data["widgets"]["polls"]}
    open_votes = {o["id"]: o["votes"] for o in polls["周末去哪儿"]["results"]["options"]}
    assert open_votes[poll["options"][1]["id"]] == 1
    # A secret ballot's one ballot waits, sealed, for a batch of 5 or the close.
    secret_results = polls["匿名评分"]["results"]
    assert secret_results["options"][0]["votes"] == 0 and secret_results["pending"] == 1
    assert "小明妈妈" not in str(polls["匿名评分"])  # a secret ballot stays counts only

    relays = data["widgets"]["relays"]
    assert relays[0]["entries"][0]["values"]["phone"] == "13800138000"  # the owner manages it


def test_members_csv_opens_in_a_spreadsheet_with_chinese_names(group_with):
    gid, owner, _ = group_with(members=["小明妈妈"], join_question="孩子？")
    response = owner.get(f"/api/v1/groups/{gid}/export.csv", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "名字"
    assert [row[0] for row in rows[1:]] == ["群主", "小明妈妈"]
    assert rows[2][5] == "朋友介绍"


def test_only_the_owner_exports(group_with, user):
    gid, _, people = group_with(members=["甲"], admins=["管理员"])
    for path in (f"/api/v1/groups/{gid}/export.json", f"/api/v1/groups/{gid}/export.csv"):
        assert people["管理员"][0].get(path).status_code == 403
        assert people["甲"][0].get(path).status_code == 403
        assert user("路人").get(path).status_code == 404


def test_the_settings_page_offers_the_export_to_the_owner_only(group_with):
    gid, owner, people = group_with(admins=["管理员"])
    link = f'href="/api/v1/groups/{gid}/export.json"'
    assert link in owner.get(f"/g/{gid}/settings").get_data(as_text=True)
    assert link not in people["管理员"][0].get(f"/g/{gid}/settings").get_data(as_text=True)
