"""What the share posters of a habit and of an event sign-in say beneath their titles
(core.posters): a habit's day of the challenge, its days and window, what a check-in
needs and the certificates it leads to; an event's time. Never who took part."""
from datetime import timedelta

from babel.dates import format_time
from babel.lists import format_list
from flask_babel import format_date

from grouptools.checkin.checkins import weekday_names, window_text
from grouptools.core.i18n import current_locale, gettext, local_datetime, ngettext
from grouptools.core.posters import PosterFact
from grouptools.core.timeutil import local_time, local_today

PROOF_LINES = {
    "text": lambda: gettext("Check in with a few words"),
    "photo": lambda: gettext("Check in with a photo"),
    "text_photo": lambda: gettext("Check in with a few words and a photo"),
}


def day_line(habit, today):
    """"Day 5 of 21", "Day 40", "Starts on Dec 8" or "21 days, finished"."""
    start = habit.starts_on or local_today(habit.group, habit.created_at)
    if today < start:
        return gettext("Starts on %(date)s", date=format_date(start))
    day = (today - start).days + 1
    if habit.ends_on is None:
        return gettext("Day %(day)d", day=day)
    total = (habit.ends_on - start).days + 1
    if day > total:
        return ngettext("%(num)d day, finished", "%(num)d days, finished", total)
    return gettext("Day %(day)d of %(total)d", day=day, total=total)


def habit_poster_facts(habit):
    facts = [PosterFact(day_line(habit, local_today(habit.group)))]
    days = gettext("Every day") if len(habit.weekdays) == 7 else weekday_names(habit)
    if habit.window_start is not None and habit.window_end is not None:
        days += " · " + window_text(habit)
    facts.append(PosterFact(days))
    if habit.proof in PROOF_LINES:
        facts.append(PosterFact(PROOF_LINES[habit.proof]()))
    if habit.milestones:
        facts.append(PosterFact(gettext("Certificates at %(days)s days", days=format_list(
            [str(days) for days in habit.milestones], locale=current_locale()))))
    return facts


def event_poster_facts(event):
    group = event.group
    start, end = local_time(group, event.starts_at), local_time(group, event.ends_at)
    if end.date() == start.date() or end - start < timedelta(hours=12):
        until = format_time(end, "short", locale=current_locale())
    else:
        until = local_datetime(event.ends_at, group)
    facts = [PosterFact(gettext("%(start)s – %(end)s",
                                start=local_datetime(event.starts_at, group), end=until))]
    if event.late_after is not None:
        facts.append(PosterFact(gettext("Late after %(time)s", time=format_time(
            local_time(group, event.late_after), "short", locale=current_locale()))))
    facts.append(PosterFact(gettext("Sign in by scanning the code shown at the event")))
    return facts
