"""What a copy carries beyond the columns every widget has (core.copying,
docs/api.md#copying-a-widget): pictures shared in the group and duplicated into another,
so deleting one group leaves the other's copy whole; chosen audiences and rosters kept as
the same people; a sign-up list's reply format and slots; a deadline still ahead."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from grouptools.core.models import Group, Image
from grouptools.extensions import db
from tests.poll.conftest import upload_picture


def picture_of(option):
    return re.search(r"/images/([A-Za-z0-9_-]{10})", option["image_url"]).group(1)


def later(**delta):
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat()


def test_a_poll_copied_into_another_group_gets_pictures_of_its_own(app, group_with):
    gid, owner, people = group_with(members=["甲"])
    other = owner.post("/api/v1/groups", json={"name": "另一个群"}).get_json()["id"]
    picture = upload_picture(owner, gid)
    poll = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "选队服", "options": [{"image_id": picture}, {"text": "白色"}],
        "multiple": True, "max_choices": 2, "deadline": later(days=3)}).get_json()
    here = owner.post(f"/api/v1/polls/{poll['id']}/copy", json={}).get_json()
    there = owner.post(f"/api/v1/polls/{poll['id']}/copy", json={"group_id": other}).get_json()

    assert picture_of(here["options"][0]) == picture  # shared within the group
    twin = picture_of(there["options"][0])
    assert twin != picture
    assert [o["text"] for o in there["options"]] == ["", "白色"]
    assert there["max_choices"] == 2 and there["deadline"] == poll["deadline"]
    original = owner.get(f"/images/{picture}")
    assert owner.get(f"/images/{twin}").data == original.data
    with app.app_context():
        image = db.session.scalar(select(Image).where(Image.public_id == twin))
        assert image.group.public_id == other

    # Deleting the first group takes its pictures; the copy in the other keeps its own.
    assert owner.delete(f"/api/v1/groups/{gid}").status_code == 204
    assert owner.get(f"/images/{picture}").status_code == 404
    assert owner.get(f"/images/{twin}").data == original.data
    assert picture_of(owner.get(f"/api/v1/polls/{there['id']}").get_json()["options"][0]) == twin


def test_a_past_deadline_is_dropped_and_a_closed_widget_copies_open(app, group_with):
    gid, owner, _ = group_with()
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "值日", "fields": [], "deadline": later(hours=1)}).get_json()
    owner.post(f"/api/v1/relays/{relay['id']}/close")
    with app.app_context():
        from grouptools.relay.models import Relay
        db.session.execute(Relay.__table__.update().values(
            deadline=datetime.now(timezone.utc) - timedelta(days=1)))
        db.session.commit()
    copy = owner.post(f"/api/v1/relays/{relay['id']}/copy", json={})
    assert copy.status_code == 201
    assert copy.get_json()["deadline"] is None and copy.get_json()["closed"] is False


def test_a_relay_copy_has_the_reply_format_and_slots_and_no_entries(group_with):
    gid, owner, people = group_with(members=["甲"])
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "家长开放日", "place": "礼堂", "guests_max": 2,
        "fields": [{"key": "phone", "label": "手机", "type": "phone", "required": True,
                    "private": True},
                   {"key": "size", "label": "尺码", "type": "choice", "choices": ["S", "M"]}],
        "slots": [{"label": "上午", "capacity": 2}, {"label": "下午", "capacity": 3}]}).get_json()
    slot = relay["slots"][0]["id"]
    assert people["甲"][0].post(f"/api/v1/relays/{relay['id']}/entries", json={
        "values": {"phone": "13800138000", "size": "M"}, "slot_id": slot}).status_code == 201
    copy = owner.post(f"/api/v1/relays/{relay['id']}/copy", json={}).get_json()

    def shape(body):
        return ([{k: f[k] for k in ("key", "label", "type", "required", "private", "choices")}
                 for f in body["fields"]],
                [(s["label"], s["capacity"]) for s in body["slots"]],
                body["place"], body["guests_max"])

    assert shape(copy) == shape(relay)
    assert copy["entries"] == [] and all(s["taken"] == 0 for s in copy["slots"])
    assert {s["id"] for s in copy["slots"]}.isdisjoint({s["id"] for s in relay["slots"]})


def test_a_chosen_audience_stays_the_same_people_in_another_group(app, group_with, user):
    gid, owner, people = group_with(members=["甲", "乙"])
    other = owner.post("/api/v1/groups", json={"name": "另一个群"}).get_json()["id"]
    for name in ("甲",):  # 甲 is in both groups, 乙 only in the first
        people[name][0].post(f"/api/v1/groups/{other}/join", json={"answer": "朋友"})
    notice = owner.post(f"/api/v1/groups/{gid}/notices", json={
        "title": "只给甲和乙", "audience_member_ids": [people["甲"][1], people["乙"][1]]}).get_json()
    copy = owner.post(f"/api/v1/notices/{notice['id']}/copy",
                      json={"group_id": other}).get_json()
    assert people["甲"][0].get(f"/api/v1/notices/{copy['id']}").status_code == 200
    # Only 甲 is addressed there: a member outside the audience sees no such notice.
    outsider = user("丙")
    outsider.post(f"/api/v1/groups/{other}/join", json={"answer": "朋友"})
    assert outsider.get(f"/api/v1/notices/{copy['id']}").status_code == 404
    same = owner.post(f"/api/v1/notices/{notice['id']}/copy", json={}).get_json()
    for name in ("甲", "乙"):
        assert people[name][0].get(f"/api/v1/notices/{same['id']}").status_code == 200

    event = owner.post(f"/api/v1/groups/{gid}/events", json={
        "title": "家长会", "starts_at": later(days=1), "ends_at": later(days=1, hours=2),
        "roster_member_ids": [people["乙"][1]]}).get_json()
    copied = owner.post(f"/api/v1/events/{event['id']}/copy", json={"group_id": other})
    assert copied.status_code == 201
    # 乙 is no member there, so the chosen roster there is empty: 甲 does not see it.
    assert people["甲"][0].get(f"/api/v1/events/{copied.get_json()['id']}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Group)) == 2
