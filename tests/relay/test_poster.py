"""A relay's poster (grouptools/relay/poster.py) says how many places are left, that a
full list still takes a waitlist, the slots and the deadline — and is redrawn when a
sign-up changes them (its ETag follows the facts)."""
from datetime import timedelta

from grouptools.core.timeutil import utcnow
from tests.kinds import poster_facts_of


def relay_in_group(group_with, **settings):
    gid, owner, people = group_with(members=("甲", "乙"))
    rid = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "周六羽毛球", **settings}
                     ).get_json()["id"]
    return rid, owner, people


def test_places_left_then_full_with_a_waitlist(app, group_with):
    rid, _, people = relay_in_group(group_with, capacity=2)
    assert poster_facts_of(app, "relay", rid) == [("2 places left of 2", False)]
    people["甲"][0].post(f"/api/v1/relays/{rid}/entries", json={"values": {}})
    assert poster_facts_of(app, "relay", rid, "zh_Hans") == [("还剩 1 个名额（共 2 个）", False)]
    people["乙"][0].post(f"/api/v1/relays/{rid}/entries", json={"values": {}})
    assert poster_facts_of(app, "relay", rid) == [("Full: join the waitlist", False)]


def test_no_limit_slots_guests_and_deadline(app, group_with):
    deadline = (utcnow() + timedelta(days=3)).isoformat()
    rid, _, people = relay_in_group(group_with, slots=[{"label": "上午"}, {"label": "下午"}],
                                    guests_max=2, deadline=deadline)
    facts = [text for text, _ in poster_facts_of(app, "relay", rid)]
    assert facts[:3] == ["0 signed up", "上午 · 下午", "Bring up to 2 guests"]
    assert facts[3].startswith("Sign up by ")


def test_the_poster_is_redrawn_when_someone_signs_up(app, group_with):
    rid, _, people = relay_in_group(group_with, capacity=5)
    stranger = app.test_client()
    before = stranger.get(f"/r/{rid}/poster.png")
    assert stranger.get(f"/r/{rid}/poster.png", headers={
        "If-None-Match": before.headers["ETag"]}).status_code == 304
    people["甲"][0].post(f"/api/v1/relays/{rid}/entries", json={"values": {}})
    after = stranger.get(f"/r/{rid}/poster.png", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.data != before.data


def test_time_and_place_come_first_in_the_readers_language(app, group_with):
    rid, _, _ = relay_in_group(group_with, capacity=2, starts_at="2027-03-06T01:00:00+00:00",
                               place="北宫门")
    assert [text for text, _ in poster_facts_of(app, "relay", rid, "zh_Hans")][:3] == [
        "时间：2027年3月6日周六 09:00", "地点：北宫门", "还剩 2 个名额（共 2 个）"]
