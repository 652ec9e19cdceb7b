"""Every text the app writes for pasting into a chat keeps to one punctuation style: `，：（）`
throughout in Chinese, `,:()` throughout in English (tests/punctuation.py), with the
widget's link at the end."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from grouptools.core.models import Group, Membership
from grouptools.extensions import db
from tests.punctuation import assert_one_style, punctuation_styles

LANGUAGES = {"zh": "zh-CN", "en": "en"}


@pytest.fixture(params=sorted(LANGUAGES))
def language(request):
    return request.param


def asked(person, path, language):
    response = person.get(path, headers={"Accept-Language": LANGUAGES[language]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_style_checker_tells_times_and_links_from_punctuation():
    assert punctuation_styles("时间：2027年3月6日 18:30\nhttp://x.test:5000/r/a?b=1") == {"full-width"}
    assert punctuation_styles("When: Sat, Mar 6, 9:00") == {"ascii"}
    assert punctuation_styles("@甲 请投票：周末 (AA)") == {"ascii", "full-width"}
    assert punctuation_styles("【上午】\n1. 甲 +1") == {"full-width"}
    assert punctuation_styles("#接龙 1. 甲 3/5 …") == set()


def test_relay_text(group_with, language):
    gid, owner, people = group_with(members=["甲", "乙", "丙"])
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "周六羽毛球", "description": "报名从速", "starts_at": "2027-03-06T10:30:00+00:00",
        "place": "北宫门", "waitlist": True, "guests_max": 2,
        "fields": [{"key": "phone", "label": "手机号"}],
        "slots": [{"label": "上午", "capacity": 3}, {"label": "下午", "capacity": 1}]}).get_json()
    morning, afternoon = (slot["id"] for slot in relay["slots"])
    for name, guests, slot in (("甲", 0, afternoon), ("乙", 1, morning), ("丙", 0, afternoon)):
        signed = people[name][0].post(f"/api/v1/relays/{relay['id']}/entries", json={
            "values": {"phone": "13800000000"}, "guests": guests, "slot_id": slot})
        assert signed.status_code == 201, signed.get_json()
    text = asked(owner, f"/api/v1/relays/{relay['id']}/text", language)["text"]
    slot_lines = {"zh": ["【上午】", "【下午】"], "en": ["[上午]", "[下午]"]}[language]
    assert [line for line in text.splitlines() if "午" in line] == slot_lines
    assert "乙 13800000000 +1" in text and text.rstrip().endswith(f"/r/{relay['id']}")
    assert_one_style(text, language)


def test_poll_reminder(group_with, language):
    gid, owner, _ = group_with(members=["甲", "乙"])
    poll = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "周末去哪儿", "options": [{"text": "爬山"}, {"text": "看电影"}]}).get_json()
    text = asked(owner, f"/api/v1/polls/{poll['id']}/results", language)["reminder_text"]
    assert text.endswith(f"/p/{poll['id']}")
    assert_one_style(text, language)


def test_notice_reminder(group_with, language):
    gid, owner, _ = group_with(members=["甲", "乙"])
    notice = owner.post(f"/api/v1/groups/{gid}/notices", json={
        "title": "周六活动改期", "body": "改到周日上午十点"}).get_json()
    text = asked(owner, f"/api/v1/notices/{notice['id']}/receipts", language)["reminder_text"]
    assert text.endswith(f"/n/{notice['id']}")
    assert_one_style(text, language)


def test_card_reminder(group_with, language):
    gid, owner, _ = group_with(members=["甲", "乙"])
    settings = owner.call("PUT", f"/api/v1/groups/{gid}/card-settings",
                          json={"fields": [{"key": "name", "required": True}]})
    assert settings.status_code == 200, settings.get_json()
    text = asked(owner, f"/api/v1/groups/{gid}/cards/incomplete", language)["reminder_text"]
    assert "/f/" in text
    assert_one_style(text, language)


def test_habit_roll_call(group_with, language):
    gid, owner, people = group_with(members=["甲", "乙"])
    habit = owner.post(f"/api/v1/groups/{gid}/habits", json={"title": "晨跑"}).get_json()
    people["甲"][0].post(f"/api/v1/habits/{habit['id']}/checkins", json={})
    text = asked(owner, f"/api/v1/habits/{habit['id']}/stats", language)["roll_call_text"]
    assert text.endswith(f"/h/{habit['id']}")
    assert_one_style(text, language)
    people["乙"][0].post(f"/api/v1/habits/{habit['id']}/checkins", json={})
    owner.post(f"/api/v1/habits/{habit['id']}/checkins", json={})
    everyone = asked(owner, f"/api/v1/habits/{habit['id']}/stats", language)["roll_call_text"]
    assert "@" not in everyone
    assert_one_style(everyone, language)


def test_event_reminder(group_with, language):
    gid, owner, people = group_with(members=["甲", "乙"])
    now = datetime.now(timezone.utc)
    event = owner.post(f"/api/v1/groups/{gid}/events", json={
        "title": "周会", "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat()}).get_json()
    text = asked(owner, f"/api/v1/events/{event['id']}/attendance", language)["reminder_text"]
    assert text.endswith(f"/e/{event['id']}")
    assert_one_style(text, language)


def test_quiet_members_message(app, group_with, language):
    gid, owner, _ = group_with(members=["甲"])
    long_ago = datetime.now(timezone.utc) - timedelta(days=90)
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        quiet = db.session.scalar(select(Membership).where(
            Membership.group_id == group.id, Membership.role == "member"))
        quiet.joined_at = quiet.last_active_at = long_ago
        db.session.commit()
    text = asked(owner, f"/api/v1/groups/{gid}/dashboard", language)["reminder_text"]
    assert text.startswith("@甲 ") and text.endswith(f"/g/{gid}")
    assert_one_style(text, language)


def test_import_reasons(group_with, language):
    """Why each pasted line was refused: its field's label and the field's messages,
    one after the other, in one style ("手机号：…。场次：…。", "手机号: …. Slot: ….")."""
    gid, owner, _ = group_with()
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "周六羽毛球", "guests_max": 1,
        "fields": [{"key": "phone", "label": "手机号", "type": "phone", "required": True}],
        "slots": [{"label": "上午"}, {"label": "下午"}]}).get_json()
    pasted = "#接龙\n周六羽毛球\n1. 甲 123 +3\n【晚上】\n1. 乙\n大家好"
    answer = owner.post(f"/api/v1/relays/{relay['id']}/import", json={"text": pasted},
                        headers={"Accept-Language": LANGUAGES[language]})
    reasons = [line["reason"] for line in answer.get_json()["rejected"]]
    assert len(reasons) == 3
    assert reasons[0].startswith({"zh": "手机号：", "en": "手机号: "}[language])
    assert {"zh": "。同行人数：", "en": ". Guests: "}[language] in reasons[0]
    for reason in reasons:
        assert_one_style(reason, language)
