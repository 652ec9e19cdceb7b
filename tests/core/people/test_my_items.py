""""Me" lists what waits for the person in all their groups — polls not voted in,
places and waitlist positions, notices to confirm, today's check-ins — through every
widget kind's my_open_items hook, newest first, in the same few statements however
many groups and widgets there are."""
import re
from datetime import timedelta

from grouptools.core.timeutil import utcnow
from tests.conftest import statements_run

OPTIONS = [{"text": "爬山"}, {"text": "看电影"}]


def items(member, lang="zh-CN"):
    response = member.get("/api/v1/me/items", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_json()["items"]


def by_title(member, lang="zh-CN"):
    return {item["title"]: item for item in items(member, lang)}


def joined(owner_gid, person):
    assert person.post(f"/api/v1/groups/{owner_gid}/join", json={}).status_code in (200, 201)


def test_me_lists_open_things_of_every_kind_from_every_group(group_with, user):
    gid, owner, people = group_with(members=["小明"])
    member = people["小明"][0]
    other_owner = user("二群主")
    other = other_owner.post("/api/v1/groups", json={"name": "读书会"}).get_json()["id"]
    joined(other, member)

    poll = owner.post(f"/api/v1/groups/{gid}/polls",
                      json={"title": "周末去哪儿", "options": OPTIONS}).get_json()
    voted = owner.post(f"/api/v1/groups/{gid}/polls",
                       json={"title": "已投过", "options": OPTIONS}).get_json()
    member.post(f"/api/v1/polls/{voted['id']}/votes",
                json={"option_ids": [voted["options"][0]["id"]]})
    closed = owner.post(f"/api/v1/groups/{gid}/polls",
                        json={"title": "已结束", "options": OPTIONS}).get_json()
    owner.post(f"/api/v1/polls/{closed['id']}/close")
    notice = owner.post(f"/api/v1/groups/{gid}/notices",
                        json={"title": "周六集合", "body": "九点东门"}).get_json()
    habit = owner.post(f"/api/v1/groups/{gid}/habits", json={"title": "每天跑步"}).get_json()
    relay = other_owner.post(f"/api/v1/groups/{other}/relays",
                             json={"title": "读书会报名", "capacity": 5}).get_json()
    member.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}})

    mine = by_title(member)
    assert set(mine) == {"周末去哪儿", "周六集合", "每天跑步", "读书会报名"}
    assert mine["周末去哪儿"]["kind"] == "poll" and mine["周末去哪儿"]["state"] == "还没投票"
    assert mine["周末去哪儿"]["group"] == "跑步群"
    assert mine["周六集合"]["kind"] == "notice" and mine["周六集合"]["state"] == "请确认"
    assert mine["每天跑步"]["kind"] == "checkin" and mine["每天跑步"]["state"] == "今天待打卡"
    assert mine["读书会报名"] == {**mine["读书会报名"], "kind": "relay", "group": "读书会",
                              "state": "1号", "news": False}
    assert mine["读书会报名"]["url"].endswith(f"/r/{relay['id']}#mine")
    # Newest first.
    times = [item["at"] for item in items(member)]
    assert times == sorted(times, reverse=True)

    # Acting takes a line off the list.
    member.post(f"/api/v1/polls/{poll['id']}/votes", json={"option_ids": [poll["options"][1]["id"]]})
    member.post(f"/api/v1/notices/{notice['id']}/confirm")
    member.post(f"/api/v1/habits/{habit['id']}/checkins", json={})
    assert set(by_title(member, "en")) == {"读书会报名"}
    assert by_title(member, "en")["读书会报名"]["state"] == "No. 1"


def test_a_waitlist_place_and_moving_up(group_with):
    gid, owner, people = group_with(members=["小明", "小红"])
    first, second = people["小明"][0], people["小红"][0]
    relay = owner.post(f"/api/v1/groups/{gid}/relays",
                       json={"title": "羽毛球", "capacity": 1}).get_json()
    entry = first.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}}).get_json()
    second.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}})
    assert by_title(second)["羽毛球"]["state"] == "候补1"
    assert by_title(second, "en")["羽毛球"]["state"] == "Waitlist 1"

    first.delete(f"/api/v1/relays/{relay['id']}/entries/{entry['id']}")
    moved = by_title(second, "en")["羽毛球"]
    assert moved["news"] is True
    assert moved["state"] == "You moved up from the waitlist: No. 1"
    assert by_title(second)["羽毛球"]["state"] == "你从候补转正了：1号"
    assert items(first) == []


def test_moving_up_is_news_for_a_few_days_only(app, group_with):
    from grouptools.extensions import db
    from grouptools.relay.models import RelayEntry, RelayLog

    gid, owner, people = group_with(members=["小明", "小红"])
    first, second = people["小明"][0], people["小红"][0]
    relay = owner.post(f"/api/v1/groups/{gid}/relays",
                       json={"title": "羽毛球", "capacity": 1}).get_json()
    entry = first.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}}).get_json()
    second.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}})
    first.delete(f"/api/v1/relays/{relay['id']}/entries/{entry['id']}")
    with app.app_context():
        long_ago = utcnow() - timedelta(days=4)
        for row in db.session.scalars(db.select(RelayEntry)):
            row.confirmed_at = long_ago
        for row in db.session.scalars(db.select(RelayLog)):
            row.created_at = long_ago
        db.session.commit()
    assert by_title(second, "en")["羽毛球"] == {**by_title(second, "en")["羽毛球"],
                                               "state": "No. 1", "news": False}


def test_moving_to_a_free_slot_is_not_moving_up(group_with):
    """Only a promotion the log records counts: a member who moves their own waiting
    entry to a slot with room did not "move up"."""
    gid, owner, people = group_with(members=["小明", "小红"])
    first, second = people["小明"][0], people["小红"][0]
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "值日", "slots": [{"label": "上午", "capacity": 1},
                                 {"label": "下午", "capacity": 1}]}).get_json()
    morning, afternoon = (slot["id"] for slot in relay["slots"])
    first.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}, "slot_id": morning})
    waiting = second.post(f"/api/v1/relays/{relay['id']}/entries",
                          json={"values": {}, "slot_id": morning}).get_json()
    assert by_title(second, "en")["值日"]["state"] == "上午 · Waitlist 1"
    second.patch(f"/api/v1/relays/{relay['id']}/entries/{waiting['id']}",
                 json={"slot_id": afternoon})
    line = by_title(second, "en")["值日"]
    assert line["state"] == "下午 · No. 1" and line["news"] is False


def test_pending_and_departed_members_see_nothing_of_the_group(group_with, user):
    gid, owner, people = group_with(members=["小明"], join_policy="approval")
    owner.post(f"/api/v1/groups/{gid}/polls", json={"title": "投票", "options": OPTIONS})
    pending = people["小明"][0]
    assert items(pending) == []
    stranger = user("路人")
    assert items(stranger) == []
    assert stranger.client.get("/api/v1/me/items").status_code == 401


def test_me_page_lists_the_items_in_both_languages(app, group_with, user):
    gid, owner, people = group_with(members=["小明"])
    member = people["小明"][0]
    owner.post(f"/api/v1/groups/{gid}/polls", json={"title": "周末去哪儿", "options": OPTIONS})
    owner.post(f"/api/v1/groups/{gid}/notices", json={"title": "周六集合"})
    zh = member.get("/me", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "周末去哪儿" in zh and "还没投票" in zh and "请确认" in zh
    assert zh.index("周六集合") < zh.index("周末去哪儿")  # newest first
    en = member.get("/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Waiting for me in my groups" in en and "Not voted yet" in en
    loner = user("独行侠").get("/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Nothing waits for you" in loner


def _fill(owner, member, gid, widgets):
    for i in range(widgets):
        owner.post(f"/api/v1/groups/{gid}/polls", json={"title": f"投票{i}", "options": OPTIONS})
        owner.post(f"/api/v1/groups/{gid}/notices", json={"title": f"通知{i}"})
        owner.post(f"/api/v1/groups/{gid}/habits", json={"title": f"打卡{i}"})
        relay = owner.post(f"/api/v1/groups/{gid}/relays",
                           json={"title": f"接龙{i}", "capacity": 1}).get_json()
        owner.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}})
        member.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}})


def _statements(app, member):
    with statements_run(app) as seen:
        assert member.get("/api/v1/me/items").status_code == 200
    return [s for s in seen if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)",
                                            s, re.IGNORECASE)]


def test_the_list_is_read_in_the_same_statements_however_many_groups(app, user):
    owner, member = user("群主"), user("小明")
    first = owner.post("/api/v1/groups", json={"name": "一群"}).get_json()["id"]
    joined(first, member)
    _fill(owner, member, first, 1)
    few = _statements(app, member)
    for name in ("二群", "三群"):
        gid = owner.post("/api/v1/groups", json={"name": name}).get_json()["id"]
        joined(gid, member)
        _fill(owner, member, gid, 3)
    assert len(items(member)) == 4 + 2 * 4 * 3
    many = _statements(app, member)
    assert len(many) == len(few)
