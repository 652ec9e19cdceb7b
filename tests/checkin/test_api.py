"""The check-in API as clients use it (docs/api.md#routes) and the first pages: a
habit's settings and figures, checking in twice, make-ups, refusals with their
statuses, the roll call in the asker's language, achievements, undoing."""
import re

import pytest

from grouptools.core.timeutil import local_today
from grouptools.core.models import Group
from grouptools.extensions import db
from sqlalchemy import select
from tests.conftest import statements_run


@pytest.fixture
def habit_of(group_with):
    """habit_of(**settings) → (hid, owner, {name: (user, member_id)}) in a group of 甲 and 乙."""

    def make(**settings):
        gid, owner, people = group_with(members=("甲", "乙"))
        response = owner.post(f"/api/v1/groups/{gid}/habits", json={"title": "晨跑", **settings})
        assert response.status_code == 201, response.get_json()
        return response.get_json(), owner, people, gid

    return make


def today_in(app, gid):
    with app.app_context():
        return local_today(db.session.scalar(select(Group).where(Group.public_id == gid)))


def test_a_new_habit_answers_its_settings_today_and_my_figures(app, habit_of):
    habit, owner, _, gid = habit_of(proof="text", weekdays=[1, 2, 3, 4, 5, 6, 7],
                                    window_start="06:00", window_end="23:59",
                                    starts_on="2026-01-05", makeups_per_month=1)
    assert {key: habit[key] for key in ("proof", "weekdays", "window_start", "window_end",
                                        "starts_on", "ends_on", "makeups_per_month",
                                        "makeup_days_back", "milestones")} == {
        "proof": "text", "weekdays": [1, 2, 3, 4, 5, 6, 7], "window_start": "06:00",
        "window_end": "23:59", "starts_on": "2026-01-05", "ends_on": None,
        "makeups_per_month": 1, "makeup_days_back": 3, "milestones": [7, 21, 30, 100]}
    assert habit["today"] == today_in(app, gid).isoformat()
    assert habit["me"] == {"done_today": False, "current_streak": 0, "longest_streak": 0,
                           "total_days": 0, "makeups_left": 1}
    assert habit["url"].endswith(f"/h/{habit['id']}")


@pytest.mark.parametrize("body, field", [
    ({"window_start": "09:00", "window_end": "06:00"}, "window_end"),
    ({"window_start": "09:00"}, "window_end"),
    ({"window_start": "25:00", "window_end": "26:00"}, "window_start"),
    ({"weekdays": [0, 8]}, "weekdays"),
    ({"weekdays": []}, "weekdays"),
    ({"starts_on": "2026-03-10", "ends_on": "2026-03-01"}, "ends_on"),
    ({"proof": "video"}, "proof"),
    ({"makeups_per_month": -1}, "makeups_per_month"),
    ({"milestones": [0]}, "milestones"),
])
def test_settings_that_make_no_sense_are_refused_with_the_field(group_with, body, field):
    gid, owner, _ = group_with()
    response = owner.post(f"/api/v1/groups/{gid}/habits", json={"title": "晨跑", **body})
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]


def test_checking_in_twice_makes_one_check_in(app, habit_of):
    habit, owner, people, _ = habit_of()
    runner = people["甲"][0]
    path = f"/api/v1/habits/{habit['id']}/checkins"
    first = runner.post(path, json={"text": "5 公里"})
    assert first.status_code == 201
    body = first.get_json()
    assert set(body) == {"id", "date", "makeup", "text", "images", "created_at", "achievements"}
    assert (body["date"], body["makeup"], body["text"]) == (habit["today"], False, "5 公里")
    with statements_run(app) as run:
        again = runner.post(path, json={"text": "again"})
    assert again.status_code == 200 and again.get_json() == {**body, "achievements": []}
    # A second tap is answered from one read: nothing is locked or written again.
    assert not [sql for sql in run if sql.lstrip().upper().startswith(("INSERT", "UPDATE",
                                                                       "DELETE"))]
    me = runner.get(f"/api/v1/habits/{habit['id']}").get_json()["me"]
    assert (me["done_today"], me["total_days"], me["current_streak"]) == (True, 1, 1)


def test_refusals_answer_their_statuses(habit_of):
    habit, owner, people, _ = habit_of(proof="text", makeup_days_back=1)
    runner = people["甲"][0]
    path = f"/api/v1/habits/{habit['id']}/checkins"
    missing = runner.post(path, json={})
    assert missing.status_code == 422 and "text" in missing.get_json()["errors"]["json"]
    future = runner.post(path, json={"text": "x", "date": "2099-01-01"})
    assert future.status_code == 422 and "date" in future.get_json()["errors"]["json"]
    old = runner.post(path, json={"text": "x", "date": "2020-01-01"})
    assert old.status_code == 409 and old.get_json()["message"]
    assert runner.post(path, json={"text": "x", "bogus": 1}).status_code == 422
    assert owner.post(f"/api/v1/habits/{habit['id']}/close").status_code == 200
    closed = runner.post(path, json={"text": "x"})
    assert closed.status_code == 409 and "closed" in closed.get_json()["message"]


def test_members_may_not_change_the_habit(habit_of):
    habit, owner, people, _ = habit_of()
    path = f"/api/v1/habits/{habit['id']}"
    assert people["甲"][0].patch(path, json={"weekdays": [1]}).status_code == 403
    changed = owner.patch(path, json={"weekdays": [1], "window_start": "06:00",
                                      "window_end": "09:00"})
    assert changed.status_code == 200 and changed.get_json()["weekdays"] == [1]
    assert owner.patch(path, json={"window_end": "05:00"}).status_code == 422


def test_stats_and_roll_call_in_the_askers_language(habit_of):
    habit, owner, people, _ = habit_of()
    hid = habit["id"]
    assert people["甲"][0].post(f"/api/v1/habits/{hid}/checkins", json={}).status_code == 201
    zh = owner.get(f"/api/v1/habits/{hid}/stats", headers={"Accept-Language": "zh-CN"}).get_json()
    assert zh["roll_call_text"].split("\n")[0] == "已打卡 1/3，未打卡：@群主 @乙"
    assert (zh["done_count"], zh["member_count"], zh["today"]) == (1, 3, habit["today"])
    assert [row["name"] for row in zh["leaderboard"]] == ["甲"]
    assert ([row["name"] for row in zh["not_done"]], zh["not_done_count"], zh["page"],
            zh["pages"]) == (["群主", "乙"], 2, 1, 1)
    assert owner.get(f"/api/v1/habits/{hid}/stats?page=2").get_json()["not_done"] == []
    assert owner.get(f"/api/v1/habits/{hid}/stats?page=0").status_code == 422
    member = people["乙"][0].get(f"/api/v1/habits/{hid}/stats").get_json()
    assert member["not_done"] is None and member["roll_call_text"] is None
    assert member["not_done_count"] is None


def test_achievements_calendar_feed_and_undo(habit_of):
    habit, owner, people, _ = habit_of(milestones=[1])
    hid = habit["id"]
    runner, runner_id = people["甲"]
    done = runner.post(f"/api/v1/habits/{hid}/checkins", json={"text": "第一天"}).get_json()
    assert [a["days"] for a in done["achievements"]] == [1]
    listed = owner.get(f"/api/v1/habits/{hid}/achievements").get_json()
    assert [(a["member_id"], a["name"], a["days"]) for a in listed] == [(runner_id, "甲", 1)]
    assert listed[0]["verify_url"].endswith(f"/a/{listed[0]['id']}")
    month = habit["today"][:7]
    calendar = owner.get(f"/api/v1/habits/{hid}/calendar?month={month}&member_id={runner_id}")
    assert calendar.get_json()["days"] == [{"date": habit["today"], "makeup": False}]
    assert owner.get(f"/api/v1/habits/{hid}/calendar?month=2026-13").status_code == 422
    feed = owner.get(f"/api/v1/habits/{hid}/feed?date={habit['today']}").get_json()
    assert [(item["name"], item["text"]) for item in feed] == [("甲", "第一天")]
    assert people["乙"][0].delete(f"/api/v1/habits/{hid}/checkins/{done['id']}").status_code == 403
    assert runner.delete(f"/api/v1/habits/{hid}/checkins/{done['id']}").status_code == 204
    assert owner.get(f"/api/v1/habits/{hid}/achievements").get_json() == listed


def test_the_create_page_and_the_habit_page(habit_of, group_with, user):
    gid, owner, people = group_with(members=("甲",))
    form = owner.get(f"/g/{gid}/habits/new")
    assert form.status_code == 200 and 'name="weekdays"' in form.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True))
    data = {"title": "早起", "proof": "text", "weekdays": ["1", "2", "3", "4", "5", "6", "7"],
            "makeups_per_month": "2", "makeup_days_back": "3", "milestones": "7, 21",
            "window_start": "", "window_end": ""}
    if token:
        data["csrf_token"] = token.group(1)
    refused = owner.post(f"/g/{gid}/habits/new", data={**data, "window_start": "09:00"})
    assert refused.status_code == 422 and "早起" in refused.get_data(as_text=True)
    created = owner.post(f"/g/{gid}/habits/new", data=data)
    assert created.status_code == 303
    page = created.headers["Location"]
    runner = people["甲"][0]
    shown = runner.get(page).get_data(as_text=True)
    assert "早起" in shown and 'name="text"' in shown and "Current streak" in shown
    assert runner.post(f"{page}/checkin", data={"text": ""}).status_code == 422
    assert runner.post(f"{page}/checkin", data={"text": "六点起床"}).status_code == 303
    shown = runner.get(page).get_data(as_text=True)
    assert "You checked in today." in shown and "六点起床" in shown
