"""Names, nicknames, titles and options must show something (issue 15, "Input"):
invisible characters are taken out, the rest normalised, then the length rules apply."""
import unicodedata

import pytest

from grouptools.core.visibletext import clean_visible_text, has_visible_character
from tests.card.conftest import make_cards  # noqa: F401 (fixture)
from tests.core.groups.test_views import ZH, submit

ZWSP = "\u200b"
EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("typed, kept", [
    ("\ufeff张三\u200b", "张三"),
    ("\u202e\u2066Alice\u2069", "Alice"),         # bidi override and isolate
    ("  王\n\t老师  ", "王 老师"),                 # a line break is a space, one space
    ("e\u0301cole", "\u00e9cole"),                # NFC: é as one character
    ("👨\u200d👩\u200d👧 家", "👨\u200d👩\u200d👧 家"),  # the joiner glues an emoji family
    ("a\x07b", "ab"),
])
def test_invisible_characters_are_taken_out_and_the_text_normalised(typed, kept):
    cleaned = clean_visible_text(typed)
    assert cleaned == kept
    assert unicodedata.is_normalized("NFC", cleaned)


@pytest.mark.parametrize("blank", [ZWSP * 2, "\u200e\u200f", "\u3164", " \u2800 ", "\u0301"])
def test_text_that_draws_nothing_has_no_visible_character(blank):
    assert not has_visible_character(clean_visible_text(blank))


@pytest.mark.parametrize("headers, message", [
    (EN, "Type at least one visible character"),
    (ZH, "请至少输入一个可见的字符"),
])
def test_a_name_of_two_zero_width_spaces_is_refused_with_a_message(client, headers, message):
    answer = client.post("/api/v1/people", json={"name": ZWSP * 2}, headers=headers)
    assert answer.status_code == 422
    assert message in answer.get_json()["errors"]["json"]["name"][0]


def test_names_are_stored_without_their_invisible_characters(user):
    person = user(f"{ZWSP}张三\u202e")
    assert person.name == "张三"
    assert person.get("/api/v1/me").get_json()["name"] == "张三"


def test_length_rules_count_what_is_left_after_cleaning(client):
    # 40 visible characters with zero-width spaces between them: fits a 40-character name.
    name = ZWSP.join("张" * 40)
    answer = client.post("/api/v1/people", json={"name": name})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["name"] == "张" * 40


def test_group_names_nicknames_titles_and_options_must_show_something(group_with, user):
    gid, owner, _ = group_with()
    blank = ZWSP * 2
    assert owner.post("/api/v1/groups", json={"name": blank}).status_code == 422
    joiner = user("李四")
    joined = joiner.post(f"/api/v1/groups/{gid}/join", json={"nickname": "\u3164"})
    assert joined.status_code == 422
    assert "visible" in joined.get_json()["errors"]["json"]["nickname"][0]
    poll = owner.post(f"/api/v1/groups/{gid}/polls",
                      json={"title": "周末去哪", "options": [{"text": "爬山"}, {"text": blank}]})
    assert poll.status_code == 422
    assert "visible" in str(poll.get_json()["errors"]["json"]["options"])
    for kind, extra in (("polls", {"options": [{"text": "a"}, {"text": "b"}]}),
                        ("relays", {}), ("notices", {})):
        answer = owner.post(f"/api/v1/groups/{gid}/{kind}", json={"title": blank, **extra})
        assert answer.status_code == 422, kind
        assert "visible" in answer.get_json()["errors"]["json"]["title"][0]


def test_a_relay_reply_of_zero_width_spaces_counts_as_empty(group_with):
    gid, owner, people = group_with(members=["李四"])
    member, _ = people["李四"]
    rid = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "周六羽毛球",
        "fields": [{"key": "name", "label": "姓名", "required": True},
                   {"key": "remark", "label": f"{ZWSP}备注{ZWSP}"}]}).get_json()["id"]
    labels = [f["label"] for f in owner.get(f"/api/v1/relays/{rid}").get_json()["fields"]]
    assert labels == ["姓名", "备注"]
    refused = member.post(f"/api/v1/relays/{rid}/entries", json={"values": {"name": ZWSP * 2}},
                          headers=ZH)
    assert refused.status_code == 422
    assert "必填" in str(refused.get_json()["errors"])


@pytest.mark.parametrize("headers, message", [
    (EN, "Type at least one visible character"),
    (ZH, "请至少输入一个可见的字符"),
])
def test_the_join_form_refuses_an_invisible_name_next_to_the_field(app, group_with, headers,
                                                                   message):
    gid, _, _ = group_with()
    phone = app.test_client()
    answer = submit(phone, f"/g/{gid}", f"/g/{gid}/join", {"your_name": ZWSP * 2},
                    headers=headers)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert phone.get("/api/v1/me").status_code == 401  # nobody was created


@pytest.mark.parametrize("headers, reason", [
    (EN, "The name shows as blank"), (ZH, "名字显示为空白"),
])
def test_a_pasted_relay_line_whose_name_is_invisible_is_refused(group_with, headers, reason):
    gid, owner, _ = group_with()
    rid = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "周六羽毛球"}).get_json()["id"]
    pasted = f"#接龙\n周六羽毛球\n1. \u200b张\u200b三\n2. {ZWSP}{ZWSP}\n3. \u202e李四"
    result = owner.post(f"/api/v1/relays/{rid}/import", json={"text": pasted},
                        headers=headers).get_json()
    assert [r["line"] for r in result["rejected"]] == [4]
    assert reason in result["rejected"][0]["reason"]
    names = [e["name"] for e in owner.get(f"/api/v1/relays/{rid}").get_json()["entries"]]
    assert names == ["张三", "李四"]


def test_a_member_cards_introduction_keeps_its_lines(make_cards):  # noqa: F811
    world = make_cards()
    card = world.fill("甲", name="张\u200b三", phone="13800000002",
                      intro="喜欢爬山\n周末常去香山\u202e")
    assert card["values"]["name"] == "张三"
    assert card["values"]["intro"] == "喜欢爬山\n周末常去香山"
