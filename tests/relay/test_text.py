"""The chat-text round trip: the `#接龙` text of a list, and a relay pasted from a chat
read back into typed entries, every refused line with its reason."""
import html
import re

import pytest

from tests.core.groups.test_views import submit
from tests.punctuation import assert_one_style
from tests.relay.conftest import listing, sign_up

FIELDS = [{"key": "phone", "label": "手机号", "type": "phone", "required": True},
          {"key": "note", "label": "备注"}]

# What a group's chat looks like after an afternoon of people re-pasting the relay.
PASTED = """#接龙
周六香山徒步
早上8点北宫门集合，AA车费
例 张三 13800000000 备注

1. 王芳 13800000001 +1
2、李雷 13800000002 带水
3）韩梅梅 13800000003
4. 赵四 1380000000
5. 钱五
6 孙六 13800000006 -
(7) 周七 13800000007 第一次参加
8：吴八 13800000008
９．郑九 13800000009
10. 冯十 13800000010 +5
大家好我也想去
11. 陈一 13800000011
12.
13. 褚二 13800000013 带相机 +2
14. 卫三 13800000014
15. 蒋四 13800000015
16. 沈五 13800000016
17. 韩六 13800000017
18. 杨七 13800000018
19. 朱八 13800000019
20. 秦九 13800000020 晚到半小时
21. 尤十 13800000021
22. 许一 13800000022
23. 何二 13800000023
24. 吕三 13800000024
25. 施四 13800000025
26. 王芳 13800000001 +1
27. 张五 abc
候补
1. 孔六 13800000026
2. 曹七 13800000027
"""
VALID = ["王芳 13800000001 +1", "李雷 13800000002 带水", "韩梅梅 13800000003",
         "孙六 13800000006", "周七 13800000007 第一次参加", "吴八 13800000008",
         "郑九 13800000009", "陈一 13800000011", "褚二 13800000013 带相机 +2",
         *[f"{name} 138000000{n}" for n, name in zip(range(14, 26), "卫三 蒋四 沈五 韩六 杨七 朱八 秦九 尤十 许一 何二 吕三 施四".split())],
         "孔六 13800000026", "曹七 13800000027"]
VALID[VALID.index("秦九 13800000020")] = "秦九 13800000020 晚到半小时"
REJECTED_LINES = {"4. 赵四 1380000000": "手机号", "5. 钱五": "手机号", "10. 冯十 13800000010 +5": "Guests",
                  "大家好我也想去": "No number", "12.": "Nothing after the number",
                  "26. 王芳 13800000001 +1": "Already on the list", "27. 张五 abc": "手机号"}


def without_number(line):
    return re.sub(r"^\d+\. ", "", line)


def test_a_pasted_relay_of_30_lines_imports_and_the_text_gives_the_valid_ones_back(relay_with):
    rid, owner, _, _ = relay_with(title="周六香山徒步", capacity=20, guests_max=2, fields=FIELDS)
    response = owner.post(f"/api/v1/relays/{rid}/import", json={"text": PASTED})
    assert response.status_code == 200
    result = response.get_json()
    assert len(PASTED.splitlines()) > 30
    rejected = {r["text"]: r["reason"] for r in result["rejected"]}
    assert set(rejected) == set(REJECTED_LINES)
    for line, reason in REJECTED_LINES.items():
        assert reason in rejected[line], (line, rejected[line])
    assert [r["line"] for r in result["rejected"]] == sorted(r["line"] for r in result["rejected"])
    assert len(result["created"]) == len(VALID)
    # 20 places: guests count, so the last few wait.
    statuses = [c["status"] for c in result["created"]]
    assert statuses.count("confirmed") == 17 and statuses.count("waitlisted") == 6

    text = owner.get(f"/api/v1/relays/{rid}/text").get_json()["text"]
    lines = text.splitlines()
    assert lines[:3] == ["#Sign-up", "周六香山徒步", ""]
    # It ends with the relay's link: people in the chat tap through to sign up.
    assert lines[-2:] == ["", f"http://localhost/r/{rid}"]
    entries = [line for line in lines if re.match(r"^\d+\. ", line)]
    assert [without_number(line) for line in entries] == VALID
    assert "Waitlist" in lines
    assert entries[0] == "1. 王芳 13800000001 +1" and entries[16].startswith("17. ")
    assert lines[lines.index("Waitlist") + 1] == "1. " + VALID[17]

    # Pasting the list back changes nothing: every line is already on it.
    again = owner.post(f"/api/v1/relays/{rid}/import", json={"text": text}).get_json()
    assert again["created"] == []
    assert {r["reason"] for r in again["rejected"]} == {"Already on the list."}


def test_imported_entries_carry_the_line_name_and_belong_to_the_importer(relay_with):
    rid, owner, people, _ = relay_with(members=["甲"], capacity=2)
    owner.post(f"/api/v1/relays/{rid}/import", json={"text": "1. 老王\n2. Mary Lee"})
    assert listing(owner, rid) == (["老王", "Mary Lee"], [])
    relay = owner.get(f"/api/v1/relays/{rid}").get_json()
    assert all(e["ticket_url"] for e in relay["entries"])  # the importer holds them
    assert sign_up(people["甲"], rid).get_json()["status"] == "waitlisted"
    assert relay["log"][0]["text"] == "An organiser imported 2 entries from chat text"


def test_the_text_has_slots_and_a_waitlist_and_never_private_fields(relay_with):
    rid, owner, people, _ = relay_with(
        members=["甲", "乙", "丙"], description="带一个菜",
        fields=[{"key": "phone", "label": "手机号", "type": "phone", "private": True},
                {"key": "dish", "label": "菜名"}],
        slots=[{"label": "凉菜", "capacity": 1}, {"label": "热菜", "capacity": 2}])
    cold, hot = (s["id"] for s in owner.get(f"/api/v1/relays/{rid}").get_json()["slots"])
    sign_up(people["甲"], rid, slot_id=cold, values={"phone": "13800000001", "dish": "拍黄瓜"})
    sign_up(people["乙"], rid, slot_id=cold, values={"phone": "13800000002"})
    sign_up(people["丙"], rid, slot_id=hot, values={"dish": "红烧肉"})
    text = people["丙"].get(f"/api/v1/relays/{rid}/text").get_json()["text"]
    assert text == ("#Sign-up\n周六羽毛球\n带一个菜\n\n[凉菜]\n1. 甲 拍黄瓜\nWaitlist\n1. 乙\n\n"
                    f"[热菜]\n1. 丙 红烧肉\n\nhttp://localhost/r/{rid}\n")
    chinese = people["丙"].get(f"/api/v1/relays/{rid}/text", headers={"Accept-Language": "zh-CN"})
    assert chinese.get_json()["text"] == (
        "#接龙\n周六羽毛球\n带一个菜\n\n【凉菜】\n1. 甲 拍黄瓜\n候补\n1. 乙\n\n"
        f"【热菜】\n1. 丙 红烧肉\n\nhttp://localhost/r/{rid}\n")
    assert "138" not in owner.get(f"/api/v1/relays/{rid}/text").get_json()["text"]
    # Imported lines find their slot by the 【】 or [] line above them.
    pasted = "1. 没有分组的人\n[热菜]\n1. 丁 鱼香肉丝\n【甜点】\n1. 戊 蛋糕"
    result = owner.post(f"/api/v1/relays/{rid}/import", json={"text": pasted}).get_json()
    assert [r["line"] for r in result["rejected"]] == [1, 5]
    assert all("Slot: " in r["reason"] for r in result["rejected"])
    assert result["created"][0]["number"] == 2
    assert listing(owner, rid) == (["甲", "丙", "丁"], ["乙"])


def test_numbered_line_styles_and_what_is_not_an_entry(relay_with):
    rid, owner, _, _ = relay_with()
    pasted = "\n".join([
        "#接龙", "活动说明：1.5小时", "2026年12月1日集合", "10:00 出发",
        "1. 甲", "2、乙", "3) 丙", "4）丁", "(5) 戊", "（6）己", "7：庚", "8 辛", "９．壬", "10-癸",
        "", "候补：", "候补1. 子",
    ])
    result = owner.post(f"/api/v1/relays/{rid}/import", json={"text": pasted}).get_json()
    assert result["rejected"] == []
    assert listing(owner, rid)[0] == ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子"]


def test_import_validates_its_body(relay_with):
    rid, owner, _, _ = relay_with()
    for body in ({}, {"text": ""}, {"text": "x" * 50_001}, {"text": "1. \x00"}):
        assert owner.post(f"/api/v1/relays/{rid}/import", json=body).status_code == 422, body


def test_a_full_list_without_waitlist_reports_the_lines_that_did_not_fit(relay_with):
    rid, owner, _, _ = relay_with(capacity=1, waitlist=False)
    result = owner.post(f"/api/v1/relays/{rid}/import", json={"text": "1. 甲\n2. 乙"}).get_json()
    assert [c["status"] for c in result["created"]] == ["confirmed"]
    assert result["rejected"] == [{"line": 2, "text": "2. 乙",
                                   "reason": "The list is full, and it has no waitlist."}]


def test_names_with_spaces_in_quotes_and_choices_in_any_case_or_width(relay_with):
    rid, owner, _, _ = relay_with(fields=[
        {"key": "size", "label": "尺码", "type": "choice", "choices": ["S", "M", "XL"]},
        {"key": "note", "label": "备注"}])
    pasted = '1. "Mary Ann" s 素食\n2. “张 三” ＸＬ\n3. 「李四」 m\n4. 王五 XXL'
    result = owner.post(f"/api/v1/relays/{rid}/import", json={"text": pasted}).get_json()
    assert [r["line"] for r in result["rejected"]] == [4]
    assert "Choose one of: S / M / XL." in result["rejected"][0]["reason"]
    entries = owner.get(f"/api/v1/relays/{rid}").get_json()["entries"]
    assert [(e["name"], e["values"]["size"]) for e in entries] == [
        ("Mary Ann", "S"), ("张 三", "XL"), ("李四", "M")]
    assert entries[0]["values"]["note"] == "素食"


def test_choices_that_differ_only_in_case_or_width_are_one_choice(relay_with):
    _, owner, _, gid = relay_with()
    refused = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "x", "fields": [
        {"key": "size", "label": "尺码", "type": "choice", "choices": ["S", "ｓ"]}]})
    assert refused.status_code == 422


IMPORT_PAGE = {
    "zh": ({"Accept-Language": "zh-CN"}, "已加入 2 条接龙。", "尺码：请从以下选项中选择：S / M / XL。"),
    "en": ({"Accept-Language": "en"}, "2 entries added to the list.",
           "尺码: Choose one of: S / M / XL."),
}


@pytest.mark.parametrize("language", sorted(IMPORT_PAGE))
def test_the_import_page_keeps_refused_lines_with_their_reasons(relay_with, language):
    """On the organiser's page, in either language: quoted names and choices in any case
    or width go in, a refused line stays in the box to fix, its reason in one style."""
    headers, added, reason = IMPORT_PAGE[language]
    rid, owner, _, _ = relay_with(fields=[
        {"key": "size", "label": "尺码", "type": "choice", "choices": ["S", "M", "XL"]}])
    manage = f"/r/{rid}/manage"
    pasted = '#接龙\n周六羽毛球\n1. "Mary Ann" s\n2. “张 三” ＸＬ\n3. 王五 XXL'
    answer = submit(owner, manage, f"/r/{rid}/import", {"text": pasted}, headers=headers)
    assert answer.status_code == 200
    page = html.unescape(answer.get_data(as_text=True))
    assert added in page and reason in page
    assert_one_style(reason, language)
    retry = re.search(r'<textarea[^>]*name="text"[^>]*>([^<]*)</textarea>', page)
    assert retry and retry.group(1).strip() == "3. 王五 XXL"
    entries = owner.get(f"/api/v1/relays/{rid}").get_json()["entries"]
    assert [(e["name"], e["values"]["size"]) for e in entries] == [("Mary Ann", "S"), ("张 三", "XL")]
