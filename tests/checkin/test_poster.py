"""The posters of a habit and of an event sign-in (grouptools/checkin/poster.py): the
day of the challenge counted in the group's zone, its days and window, the proof and
the certificates; an event's time."""
from datetime import date, datetime, timedelta, timezone

from grouptools.checkin.poster import day_line
from grouptools.checkin.models import Habit
from tests.kinds import poster_facts_of


def test_a_challenge_says_which_day_it_is(app, group_with):
    gid, owner, _ = group_with()
    hid = owner.post(f"/api/v1/groups/{gid}/habits", json={
        "title": "21 天早起", "proof": "photo", "weekdays": [1, 3, 5],
        "window_start": "06:00", "window_end": "09:00", "milestones": [7, 21]}).get_json()["id"]
    facts = [text for text, _ in poster_facts_of(app, "checkin", hid)]
    assert facts[0] == "Day 1"
    assert facts[1] == "Mon, Wed, Fri · 06:00–09:00"
    assert facts[2:] == ["Check in with a photo", "Certificates at 7 and 21 days"]
    with app.test_request_context("/?lang=zh_Hans"):
        habit = Habit.find(hid)
        habit.starts_on, habit.ends_on = date(2026, 3, 1), date(2026, 3, 21)
        assert day_line(habit, date(2026, 3, 5)) == "第 5 天 / 共 21 天"
        assert day_line(habit, date(2026, 2, 20)).endswith(" 开始")
        assert day_line(habit, date(2026, 3, 22)) == "共 21 天，已结束"


def test_an_event_says_when(app, group_with):
    gid, owner, _ = group_with()
    starts = datetime(2030, 6, 1, 6, 0, tzinfo=timezone.utc)  # 14:00 in Shanghai
    eid = owner.post(f"/api/v1/groups/{gid}/events", json={
        "title": "读书会签到", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "late_after": (starts + timedelta(minutes=15)).isoformat()}).get_json()["id"]
    facts = [text for text, _ in poster_facts_of(app, "event", eid)]
    # Babel puts a narrow no-break space before "PM".
    assert facts[0] == "Sat, Jun 1, 2030, 2:00\u202fPM – 4:00\u202fPM"
    assert facts[1] == "Late after 2:15\u202fPM"
    assert facts[2] == "Sign in by scanning the code shown at the event"
