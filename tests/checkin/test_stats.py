"""What members see of each other: the leaderboard, today's count and the roll call,
calendars, the feed, achievements; a departed member drops out; the statements run do
not grow with the number of members."""
from datetime import date

from sqlalchemy import func, select

from grouptools.checkin import stats
from grouptools.checkin.models import Achievement, Checkin
from grouptools.core.errors import NotFound
from grouptools.core.uploads import store_image
from grouptools.extensions import db
from tests.checkin.conftest import at
from tests.conftest import statements_run
from tests.poll.conftest import png_bytes

import pytest


def test_the_leaderboard_ranks_by_total_days_then_current_streak(world):
    w = world()
    habit = w.habit()
    steady, broken, fresh = w.member("甲"), w.member("乙"), w.member("丙")
    for d in (2, 3, 4, 5):
        w.check_in(steady, habit, at(f"2026-03-0{d} 07:00"))
    for d in (1, 2, 4, 5):
        w.check_in(broken, habit, at(f"2026-03-0{d} 07:00"))
    w.check_in(fresh, habit, at("2026-03-05 07:00"))
    board = w.stats(habit, at("2026-03-05 22:00"))
    assert [(row.name, row.total_days, row.current_streak, row.longest_streak, row.done_today)
            for row in board.leaderboard] == [("甲", 4, 4, 4, True), ("乙", 4, 2, 2, True),
                                              ("丙", 1, 1, 1, True)]
    assert (board.done_count, board.member_count) == (3, 4)
    # The next evening, nobody has checked in yet: the streaks still run.
    board = w.stats(habit, at("2026-03-06 22:00"))
    assert board.done_count == 0 and board.leaderboard[0].current_streak == 4
    assert [m.name for m in board.not_done] == ["群主", "甲", "乙", "丙"]


def test_a_tie_at_the_last_place_keeps_the_order_of_the_whole_board(world):
    """However few places are shown, they are the first places of the whole board: a tie
    at the last one goes by current streak (ending today or on the day before), then by
    joining, streaks that ended earlier counting as none."""
    w = world()
    habit = w.habit()
    days = {  # joined in this order (ids grow), each checked in on these days of March
        "丁": (1, 2, 3, 4),  # 4 days, the streak ended on the 4th: no current streak
        "戊": (1, 2, 3, 4),
        "丙": (1, 2, 3, 5),  # 4 days, a streak of 1 ending yesterday
        "丑": (1, 2, 3, 5),
        "寅": (1, 2, 3, 5),
        "乙": (2, 4, 5, 6),  # 4 days, a streak of 3 ending today
        "甲": (3, 4, 5, 6),  # 4 days, a streak of 4 ending today
        "己": (1, 2, 3, 4, 5),  # 5 days, a streak of 5 ending yesterday
        "庚": (6,),
        "辛": (2, 5),  # 2 days, a streak of 1 ending yesterday
        "壬": (5, 6),  # 2 days, a streak of 2 ending today
        "癸": (2, 3, 4, 5),  # 4 days, a streak of 4 ending yesterday, joined last
    }
    members = {name: w.member(name) for name in days}
    for name, dates in days.items():
        for day in dates:
            w.check_in(members[name], habit, at(f"2026-03-0{day} 07:00"))
    now = at("2026-03-06 22:00")
    whole = [(row.name, row.total_days, row.current_streak)
             for row in stats.habit_stats(w.owner, habit, now=now).leaderboard]
    assert whole == [("己", 5, 5), ("甲", 4, 4), ("癸", 4, 4), ("乙", 4, 3), ("丙", 4, 1),
                     ("丑", 4, 1), ("寅", 4, 1), ("丁", 4, 0), ("戊", 4, 0), ("壬", 2, 2),
                     ("辛", 2, 1), ("庚", 1, 1)]
    for shown in range(1, len(whole) + 2):
        board = stats.habit_stats(w.owner, habit, now=now, leaderboard_max=shown).leaderboard
        assert [(row.name, row.total_days, row.current_streak) for row in board] \
            == whole[:shown], shown
    # Two days later every streak has ended: the ties go by joining alone.
    later = stats.habit_stats(w.owner, habit, now=at("2026-03-08 22:00"), leaderboard_max=3)
    assert [(row.name, row.current_streak) for row in later.leaderboard] \
        == [("己", 0), ("丁", 0), ("戊", 0)]


def test_on_a_habits_first_day_the_ties_go_by_joining(world):
    w = world()
    habit = w.habit(starts_on=date(2026, 3, 6))  # no scheduled day before today
    first, second, third = w.member("甲"), w.member("乙"), w.member("丙")
    for person in (third, first, second):
        w.check_in(person, habit, at("2026-03-06 07:00"))
    board = stats.habit_stats(w.owner, habit, now=at("2026-03-06 22:00"), leaderboard_max=2)
    assert [(row.name, row.current_streak) for row in board.leaderboard] == [("甲", 1), ("乙", 1)]


def test_the_roll_call_names_who_has_not_checked_in_today(world):
    w = world()
    habit = w.habit()
    w.member("乙"), w.member("丙")
    runner = w.member("甲")
    w.check_in(runner, habit, at("2026-03-02 07:00"))
    board = w.stats(habit, at("2026-03-02 20:00"))
    line, link = board.roll_call_text.split("\n")
    assert line == "Checked in 1/4, not yet: @群主 @乙 @丙"
    assert link.endswith(f"/h/{habit.public_id}")
    member_view = w.stats(habit, at("2026-03-02 20:00"), person=runner)
    assert member_view.not_done is None and member_view.roll_call_text is None


def test_no_roll_call_on_a_day_off(world):
    w = world()
    habit = w.habit(weekdays=[1, 2, 3, 4, 5])
    w.member("甲")
    board = w.stats(habit, at("2026-03-07 20:00"))  # Saturday
    assert not board.scheduled_today and board.not_done == [] and board.roll_call_text is None


def test_a_departed_member_drops_out_and_their_history_stays(world):
    w = world()
    habit = w.habit(milestones=[1])
    leaver, stayer = w.member("甲"), w.member("乙")
    leaver_id = w.membership(leaver).public_id
    w.check_in(leaver, habit, at("2026-03-02 07:00"))
    w.check_in(stayer, habit, at("2026-03-02 07:00"))
    w.remove(leaver)
    board = w.stats(habit, at("2026-03-02 20:00"))
    assert [row.name for row in board.leaderboard] == ["乙"]
    assert (board.done_count, board.member_count) == (1, 2)
    assert [m.name for m in board.not_done] == ["群主"]
    assert [member.display_name for _, member in stats.feed(w.owner, habit, date(2026, 3, 2))] \
        == ["乙"]
    with pytest.raises(NotFound):
        stats.calendar(w.owner, habit, member_id=leaver_id, now=at("2026-03-02 20:00"))
    # Stored as history: the check-in and the achievement (still verifiable by its id).
    assert db.session.scalar(select(func.count()).select_from(Checkin)) == 2
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == 2
    assert [member.display_name for _, member in stats.achievements(w.owner, habit)] == ["乙"]


def test_another_members_calendar_and_a_days_feed(world):
    w = world()
    habit = w.habit()
    runner = w.member("甲")
    w.check_in(runner, habit, at("2026-02-28 07:00"))
    w.check_in(runner, habit, at("2026-03-01 07:00"), text="一")
    w.check_in(runner, habit, at("2026-03-03 07:00"), date=date(2026, 3, 2))
    calendar = stats.calendar(w.owner, habit, date(2026, 3, 1),
                              member_id=w.membership(runner).public_id,
                              now=at("2026-03-03 08:00"))
    assert calendar == {"month": "2026-03", "days": [
        {"date": "2026-03-01", "makeup": False}, {"date": "2026-03-02", "makeup": True}],
        "current_streak": 3, "longest_streak": 3, "total_days": 3}
    mine = stats.calendar(w.owner, habit, now=at("2026-03-03 08:00"))
    assert mine["days"] == [] and mine["total_days"] == 0
    feed = stats.feed(runner, habit, date(2026, 3, 1))
    assert [(c.text, m.display_name) for c, m in feed] == [("一", "甲")]


@pytest.mark.parametrize("route", ["stats", "", "calendar", "feed", "achievements"])
def test_statements_do_not_grow_with_the_members(app, group_with, route):
    def statements(count):
        gid, owner, people = group_with(members=[f"成员{i}" for i in range(count)])
        hid = owner.post(f"/api/v1/groups/{gid}/habits", json={
            "title": "读书", "milestones": [1]}).get_json()["id"]
        for person, _ in people.values():
            assert person.post(f"/api/v1/habits/{hid}/checkins", json={}).status_code == 201
        path = f"/api/v1/habits/{hid}" + (f"/{route}" if route else "")
        owner.get(path)
        with statements_run(app) as run:
            response = owner.get(path)
        assert response.status_code == 200
        return len(run)

    assert statements(5) == statements(50)


def test_who_has_not_checked_in_comes_a_page_at_a_time(world, monkeypatch):
    monkeypatch.setattr(stats, "NOT_DONE_PAGE", 2)
    monkeypatch.setattr(stats, "NOT_DONE_MAX", 3)
    w = world()
    habit = w.habit()
    members = {name: w.member(name) for name in ("甲", "乙", "丙", "丁")}
    w.check_in(members["甲"], habit, at("2026-03-02 07:00"))
    when = at("2026-03-02 20:00")
    pages = [stats.habit_stats(w.owner, habit, when, page=n) for n in (1, 2, 3, 4)]
    assert [[m.name for m in board.not_done] for board in pages] == \
        [["群主", "乙"], ["丙", "丁"], [], []]  # page 2 is read past the roll call's names
    assert {(board.not_done_count, board.pages) for board in pages} == {(4, 2)}
    # The roll call names its first NOT_DONE_MAX on every page.
    assert all(board.roll_call_text.startswith("Checked in 1/5, not yet: @群主 @乙 @丙 …")
               for board in pages)


def test_the_newest_check_ins_of_a_day_come_newest_first_up_to_the_limit(world):
    """What the habit page's feed shows: the newest few, of members still in the group."""
    w = world()
    habit = w.habit()
    runners = [w.member(name) for name in ("甲", "乙", "丙", "丁")]
    for minute, runner in enumerate(runners):
        w.check_in(runner, habit, at(f"2026-03-02 07:0{minute}"), text=f"第{minute}")
    w.remove(runners[3])
    newest = stats.newest_checkins(habit, date(2026, 3, 2), 2)
    assert [(item.name, item.text, item.makeup) for item in newest] == [
        ("丙", "第2", False), ("乙", "第1", False)]
    assert newest[0].member_id == w.membership(runners[2]).public_id
    assert newest[0].image_ids == []
    assert [item.name for item in stats.newest_checkins(habit, date(2026, 3, 2), 10)] == [
        "丙", "乙", "甲"]
    assert stats.newest_checkins(habit, date(2026, 3, 3), 10) == []


def test_the_habit_pages_feed_read_with_the_leaderboard_is_the_newest_check_ins(world):
    """The habit page reads today's newest check-ins in the leaderboard's statement: the
    same items, newest first, each with its pictures in the order attached."""
    w = world()
    habit = w.habit()
    runners = [w.member(name) for name in ("甲", "乙", "丙")]
    pictures = [store_image(runners[1], png_bytes((10 * n, 80, 60)), habit.group).public_id
                for n in range(3)]
    w.check_in(runners[0], habit, at("2026-03-02 07:00"), text="第一")
    w.check_in(runners[1], habit, at("2026-03-02 07:05"), image_ids=[pictures[2], pictures[0],
                                                                      pictures[1]])
    w.check_in(runners[2], habit, at("2026-03-02 07:09"), text="第三")
    board = stats.habit_stats(w.owner, habit, at("2026-03-02 08:00"), leaderboard_max=10,
                              feed_max=2)
    assert board.feed == stats.newest_checkins(habit, date(2026, 3, 2), 2)
    assert [(item.name, item.image_ids) for item in board.feed] == [
        ("丙", []), ("乙", [pictures[2], pictures[0], pictures[1]])]
    assert len(board.leaderboard) == 3 and board.done_count == 3
    assert stats.habit_stats(w.owner, habit, at("2026-03-02 08:00")).feed is None
