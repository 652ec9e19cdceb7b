"""A notice's poster (grouptools/notice/poster.py): whether members confirm, and by when;
never the body, which only its audience reads."""
from datetime import timedelta

from grouptools.core.timeutil import utcnow
from tests.kinds import poster_facts_of


def test_the_confirmation_and_its_deadline_without_the_body(app, group_with):
    gid, owner, _ = group_with()
    deadline = (utcnow() + timedelta(days=1)).isoformat()
    nid = owner.post(f"/api/v1/groups/{gid}/notices", json={
        "title": "周六活动通知", "body": "东门集合，带上身份证", "deadline": deadline}).get_json()["id"]
    facts = [text for text, _ in poster_facts_of(app, "notice", nid, "zh_Hans")]
    assert facts[0] == "需要成员确认收到"
    assert facts[1].startswith("请在 ") and facts[1].endswith(" 前确认收到")
    assert not any("身份证" in text for text in facts)
