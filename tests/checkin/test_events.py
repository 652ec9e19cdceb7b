"""Event sign-ins (docs/api.md#routes): the rotating code accepted for 40 seconds and no
longer, wrong codes and times outside the event refused, signing in twice, late marking,
a chosen roster, attendance with its reminder and CSV, departures — through the service
with a frozen `now`, through the API and pages as clients use them, and eight taps at
once through gunicorn (marker `server`)."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from grouptools.checkin import events
from grouptools.checkin.eventcode import current_code
from grouptools.checkin.eventmodels import EventSignin
from grouptools.core.errors import Conflict, NotFound
from grouptools.core.groups.service import create_group, join_group, remove_member
from grouptools.core.models import Membership
from grouptools.core.people.service import create_person
from grouptools.extensions import db
from tests.poll.test_race import at_once, group_with_members

START = datetime(2026, 6, 6, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai


class EventWorld:
    """A group in Shanghai of 群主 and whoever `member(name)` adds; `event(**settings)`
    made by the owner, from START for two hours, late after START + 10 minutes."""

    def __init__(self):
        self.owner, _ = create_person("群主")
        self.group = create_group(self.owner, name="读书会", timezone="Asia/Shanghai")

    def member(self, name):
        person, _ = create_person(name)
        join_group(person, self.group)
        return person

    def membership(self, person):
        return db.session.scalar(select(Membership).where(
            Membership.group_id == self.group.id, Membership.person_id == person.id))

    def event(self, **settings):
        return events.create_event(self.owner, self.group, **{
            "title": "周六读书会", "starts_at": START, "ends_at": START + timedelta(hours=2),
            "late_after": START + timedelta(minutes=10), **settings})

    def sign_in(self, person, event, at, code=None):
        code = current_code(event, at)[0] if code is None else code
        return events.sign_in(person, event, code, now=at)


@pytest.fixture
def world(app):
    with app.app_context(), app.test_request_context():
        yield EventWorld()
        db.session.remove()


def test_the_code_is_accepted_for_40_seconds_and_refused_after(world):
    event, member = world.event(), world.member("甲")
    shown_at = START + timedelta(minutes=1)  # the start of a 20-second slot
    code, expires_at = current_code(event, shown_at)
    assert len(code) == 6 and code.isdigit() and expires_at == shown_at + timedelta(seconds=40)
    assert current_code(event, shown_at + timedelta(seconds=20))[0] != code  # rotated
    with pytest.raises(Conflict):  # a forwarded photo, 40 seconds later
        world.sign_in(member, event, shown_at + timedelta(seconds=40), code)
    signed, created = world.sign_in(member, event, shown_at + timedelta(seconds=39), code)
    assert created and signed.signed_in_at == shown_at + timedelta(seconds=39)


def test_a_wrong_code_or_a_time_outside_the_event_is_refused(world):
    event, member = world.event(), world.member("甲")
    with pytest.raises(Conflict):
        world.sign_in(member, event, START + timedelta(minutes=1), "000000x")
    for outside in (START - timedelta(seconds=1), START + timedelta(hours=2, seconds=1)):
        with pytest.raises(Conflict, match="Sign-in is open from"):
            world.sign_in(member, event, outside)
    assert db.session.scalar(select(func.count()).select_from(EventSignin)) == 0


def test_signing_in_again_answers_the_first_time_and_late_is_marked(world):
    event, early, late = world.event(), world.member("甲"), world.member("乙")
    first, created = world.sign_in(early, event, START + timedelta(minutes=10))
    assert created and not first.late  # at late_after exactly: on time
    again, created = world.sign_in(early, event, START + timedelta(minutes=30), "wrong")
    assert not created and again == first
    signed, _ = world.sign_in(late, event, START + timedelta(minutes=10, seconds=1))
    assert signed.late
    state = events.event_state(late, event)
    assert (state.me, state.signed_in_count, state.roster_count) == (signed, 2, 3)


def test_a_chosen_roster_hides_the_event_from_others(world):
    chosen, other = world.member("甲"), world.member("乙")
    event = world.event(roster_member_ids=[world.membership(chosen).public_id])
    assert events.event_state(chosen, event).roster_count == 1
    with pytest.raises(NotFound):
        events.event_state(other, event)
    with pytest.raises(NotFound):
        world.sign_in(other, event, START + timedelta(minutes=1))


def test_attendance_lists_who_came_who_is_missing_and_drops_departed_members(world):
    event = world.event()
    came, missing, gone = world.member("甲"), world.member("乙"), world.member("丙")
    world.sign_in(came, event, START + timedelta(minutes=20))
    world.sign_in(gone, event, START + timedelta(minutes=5))
    remove_member(world.owner, world.group, world.membership(gone))
    report = events.attendance(world.owner, event)
    assert [(a.name, a.late) for a in report.signed_in] == [("甲", True)]
    assert [a.name for a in report.missing] == ["群主", "乙"]
    assert report.reminder_text.startswith("Signed in 1/3, not yet: @群主 @乙\n")
    assert report.reminder_text.endswith(f"/e/{event.public_id}")


# --- Through the API and the pages ------------------------------------------------------

@pytest.fixture
def event_of(group_with):
    """event_of(**body) → (event JSON, owner, {name: (user, member_id)}): an event open
    from an hour ago for three hours, in a group of 甲 and 乙."""

    def make(**body):
        gid, owner, people = group_with(members=("甲", "乙"))
        now = datetime.now(timezone.utc)
        response = owner.post(f"/api/v1/groups/{gid}/events", json={
            "title": "周会", "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(), **body})
        assert response.status_code == 201, response.get_json()
        return response.get_json(), owner, people

    return make


def test_signing_in_with_the_displayed_code_through_the_api(event_of):
    event, owner, people = event_of()
    assert set(event) == {"id", "title", "starts_at", "ends_at", "late_after", "roster", "me",
                          "signed_in_count", "roster_count", "url"}
    assert (event["roster"], event["me"], event["roster_count"]) == ("group", None, 3)
    member = people["甲"][0]
    assert member.get(f"/api/v1/events/{event['id']}/code").status_code == 403
    shown = owner.get(f"/api/v1/events/{event['id']}/code").get_json()
    assert shown["url"].endswith(f"/e/{event['id']}?code={shown['code']}")
    path = f"/api/v1/events/{event['id']}/signin"
    assert member.post(path, json={"code": "999999x"}).status_code == 409
    first = member.post(path, json={"code": shown["code"]})
    assert first.status_code == 201 and first.get_json()["late"] is False
    again = member.post(path, json={"code": "nonsense"})
    assert again.status_code == 200 and again.get_json() == first.get_json()
    mine = member.get(f"/api/v1/events/{event['id']}").get_json()
    assert mine["me"] == first.get_json() and mine["signed_in_count"] == 1


def test_attendance_and_its_csv_for_managers(event_of):
    event, owner, people = event_of(late_after=None)
    member = people["甲"][0]
    code = owner.get(f"/api/v1/events/{event['id']}/code").get_json()["code"]
    member.post(f"/api/v1/events/{event['id']}/signin", json={"code": code})
    assert member.get(f"/api/v1/events/{event['id']}/attendance").status_code == 403
    report = owner.get(f"/api/v1/events/{event['id']}/attendance").get_json()
    assert [row["name"] for row in report["signed_in"]] == ["甲"]
    assert [row["name"] for row in report["missing"]] == ["群主", "乙"]
    assert "@乙" in report["reminder_text"]
    exported = owner.get(f"/api/v1/events/{event['id']}/export.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Member", "Signed in at", "Late"]
    assert [row[0] for row in rows[1:]] == ["群主", "甲", "乙"]
    assert rows[2][1] and not rows[1][1] and rows[2][2] == ""


def test_times_that_make_no_sense_are_refused_with_the_field(event_of, group_with):
    gid, owner, _ = group_with()
    now = datetime.now(timezone.utc)
    body = {"title": "周会", "starts_at": now.isoformat(),
            "ends_at": (now - timedelta(hours=1)).isoformat()}
    answer = owner.post(f"/api/v1/groups/{gid}/events", json=body)
    assert answer.status_code == 422 and "ends_at" in answer.get_json()["errors"]["json"]


def test_the_scan_page_signs_a_member_in_and_the_display_shows_the_code(event_of):
    event, owner, people = event_of()
    member = people["甲"][0]
    display = owner.get(f"/e/{event['id']}/display")
    assert display.status_code == 200
    html = display.get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh"' in html and "<svg" in html
    assert "/static/js/event-display.js" in html
    assert member.get(f"/e/{event['id']}/display").status_code == 403
    code = owner.get(f"/api/v1/events/{event['id']}/code").get_json()["code"]
    page = member.get(f"/e/{event['id']}?code={code}").get_data(as_text=True)
    assert f'name="code" value="{code}"' in page
    wrong = member.post(f"/e/{event['id']}/signin", data={"code": "123"})
    assert wrong.status_code == 409
    done = member.post(f"/e/{event['id']}/signin", data={"code": code})
    assert done.status_code == 303
    assert "You signed in at" in member.get(f"/e/{event['id']}").get_data(as_text=True)
    manager_page = owner.get(f"/e/{event['id']}").get_data(as_text=True)
    assert "export.csv" in manager_page and "@乙" in manager_page


@pytest.mark.server
def test_eight_taps_at_once_through_gunicorn_sign_in_once(app, live_server):
    owner, gid, (member,) = group_with_members(live_server, 1)
    now = datetime.now(timezone.utc)
    event = owner.call("POST", f"/api/v1/groups/{gid}/events", {
        "title": "并发签到", "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat()}).json()
    code = owner.call("GET", f"/api/v1/events/{event['id']}/code").json()["code"]
    path = f"/api/v1/events/{event['id']}/signin"
    responses = at_once([(lambda: member.call("POST", path, {"code": code}))] * 8)
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201], [r.text for r in responses]
    assert len({r.json()["signed_in_at"] for r in responses}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventSignin)) == 1


def test_members_outside_a_chosen_roster_get_404_and_a_patch_widens_it(event_of, group_with):
    event, owner, people = event_of()
    (chosen, chosen_id), (other, _) = people["甲"], people["乙"]
    path = f"/api/v1/events/{event['id']}"
    narrowed = owner.patch(path, json={"roster_member_ids": [chosen_id]}).get_json()
    assert (narrowed["roster"], narrowed["roster_count"]) == ("chosen", 1)
    assert chosen.get(path).status_code == 200
    assert other.get(path).status_code == 404 and other.get(f"/e/{event['id']}").status_code == 404
    assert other.post(f"{path}/signin", json={"code": "123456"}).status_code == 404
    widened = owner.patch(path, json={"roster_member_ids": None}).get_json()
    assert (widened["roster"], widened["roster_count"]) == ("group", 3)
    assert other.get(path).status_code == 200


def test_an_organiser_creates_an_event_from_the_page_in_the_groups_time(group_with, app):
    gid, owner, people = group_with(members=("甲",), timezone="Asia/Shanghai")
    assert f"/g/{gid}/events/new" in owner.get(f"/g/{gid}").get_data(as_text=True)
    page = owner.get(f"/g/{gid}/events/new")
    assert page.status_code == 200 and 'type="datetime-local"' in page.get_data(as_text=True)
    refused = owner.post(f"/g/{gid}/events/new", data={
        "title": "周会", "starts_at": "2026-06-06T09:00", "ends_at": "2026-06-06T08:00"})
    assert refused.status_code == 422 and "must end after it starts" in refused.get_data(as_text=True)
    made = owner.post(f"/g/{gid}/events/new", data={
        "title": "周会", "starts_at": "2026-06-06T09:00", "ends_at": "2026-06-06T11:00",
        "late_after": ""})
    assert made.status_code == 303 and made.headers["Location"].endswith("/display")
    eid = made.headers["Location"].split("/")[-2]
    event = owner.get(f"/api/v1/events/{eid}").get_json()
    assert (event["starts_at"], event["late_after"]) == ("2026-06-06T01:00:00+00:00", None)
    assert people["甲"][0].post(f"/g/{gid}/events/new", data={"title": "x"}).status_code == 403
