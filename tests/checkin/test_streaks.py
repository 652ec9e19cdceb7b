"""The day and streak rules as plain functions: scheduled days, streaks that weekends
do not break, today not yet done, a schedule that changed."""
from datetime import date, timedelta

from grouptools.checkin.models import Habit
from grouptools.checkin.streaks import (
    current_streak,
    figures,
    is_scheduled,
    next_scheduled_day,
    previous_scheduled_day,
)

MON = date(2026, 3, 2)  # a Monday


def day(offset):
    return MON + timedelta(days=offset)


def habit(weekdays=range(1, 8), starts_on=None, ends_on=None):
    made = Habit(title="晨跑", weekdays=weekdays, starts_on=starts_on, ends_on=ends_on)
    return made


def test_scheduled_days_are_the_weekdays_between_start_and_end():
    weekdays = habit([1, 3, 5], starts_on=day(2), ends_on=day(11))
    scheduled = [d for d in (day(i) for i in range(-7, 20)) if is_scheduled(weekdays, d)]
    assert scheduled == [day(2), day(4), day(7), day(9), day(11)]


def test_next_and_previous_scheduled_day_skip_days_off_and_stop_at_the_ends():
    weekdays = habit([1, 3, 5], starts_on=day(0), ends_on=day(11))
    assert next_scheduled_day(weekdays, day(4)) == day(7)  # Friday → Monday
    assert previous_scheduled_day(weekdays, day(7)) == day(4)
    assert next_scheduled_day(weekdays, day(11)) is None
    assert previous_scheduled_day(weekdays, day(0)) is None
    assert previous_scheduled_day(weekdays, day(30)) == day(11)


def test_weekends_off_neither_break_nor_extend_a_streak():
    weekdays = habit(range(1, 6))
    worked = figures(weekdays, [day(0), day(1), day(2), day(3), day(4), day(7)])
    assert (worked.total_days, worked.streak, worked.longest_streak) == (6, 6, 6)


def test_a_missed_scheduled_day_breaks_the_streak():
    worked = figures(habit([1, 3, 5]), [day(0), day(2), day(7), day(9)])  # Friday missed
    assert (worked.streak, worked.longest_streak) == (2, 2)
    worked = figures(habit(), [day(0), day(1), day(2), day(4)])
    assert (worked.streak, worked.longest_streak, worked.last_day) == (1, 3, day(4))


def test_today_not_yet_done_does_not_break_the_streak():
    daily = habit()
    worked = figures(daily, [day(0), day(1), day(2)])
    assert current_streak(daily, worked.streak_end, worked.streak, today=day(3)) == 3
    assert current_streak(daily, worked.streak_end, worked.streak, today=day(4)) == 0
    # Friday's streak still runs on Monday when weekends are off.
    weekdays = habit(range(1, 6))
    worked = figures(weekdays, [day(3), day(4)])
    assert current_streak(weekdays, worked.streak_end, worked.streak, today=day(7)) == 2
    assert current_streak(weekdays, worked.streak_end, worked.streak, today=day(8)) == 0


def test_a_streak_before_the_first_scheduled_day_of_a_late_start():
    late = habit(starts_on=day(10))
    assert current_streak(late, None, 0, today=day(5)) == 0
    assert previous_scheduled_day(late, day(10)) is None


def test_check_ins_stored_before_a_schedule_change_count_in_the_total_not_in_streaks():
    # Checked in every day for a week; then the habit drops the weekends.
    days = [day(i) for i in range(7)]
    weekdays = habit(range(1, 6))
    worked = figures(weekdays, days + [day(7)])
    assert worked.total_days == 8
    assert (worked.streak, worked.longest_streak, worked.streak_end) == (6, 6, day(7))
    # A Saturday check-in kept from before does not hide a missed Friday.
    worked = figures(weekdays, [day(3), day(5)])
    assert current_streak(weekdays, worked.streak_end, worked.streak, today=day(7)) == 0
