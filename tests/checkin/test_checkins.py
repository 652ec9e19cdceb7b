"""The rules of checking in, at chosen instants (`now`): scheduled weekdays, the window,
make-ups, the ends of the habit and of membership, proof, the local day around
midnight and across daylight-saving changes, milestones, undoing, schedule changes."""
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import func, select

from grouptools.checkin import checkins, service, stats
from grouptools.checkin.checkins import DayRefused
from grouptools.checkin.models import Achievement, Checkin
from grouptools.core.closing import WidgetClosed
from grouptools.core.errors import Invalid, NotAllowed
from grouptools.extensions import db
from tests.checkin.conftest import at


def refusal(call):
    with pytest.raises(DayRefused) as refused:
        call()
    return str(refused.value.message)


def test_only_the_habits_weekdays_take_check_ins(world):
    w = world()
    habit = w.habit(weekdays=[1, 3, 5])
    runner = w.member("甲")
    message = refusal(lambda: w.check_in(runner, habit, at("2026-03-03 08:00")))  # Tuesday
    assert "not a check-in day" in message and "Mon, Wed, Fri" in message
    done = w.check_in(runner, habit, at("2026-03-04 08:00"))
    assert done.created and done.checkin.day == date(2026, 3, 4) and not done.checkin.makeup


def test_the_window_takes_its_start_and_refuses_its_end(world):
    w = world()
    habit = w.habit(window_start=time(6, 0), window_end=time(9, 0))
    early, on_time, late = w.member("甲"), w.member("乙"), w.member("丙")
    message = refusal(lambda: w.check_in(early, habit, at("2026-03-02 05:59:59")))
    assert "06:00–09:00" in message and "Asia/Shanghai" in message
    assert w.check_in(early, habit, at("2026-03-02 06:00")).created
    assert w.check_in(on_time, habit, at("2026-03-02 08:59:59")).created
    assert "06:00–09:00" in refusal(lambda: w.check_in(late, habit, at("2026-03-02 09:00")))


def test_make_ups_within_the_days_back_and_the_months_allowance(world):
    w = world()
    habit = w.habit(makeups_per_month=2, makeup_days_back=3)
    runner = w.member("甲")
    thursday = at("2026-03-05 20:00")
    made_up = w.check_in(runner, habit, thursday, date=date(2026, 3, 2))
    assert made_up.created and made_up.checkin.makeup
    assert "too long ago" in refusal(
        lambda: w.check_in(runner, habit, thursday, date=date(2026, 3, 1)))
    assert w.check_in(runner, habit, thursday, date=date(2026, 3, 3)).created
    assert w.me(runner, habit, thursday).makeups_left == 0
    assert "No make-ups left" in refusal(
        lambda: w.check_in(runner, habit, thursday, date=date(2026, 3, 4)))
    # Today is no make-up and needs none of the allowance.
    assert w.check_in(runner, habit, thursday).created


def test_make_ups_count_in_the_month_of_the_day_made_up(world):
    w = world()
    habit = w.habit(makeups_per_month=2, makeup_days_back=4)
    runner = w.member("甲")
    monday = at("2026-03-02 12:00")
    w.check_in(runner, habit, monday, date=date(2026, 2, 27))
    w.check_in(runner, habit, monday, date=date(2026, 2, 28))
    assert "February 2026" in refusal(
        lambda: w.check_in(runner, habit, monday, date=date(2026, 2, 26)))
    # March's allowance is untouched by February's make-ups.
    assert w.me(runner, habit, monday).makeups_left == 2
    assert w.check_in(runner, habit, monday, date=date(2026, 3, 1)).checkin.makeup


def test_no_future_day_no_day_before_the_start_after_the_end_or_before_joining(world):
    w = world()
    habit = w.habit(starts_on=date(2026, 3, 4), ends_on=date(2026, 3, 20))
    runner = w.member("甲")
    with pytest.raises(Invalid) as future:
        w.check_in(runner, habit, at("2026-03-05 08:00"), date=date(2026, 3, 6))
    assert "date" in future.value.errors
    assert "starts on" in refusal(
        lambda: w.check_in(runner, habit, at("2026-03-05 08:00"), date=date(2026, 3, 3)))
    assert "starts on" in refusal(lambda: w.check_in(runner, habit, at("2026-03-03 08:00")))
    assert "ended on" in refusal(lambda: w.check_in(runner, habit, at("2026-03-21 08:00")))
    newcomer = w.member("乙", joined=at("2026-03-05 10:00"))
    assert "joined the group" in refusal(
        lambda: w.check_in(newcomer, habit, at("2026-03-06 08:00"), date=date(2026, 3, 4)))
    assert w.check_in(newcomer, habit, at("2026-03-06 08:00"), date=date(2026, 3, 5)).created


def test_a_habit_that_began_last_week_takes_make_ups_of_its_first_days(world):
    w = world()
    habit = w.habit(starts_on=date(2026, 2, 23))
    runner = w.member("甲")
    assert w.check_in(runner, habit, at("2026-03-02 08:00"), date=date(2026, 2, 28)).created


def test_the_proof_the_habit_asks_for_is_required(world):
    w = world()
    words, photo = w.habit(proof="text"), w.habit(proof="photo")
    runner = w.member("甲")
    now = at("2026-03-02 08:00")
    with pytest.raises(Invalid) as missing:
        w.check_in(runner, words, now, text="  ")
    assert list(missing.value.errors) == ["text"]
    with pytest.raises(Invalid) as missing:
        w.check_in(runner, photo, now, text="跑完了")
    assert list(missing.value.errors) == ["image_ids"]
    assert w.check_in(runner, words, now, text="5 公里").checkin.text == "5 公里"


def test_the_same_day_again_answers_the_check_in_already_there(world):
    w = world()
    habit = w.habit()
    runner = w.member("甲")
    first = w.check_in(runner, habit, at("2026-03-02 07:00"), text="第一次")
    again = w.check_in(runner, habit, at("2026-03-02 21:00"), text="第二次")
    assert first.created and not again.created
    assert again.checkin.id == first.checkin.id and again.checkin.text == "第一次"
    assert w.me(runner, habit, at("2026-03-02 22:00")).total_days == 1


def test_a_closed_habit_takes_no_check_ins(world):
    w = world()
    habit = w.habit()
    runner = w.member("甲")
    service.close_habit(w.owner, habit)
    with pytest.raises(WidgetClosed):
        w.check_in(runner, habit, at("2026-03-02 08:00"))


def test_shanghai_midnight_starts_a_new_day_that_utc_has_not_reached(world):
    shanghai, utc = world("Asia/Shanghai"), world("UTC")
    late = datetime(2026, 3, 2, 15, 50, tzinfo=timezone.utc)  # 23:50 in Shanghai
    after_midnight = datetime(2026, 3, 2, 16, 10, tzinfo=timezone.utc)  # 00:10 next day
    for w in (shanghai, utc):
        w.runner, w.daily = w.member("甲"), w.habit()
        w.first = w.check_in(w.runner, w.daily, late)
        w.second = w.check_in(w.runner, w.daily, after_midnight)
    assert [shanghai.first.checkin.day, shanghai.second.checkin.day] == [date(2026, 3, 2),
                                                                          date(2026, 3, 3)]
    assert shanghai.second.created and shanghai.me(
        shanghai.runner, shanghai.daily, after_midnight).current_streak == 2
    assert utc.first.checkin.day == date(2026, 3, 2) and not utc.second.created
    # Today not yet done breaks nothing: the streak runs until the next midnight passes.
    assert shanghai.me(shanghai.runner, shanghai.daily, at("2026-03-04 23:59")).current_streak == 2
    assert shanghai.me(shanghai.runner, shanghai.daily, at("2026-03-05 00:00")).current_streak == 0
    assert utc.me(utc.runner, utc.daily, at("2026-03-04 07:59")).current_streak == 1  # Mar 3 UTC


def test_daylight_saving_changes_make_no_double_and_no_missing_day(world):
    w = world("America/New_York")
    habit = w.habit()
    runner = w.member("Ann")
    # Every 24 hours at 05:30 UTC across the spring change (Mar 8, 02:00 → 03:00).
    spring = [w.check_in(runner, habit, datetime(2026, 3, d, 5, 30, tzinfo=timezone.utc))
              for d in (6, 7, 8, 9)]
    assert [done.checkin.day for done in spring] == [date(2026, 3, d) for d in (6, 7, 8, 9)]
    assert all(done.created for done in spring)
    assert w.me(runner, habit, datetime(2026, 3, 9, 20, tzinfo=timezone.utc)).current_streak == 4
    # Autumn (Nov 1, 02:00 → 01:00): 01:30 comes twice on one day; 23:30 EST is still Nov 1.
    autumn = [datetime(2026, 10, 31, 4, 30, tzinfo=timezone.utc),  # Oct 31, 00:30 EDT
              datetime(2026, 11, 1, 5, 30, tzinfo=timezone.utc),  # Nov 1, 01:30 EDT
              datetime(2026, 11, 1, 6, 30, tzinfo=timezone.utc),  # Nov 1, 01:30 EST
              datetime(2026, 11, 2, 4, 30, tzinfo=timezone.utc),  # Nov 1, 23:30 EST
              datetime(2026, 11, 2, 5, 30, tzinfo=timezone.utc)]  # Nov 2, 00:30 EST
    done = [w.check_in(runner, habit, when) for when in autumn]
    assert [d.checkin.day.isoformat() for d in done] == [
        "2026-10-31", "2026-11-01", "2026-11-01", "2026-11-01", "2026-11-02"]
    assert [d.created for d in done] == [True, True, False, False, True]
    me = w.me(runner, habit, datetime(2026, 11, 2, 12, tzinfo=timezone.utc))
    assert (me.current_streak, me.total_days, me.done_today) == (3, 7, True)


def test_milestones_earn_an_achievement_exactly_once(world):
    w = world()
    habit = w.habit(milestones=[2, 3])
    runner, other = w.member("甲"), w.member("乙")
    earned = [w.check_in(runner, habit, at(f"2026-03-0{d} 08:00")).achievements
              for d in (2, 3, 4)]
    assert [[a.days for a in got] for got in earned] == [[], [2], [3]]
    # Undoing today's check-in keeps the achievement; checking in again earns nothing new.
    checkins.delete_checkin(runner, habit, _checkin_of(habit, "2026-03-04"),
                            now=at("2026-03-04 09:00"))
    assert w.me(runner, habit, at("2026-03-04 09:00")).total_days == 2
    assert w.check_in(runner, habit, at("2026-03-04 10:00")).achievements == []
    # A make-up counts towards a milestone.
    w.check_in(other, habit, at("2026-03-02 08:00"))
    w.check_in(other, habit, at("2026-03-04 08:00"))
    made_up = w.check_in(other, habit, at("2026-03-04 09:00"), date=date(2026, 3, 3))
    assert [a.days for a in made_up.achievements] == [3]
    counted = db.session.execute(select(Achievement.membership_id, func.count())
                                 .group_by(Achievement.membership_id)).all()
    assert sorted(count for _, count in counted) == [2, 2]


def _checkin_of(habit, day):
    return db.session.scalar(select(Checkin.public_id).where(
        Checkin.habit_id == habit.id, Checkin.day == date.fromisoformat(day)))


def test_members_undo_only_todays_check_in_managers_any(world):
    w = world()
    habit = w.habit()
    runner = w.member("甲")
    yesterday = w.check_in(runner, habit, at("2026-03-02 08:00")).checkin.public_id
    today = w.check_in(runner, habit, at("2026-03-03 08:00")).checkin.public_id
    with pytest.raises(NotAllowed):
        checkins.delete_checkin(runner, habit, yesterday, now=at("2026-03-03 09:00"))
    checkins.delete_checkin(runner, habit, today, now=at("2026-03-03 09:00"))
    checkins.delete_checkin(w.owner, habit, yesterday, now=at("2026-03-03 09:00"))
    me = w.me(runner, habit, at("2026-03-03 09:00"))
    assert (me.total_days, me.current_streak, me.done_today) == (0, 0, False)


def test_a_new_schedule_applies_from_then_on_and_keeps_stored_days(world):
    w = world()
    habit = w.habit()
    runner = w.member("甲")
    for d in range(2, 9):  # Monday to Sunday
        w.check_in(runner, habit, at(f"2026-03-0{d} 08:00"))
    monday = at("2026-03-09 08:00")
    assert w.me(runner, habit, monday).current_streak == 7
    service.update_habit(w.owner, habit, weekdays=[1, 2, 3, 4, 5])
    me = w.me(runner, habit, monday)
    assert (me.total_days, me.current_streak, me.longest_streak) == (7, 5, 5)
    calendar = stats.calendar(runner, habit, date(2026, 3, 1), now=monday)
    assert len(calendar["days"]) == 7  # the weekend's check-ins stay
    assert "not a check-in day" in refusal(
        lambda: w.check_in(runner, habit, at("2026-03-14 08:00")))  # Saturday now
    service.update_habit(w.owner, habit, starts_on=date(2026, 3, 5))
    assert w.me(runner, habit, monday).current_streak == 2  # Thursday and Friday
