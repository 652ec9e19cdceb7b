"""The group page's ETag (core.groupclock): read off the group's row, it stops matching
when any widget of the group is created, changed, closed or deleted, when a widget's
deadline passes, and not when something happens in another group."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from grouptools.core.groups import views
from grouptools.core.models import Group, GroupClock
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db

OPTIONS = [{"text": "爬山"}, {"text": "看电影"}]


def noon_tomorrow():
    """12:00 in the group's zone (Asia/Shanghai) tomorrow: hours later are the same day
    there, so only the widgets' moments change the page."""
    tomorrow = utcnow() + timedelta(days=1)
    return tomorrow.replace(hour=4, minute=0, second=0, microsecond=0)


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def held(reader, gid):
    """The ETag the reader now holds of the group page (and that it answers 304)."""
    page = reader.get(f"/g/{gid}")
    assert page.status_code == 200
    etag = page.headers["ETag"]
    assert reader.get(f"/g/{gid}", headers={"If-None-Match": etag}).status_code == 304
    return etag


def changed(reader, gid, etag):
    """Whether the page the reader holds is no longer the page."""
    answer = reader.get(f"/g/{gid}", headers={"If-None-Match": etag})
    assert answer.status_code in (200, 304)
    return answer.status_code == 200 and answer.headers["ETag"] != etag


@pytest.fixture
def group(group_with):
    gid, owner, people = group_with(members=("张三",))
    return gid, owner, people["张三"][0]


def test_a_widget_created_changed_closed_reopened_or_deleted_changes_the_group_page(group):
    gid, owner, reader = group
    etag = held(reader, gid)
    made = owner.post(f"/api/v1/groups/{gid}/polls", json={"title": "周末去哪儿",
                                                          "options": OPTIONS})
    assert made.status_code == 201
    pid = made.get_json()["id"]
    assert changed(reader, gid, etag)
    steps = [
        lambda: owner.patch(f"/api/v1/polls/{pid}", json={"title": "周日去哪儿"}),
        lambda: owner.post(f"/api/v1/polls/{pid}/close"),
        lambda: owner.post(f"/api/v1/polls/{pid}/reopen"),
        lambda: owner.delete(f"/api/v1/polls/{pid}"),
    ]
    for step in steps:
        etag = held(reader, gid)
        answer = step()
        assert answer.status_code in (200, 204), answer.get_json()
        assert changed(reader, gid, etag)
    assert "周日去哪儿" not in reader.get(f"/g/{gid}").get_data(as_text=True)


def clock_of(app, gid):
    with app.app_context():
        return db.session.scalar(select(GroupClock.widgets_version).join(
            Group, Group.id == GroupClock.group_id).where(Group.public_id == gid))


def test_every_sign_up_and_withdrawal_changes_the_group_page_once(app, group_with):
    gid, owner, people = group_with(members=("张三", "李四", "王五"))
    (first, _), (second, _), (reader, _) = people.values()
    made = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "周六羽毛球",
                                                           "capacity": 1})
    rid = made.get_json()["id"]
    entries = f"/api/v1/relays/{rid}/entries"
    confirmed, waiting = {}, {}
    steps = [
        ("a sign-up", lambda: confirmed.update(first.post(entries, json={}).get_json())),
        ("one to the waitlist", lambda: waiting.update(second.post(entries, json={}).get_json())),
        ("a withdrawal from the waitlist",
         lambda: second.delete(f"{entries}/{waiting['id']}")),
        ("a withdrawal", lambda: first.delete(f"{entries}/{confirmed['id']}")),
    ]
    for name, step in steps:
        etag, version = held(reader, gid), clock_of(app, gid)
        step()
        assert changed(reader, gid, etag), name
        assert clock_of(app, gid) == version + 1, name
    assert confirmed["status"] == "confirmed" and waiting["status"] == "waitlisted"


def phone_member(app, gid):
    """A phone that joined through the group's page: its cookie, not a token, asks."""
    from tests.core.groups.test_views import submit

    phone = app.test_client()
    assert submit(phone, f"/g/{gid}", f"/g/{gid}/join", {"your_name": "手机用户"}
                  ).status_code == 303
    phone.get(f"/g/{gid}")  # the welcome, shown once
    return phone


@pytest.mark.parametrize("asker", ["token", "cookie"])
def test_a_passing_deadline_changes_the_group_page_without_a_write(app, group, monkeypatch,
                                                                   asker):
    gid, owner, reader = group
    if asker == "cookie":
        reader = phone_member(app, gid)
    now = noon_tomorrow()
    deadlines = [now + timedelta(hours=1), now + timedelta(hours=3)]
    for hours, deadline in zip((1, 3), deadlines):
        made = owner.post(f"/api/v1/groups/{gid}/polls", json={
            "title": f"{hours}小时后截止", "options": OPTIONS, "deadline": _iso(deadline)})
        assert made.status_code == 201, made.get_json()
    monkeypatch.setattr(views, "utcnow", lambda: now)
    etag = held(reader, gid)
    # Half an hour later nothing has passed: still the same page.
    monkeypatch.setattr(views, "utcnow", lambda: now + timedelta(minutes=30))
    assert not changed(reader, gid, etag)
    # The first deadline passed: the poll shows closed, nobody wrote anything.
    monkeypatch.setattr(views, "utcnow", lambda: now + timedelta(hours=2))
    assert changed(reader, gid, etag)
    etag = held(reader, gid)
    with app.app_context():  # the next moment to come was stored for the next reader
        stored = db.session.scalar(select(GroupClock.next_moment).join(
            Group, Group.id == GroupClock.group_id).where(Group.public_id == gid))
        assert stored == deadlines[1]
    # And the second.
    monkeypatch.setattr(views, "utcnow", lambda: now + timedelta(hours=4))
    assert changed(reader, gid, etag)
    etag = held(reader, gid)
    monkeypatch.setattr(views, "utcnow", lambda: now + timedelta(hours=6))
    assert not changed(reader, gid, etag)


def test_a_deadline_brought_forward_is_seen_when_it_passes(group, monkeypatch):
    gid, owner, reader = group
    now = noon_tomorrow()
    made = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "下周截止", "options": OPTIONS, "deadline": _iso(now + timedelta(days=7))})
    pid = made.get_json()["id"]
    assert owner.patch(f"/api/v1/polls/{pid}", json={
        "deadline": _iso(now + timedelta(hours=1))}).status_code == 200
    monkeypatch.setattr(views, "utcnow", lambda: now)
    etag = held(reader, gid)
    monkeypatch.setattr(views, "utcnow", lambda: now + timedelta(hours=2))
    assert changed(reader, gid, etag)


def test_an_event_starting_changes_the_group_page(group, monkeypatch):
    gid, owner, reader = group
    now = noon_tomorrow()
    made = owner.post(f"/api/v1/groups/{gid}/events", json={
        "title": "周六晨跑", "starts_at": _iso(now + timedelta(hours=1)),
        "ends_at": _iso(now + timedelta(hours=3))})
    assert made.status_code == 201, made.get_json()
    monkeypatch.setattr(views, "utcnow", lambda: now)
    etag = held(reader, gid)
    monkeypatch.setattr(views, "utcnow", lambda: now + timedelta(minutes=90))
    assert changed(reader, gid, etag)


def test_what_happens_in_another_group_leaves_the_page_as_it_is(group, user):
    gid, owner, reader = group
    other = user("别的群主")
    oid = other.post("/api/v1/groups", json={"name": "读书会"}).get_json()["id"]
    assert reader.post(f"/api/v1/groups/{oid}/join", json={}).status_code in (200, 201)
    etag = held(reader, gid)
    made = other.post(f"/api/v1/groups/{oid}/polls", json={
        "title": "读哪本书", "options": OPTIONS,
        "deadline": _iso(utcnow() + timedelta(hours=1))})
    pid = made.get_json()["id"]
    option = made.get_json()["options"][0]["id"]
    assert reader.post(f"/api/v1/polls/{pid}/votes", json={"option_ids": [option]}
                       ).status_code == 201
    assert other.post(f"/api/v1/polls/{pid}/close").status_code == 200
    assert not changed(reader, gid, etag)
