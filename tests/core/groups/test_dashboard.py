"""The group dashboard (docs/api.md#group-dashboard): each widget kind's figure per
member matches what the widget itself counts, a secret ballot counts as taking part and
nothing more, quiet members are found by date in the group's zone, only managers see
it, and its statements do not grow with the group."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from grouptools.core.groups.dashboard import quiet_since
from grouptools.core.models import Group, Membership, Person
from grouptools.core.timeutil import local_today
from grouptools.extensions import db
from tests.conftest import statements_run


def dashboard(owner, gid, **query):
    response = owner.get(f"/api/v1/groups/{gid}/dashboard", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def acted(board, kind):
    return {member["name"]: member["acted"][kind] for member in board["members"]}


def test_poll_votes_are_counted_per_member_and_secret_ballots_reveal_nothing(group_with):
    gid, owner, people = group_with(members=["甲", "乙", "丙"])
    options = [{"text": "爬山"}, {"text": "火锅"}]
    open_poll = owner.post(f"/api/v1/groups/{gid}/polls",
                           json={"title": "周末", "options": options}).get_json()
    secret = owner.post(f"/api/v1/groups/{gid}/polls",
                        json={"title": "选班长", "options": options, "anonymous": True}).get_json()
    for name in ("甲", "乙"):
        people[name][0].post(f"/api/v1/polls/{open_poll['id']}/votes",
                             json={"option_ids": [open_poll["options"][0]["id"]]})
    people["甲"][0].post(f"/api/v1/polls/{secret['id']}/votes",
                         json={"option_ids": [secret["options"][1]["id"]]})

    board = dashboard(owner, gid)
    assert acted(board, "poll") == {"群主": 0, "甲": 2, "乙": 1, "丙": 0}
    voters = sum(owner.get(f"/api/v1/polls/{p['id']}").get_json()["voter_count"]
                 for p in (open_poll, secret))
    assert sum(acted(board, "poll").values()) == voters == 3
    text = str(board)
    assert all(option["id"] not in text for option in secret["options"])


def test_relay_sign_ups_count_own_standing_entries(group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "羽毛球", "capacity": 1, "fields": []}).get_json()
    other = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "值日", "fields": []}).get_json()
    for name in ("甲", "乙"):
        people[name][0].post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}})
    withdrawn = people["乙"][0].post(f"/api/v1/relays/{other['id']}/entries",
                                     json={"values": {}}).get_json()
    people["乙"][0].delete(f"/api/v1/relays/{other['id']}/entries/{withdrawn['id']}")
    owner.post(f"/api/v1/relays/{other['id']}/entries", json={"values": {}, "for_name": "老王"})

    board = dashboard(owner, gid)
    assert acted(board, "relay") == {"群主": 0, "甲": 1, "乙": 1}
    entries = owner.get(f"/api/v1/relays/{relay['id']}").get_json()["entries"]
    assert len(entries) == 2  # one confirmed, one on the waitlist: both count


def test_notice_confirmations_count_per_member(group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    notices = [owner.post(f"/api/v1/groups/{gid}/notices", json={"title": title}).get_json()
               for title in ("停水通知", "开会")]
    for notice in notices:
        people["甲"][0].post(f"/api/v1/notices/{notice['id']}/confirm")
    people["乙"][0].get(f"/api/v1/notices/{notices[0]['id']}")  # read, not confirmed

    board = dashboard(owner, gid)
    assert acted(board, "notice") == {"群主": 0, "甲": 2, "乙": 0}
    confirmed = sum(owner.get(f"/api/v1/notices/{n['id']}").get_json()["confirmed_count"]
                    for n in notices)
    assert sum(acted(board, "notice").values()) == confirmed


def test_check_in_days_count_per_member(group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    habits = [owner.post(f"/api/v1/groups/{gid}/habits", json={"title": title}).get_json()
              for title in ("跑步", "读书")]
    for habit in habits:
        assert people["甲"][0].post(f"/api/v1/habits/{habit['id']}/checkins",
                                    json={}).status_code == 201
    people["乙"][0].post(f"/api/v1/habits/{habits[0]['id']}/checkins", json={})

    board = dashboard(owner, gid)
    assert acted(board, "checkin") == {"群主": 0, "甲": 2, "乙": 1}
    totals = {}
    for habit in habits:
        for row in owner.get(f"/api/v1/habits/{habit['id']}/stats").get_json()["leaderboard"]:
            totals[row["name"]] = totals.get(row["name"], 0) + row["total_days"]
    assert totals == {"甲": 2, "乙": 1}


def test_event_sign_ins_count_per_member(group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    now = datetime.now(timezone.utc)
    event = owner.post(f"/api/v1/groups/{gid}/events", json={
        "title": "读书会", "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat()}).get_json()
    code = owner.get(f"/api/v1/events/{event['id']}/code").get_json()["code"]
    assert people["乙"][0].post(f"/api/v1/events/{event['id']}/signin",
                                json={"code": code}).status_code == 201

    board = dashboard(owner, gid)
    assert acted(board, "event") == {"群主": 0, "甲": 0, "乙": 1}
    assert owner.get(f"/api/v1/events/{event['id']}").get_json()["signed_in_count"] == 1


def test_a_filled_card_counts_once(group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    card = people["甲"][0]
    assert owner.call("PUT", f"/api/v1/groups/{gid}/card-settings", json={
        "fields": [{"key": "name", "required": True}]}).status_code == 200
    for name in ("小甲", "甲某"):  # saved twice: still one card
        assert card.call("PUT", f"/api/v1/groups/{gid}/cards/me",
                         json={"values": {"name": name}}).status_code in (200, 201)

    board = dashboard(owner, gid)
    assert acted(board, "card") == {"群主": 0, "甲某": 1, "乙": 0}
    assert len(owner.get(f"/api/v1/groups/{gid}/cards").get_json()) == 1


def _set_times(app, gid, name, joined_at, last_active_at):
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        for membership in db.session.scalars(select(Membership).where(
                Membership.group_id == group.id)):
            if membership.display_name == name:
                membership.joined_at, membership.last_active_at = joined_at, last_active_at
        db.session.commit()


def test_quiet_members_are_found_by_date_in_the_groups_zone(app, group_with):
    # Kiritimati is 14 hours ahead of UTC: its dates differ from UTC's most of the day.
    gid, owner, people = group_with(members=["早", "晚", "新"], timezone="Pacific/Kiritimati")
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        since = quiet_since(group, 14)  # the start of the 14 local days up to today
        today = local_today(group)
    assert since.astimezone(timezone(timedelta(hours=14))).date() == today - timedelta(days=13)
    long_ago = since - timedelta(days=60)
    _set_times(app, gid, "早", long_ago, since - timedelta(minutes=1))  # the day before
    _set_times(app, gid, "晚", long_ago, since + timedelta(minutes=1))  # the first day
    _set_times(app, gid, "新", since + timedelta(minutes=1), None)  # joined 13 days ago
    _set_times(app, gid, "群主", long_ago, datetime.now(timezone.utc))

    board = dashboard(owner, gid, quiet_days=14)
    assert [member["name"] for member in board["quiet"]] == ["早"]
    assert board["quiet_days"] == 14
    assert board["reminder_text"].startswith("@早 ")
    assert board["reminder_text"].endswith(f"/g/{gid}")
    longer = dashboard(owner, gid, quiet_days=15)  # 早 acted within 15 days
    assert longer["quiet"] == [] and longer["reminder_text"] is None


def test_late_evening_local_time_is_the_day_before_whatever_the_utc_date(app, group_with):
    # Shanghai is 8 hours ahead of UTC: 23:30 there the evening before the window and
    # 00:30 on its first day fall on the same UTC date. Only local dates tell them apart.
    gid, owner, people = group_with(members=["夜猫", "早鸟"], timezone="Asia/Shanghai")
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        since = quiet_since(group, 7)
    shanghai = timezone(timedelta(hours=8))
    assert since.astimezone(shanghai).time().isoformat() == "00:00:00"
    late_evening = since - timedelta(minutes=30)  # 23:30 local, the day before
    past_midnight = since + timedelta(minutes=30)  # 00:30 local, the window's first day
    assert late_evening.astimezone(shanghai).strftime("%H:%M") == "23:30"
    assert late_evening.date() == past_midnight.date()  # the same UTC date
    long_ago = since - timedelta(days=30)
    _set_times(app, gid, "夜猫", long_ago, late_evening)
    _set_times(app, gid, "早鸟", long_ago, past_midnight)
    _set_times(app, gid, "群主", long_ago, datetime.now(timezone.utc))

    board = dashboard(owner, gid, quiet_days=7)
    assert [member["name"] for member in board["quiet"]] == ["夜猫"]
    assert dashboard(owner, gid, quiet_days=8)["quiet"] == []


def test_weekly_active_members_cover_twelve_weeks(group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    habit = owner.post(f"/api/v1/groups/{gid}/habits", json={"title": "跑步"}).get_json()
    for name in ("甲", "乙"):
        people[name][0].post(f"/api/v1/habits/{habit['id']}/checkins", json={})

    weeks = dashboard(owner, gid)["weekly_active"]
    assert len(weeks) == 12
    assert [week["active"] for week in weeks] == [0] * 11 + [2]
    mondays = [datetime.fromisoformat(week["week"]) for week in weeks]
    assert all(monday.weekday() == 0 for monday in mondays)
    assert all(b - a == timedelta(weeks=1) for a, b in zip(mondays, mondays[1:]))


def test_only_managers_see_the_dashboard(group_with, user):
    gid, owner, people = group_with(members=["甲"], admins=["管理员"])
    path = f"/api/v1/groups/{gid}/dashboard"
    assert people["管理员"][0].get(path).status_code == 200
    refused = people["甲"][0].get(path)
    assert refused.status_code == 403 and refused.get_json()["message"]
    assert user("路人").get(path).status_code == 404
    assert owner.get(path, query_string={"quiet_days": "0"}).status_code == 422
    assert owner.get(path, query_string={"quiet_days": "abc"}).status_code == 422
    assert owner.get(path, query_string={"quiet_days": "9" * 30}).status_code == 422


def add_members(app, gid, size):
    """`size` more active members, written straight to the database (quicker than joining)."""
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        people = [Person(name=f"成员{n}", token_hash=f"{gid}{n:054d}") for n in range(size)]
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(Membership(group_id=group.id, person_id=person.id, status="active",
                                      joined_at=datetime.now(timezone.utc)) for person in people)
        db.session.commit()


@pytest.mark.parametrize("size", [20, 200])
def test_statements_do_not_grow_with_the_group(app, group_with, size):
    gid, owner, people = group_with(members=["甲"])
    habit = owner.post(f"/api/v1/groups/{gid}/habits", json={"title": "跑步"}).get_json()
    people["甲"][0].post(f"/api/v1/habits/{habit['id']}/checkins", json={})
    add_members(app, gid, size)
    with statements_run(app) as seen:
        board = dashboard(owner, gid)
    assert board["member_count"] == size + 2 and len(board["members"]) == 20  # a page
    assert len(seen) <= 11, seen  # the same for 20 and 200 members (SQLite adds BEGIN)


def test_members_are_sorted_and_paged_in_the_database(app, group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    habit = owner.post(f"/api/v1/groups/{gid}/habits", json={"title": "跑步"}).get_json()
    add_members(app, gid, 60)
    people["乙"][0].post(f"/api/v1/habits/{habit['id']}/checkins", json={})

    busiest = dashboard(owner, gid, sort="checkin")
    assert busiest["members"][0]["name"] == "乙" and busiest["order"] == "desc"
    assert dashboard(owner, gid, sort="last")["members"][0]["name"] == "乙"
    by_name = dashboard(owner, gid, sort="name", order="asc")["members"]
    assert [m["name"] for m in by_name][:4] == ["乙", "成员0", "成员1", "成员10"]
    last = dashboard(owner, gid, page=4)
    assert last["member_count"] == 63 and len(last["members"]) == 3
    second = dashboard(owner, gid, page=2)
    first_ids = {m["member_id"] for m in dashboard(owner, gid)["members"]}
    assert first_ids.isdisjoint(m["member_id"] for m in second["members"])
    assert owner.get(f"/api/v1/groups/{gid}/dashboard",
                     query_string={"order": "up"}).status_code == 422
    assert dashboard(owner, gid, sort="nonsense")["sort"] == "joined"
