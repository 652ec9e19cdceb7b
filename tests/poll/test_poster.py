"""A poll's poster (grouptools/poll/poster.py): in an open group the options a stranger
may see — pictures with captions on a picture poll —, in a group that approves its
members only how many; how to choose, secrecy and the deadline."""
from datetime import timedelta

from grouptools.core.timeutil import utcnow
from tests.kinds import poster_facts_of
from tests.poll.conftest import upload_picture


def test_an_open_groups_picture_poll_shows_each_option_picture_with_its_caption(app, user):
    owner = user("群主")
    gid = owner.post("/api/v1/groups", json={"name": "摄影群", "join_policy": "open"}).get_json()["id"]
    images = [upload_picture(owner, gid, colour) for colour in ((200, 0, 0), (0, 0, 200))]
    deadline = (utcnow() + timedelta(days=2)).isoformat()
    pid = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "哪张做封面", "options": [{"text": "红", "image_id": images[0]},
                                          {"image_id": images[1]}],
        "deadline": deadline}).get_json()["id"]
    facts = poster_facts_of(app, "poll", pid, "zh_Hans")
    assert facts[:2] == [("红", True), ("图片 2", True)]
    assert facts[2] == ("选一项。", False)
    assert any(text.startswith("投票截止 ") for text, _ in facts)


def test_an_open_groups_text_poll_lists_its_options(app, user):
    owner = user("群主")
    gid = owner.post("/api/v1/groups", json={"name": "书友会", "join_policy": "open"}).get_json()["id"]
    pid = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "下本读什么", "multiple": True, "max_choices": 2, "anonymous": True,
        "options": [{"text": t} for t in ("三体", "活着", "围城", "红楼梦", "边城")]}).get_json()["id"]
    facts = [text for text, _ in poster_facts_of(app, "poll", pid)]
    assert facts[0] == "三体 · 活着 · 围城 · 红楼梦 …"
    assert "Choose 1 to 2." in facts
    assert "Secret ballot: nobody sees who chose what" in facts


def test_a_group_that_approves_its_members_keeps_the_options_off_the_poster(app, user):
    owner = user("群主")
    gid = owner.post("/api/v1/groups", json={"name": "家长群", "join_policy": "approval"}
                     ).get_json()["id"]
    image = upload_picture(owner, gid)
    pid = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "春游去哪", "options": [{"text": "动物园", "image_id": image}, {"text": "植物园"}]}
    ).get_json()["id"]
    facts = poster_facts_of(app, "poll", pid)
    assert facts[0] == ("2 options", False)
    assert not any(pictured for _, pictured in facts)
    assert not any("动物园" in text or "植物园" in text for text, _ in facts)
