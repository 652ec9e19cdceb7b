"""A member's month of check-ins as the habit page draws it: weeks from Monday (the ISO
week, as Chinese calendars start it), each day marked done, made up, not scheduled or
today, with the month before and after to link to; a day up to today can be opened
(`?day=YYYY-MM-DD`) to see its check-in."""
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from babel.dates import format_skeleton, get_day_names
from flask_babel import format_date
from markupsafe import Markup, escape

from grouptools.checkin import stats
from grouptools.checkin.service import month_bounds
from grouptools.checkin.streaks import is_scheduled
from grouptools.core.conditional import shared_by_askers
from grouptools.core.i18n import current_language, current_locale, gettext

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=4096)
def _cell_label(language, day, makeup, done, scheduled):
    """A cell's label: the same for every member and request that shows that day in that
    language, so it is worked out once (formatting 31 full dates a page cost more than the
    page's statements)."""
    when = format_date(day, "full")
    if makeup:
        return gettext("%(date)s: made up", date=when)
    if done:
        return gettext("%(date)s: checked in", date=when)
    return gettext("%(date)s: not checked in", date=when) if scheduled else when


@dataclass(frozen=True)
class Month:
    title: str
    value: str
    first: date  # the month's first day
    done: dict  # {day: whether it was made up} of the asker's check-ins in the month
    weekdays: tuple  # (short name, full name) from Monday
    previous: str
    following: str | None  # None: the month is this one
    selected: date | None  # the day opened, in this month
    also_done: set = frozenset()  # checked-in days of month_view's `also` range
    achievements: list | None = None  # the asker's ([stats.Earned]) with `achievements`


@lru_cache(maxsize=1024)
def _month_title(language, first):
    """"December 2026", "2026年12月": the same for every page of that month and language."""
    return format_skeleton("yMMMM", first, locale=current_locale())


@lru_cache(maxsize=64)
def _weekdays(language):
    """[(short name, full name)] from Monday, in `language` (the request's)."""
    locale = current_locale()
    short, full = get_day_names("narrow", locale=locale), get_day_names("wide", locale=locale)
    return tuple((short[i], full[i]) for i in range(7))


@lru_cache(maxsize=64)
def weekday_header(language):
    """The calendar's head row of weekdays in `language` (the request's): worked out
    once per language (a template loop per page cost more)."""
    cells = "".join(f'<th scope="col" abbr="{escape(full)}"><span aria-hidden="true">'
                    f'{escape(short)}</span><span class="sr-only">{escape(full)}</span></th>'
                    for short, full in _weekdays(language))
    return Markup(f"<tr>{cells}</tr>")


def read_month(typed):
    """The first day of the month typed as YYYY-MM, or None (then: this month)."""
    match = MONTH.match(typed or "")
    if not match or int(match.group(1)) < 1900:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def read_day(typed, today):
    """The day typed as YYYY-MM-DD if it is a date up to `today`, else None (a day still
    to come has nothing to show)."""
    if not DAY.match(typed or ""):
        return None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        return None
    return day if date(1900, 1, 1) <= day <= today else None


def shown_month(today, typed_month=None, typed_day=None):
    """(the day opened or None, the first day of the month shown) of a habit's calendar,
    `today` being the group's local date: the month `typed_month` (YYYY-MM; anything
    else: this month, as is a month still to come), or the month of the day opened
    (`typed_day`, YYYY-MM-DD up to today)."""
    selected = read_day(typed_day, today)
    month = selected.replace(day=1) if selected else read_month(typed_month)
    return selected, month if month and month <= today else today.replace(day=1)


def month_view(person, habit, today, typed_month=None, typed_day=None, known=None, also=None,
               achievements=False, read=None):
    """The asker's month of the habit (shown_month), `today` being the group's local
    date. `known`, `also` and `read` as stats.calendar takes them, and `achievements`
    (read in the same statement)."""
    selected, month = shown_month(today, typed_month, typed_day)
    figures = stats.calendar(person, habit, month, known=known, also=also,
                             achievements=achievements, read=read)
    first, following = month_bounds(date.fromisoformat(figures["month"] + "-01"))
    language = current_language()
    return Month(
        title=_month_title(language, first), value=first.strftime("%Y-%m"), first=first,
        done={date.fromisoformat(day["date"]): day["makeup"] for day in figures["days"]},
        weekdays=_weekdays(language), previous=(first - timedelta(days=1)).strftime("%Y-%m"),
        following=following.strftime("%Y-%m") if following <= today else None,
        selected=selected, also_done=figures.get("also_done", frozenset()),
        achievements=figures.get("achievements"))


def calendar_rows(habit, month, today, day_link, now=None):
    """The table rows of `month`'s weeks as the asker sees them, each day a link to
    `day_link?day=…` up to `today`: a day's cell in each of its three forms (not checked
    in, checked in, made up) is the same for every member who opens that month on that
    day, so the cells are drawn once (core.conditional.shared_by_askers, the habit's
    clock at `now` holding its local date) and the asker's check-ins choose among them
    (a template block per day cost more than the page's statements, bench/inprocess.py)."""
    weeks = shared_by_askers(habit, "calendar cells",
                             lambda: _cells(habit, month, today, day_link), month.first,
                             month.selected, day_link, now=now)
    done = month.done
    rows = []
    for week in weeks:
        cells = []
        for cell in week:
            if type(cell) is str:
                cells.append(cell)
            else:
                made_up = done.get(cell[0])
                cells.append(cell[1][0 if made_up is None else 2 if made_up else 1])
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return Markup("\n      ".join(rows))


_FORMS = ((False, False), (True, False), (True, True))  # (done, made up)


def _cells(habit, month, today, day_link):
    """calendar_rows' weeks: each cell "<td></td>" outside the month, else (its day, its
    three forms)."""
    language = current_language()
    made_up = f"<small>{escape(gettext('made up'))}</small>"
    link = escape(day_link)
    first, following = month.first, month_bounds(month.first)[1]
    cells = ["<td></td>"] * first.weekday()
    day = first
    while day < following:
        scheduled, past = is_scheduled(habit, day), day <= today
        forms = []
        for done, makeup in _FORMS:
            classes = "".join((
                "is-done" if done else "", " is-makeup" if makeup else "",
                "" if scheduled else " is-off", " is-today" if day == today else "",
                " is-selected" if day == month.selected else ""))
            mark = made_up if makeup else "<small>✓</small>" if done else ""
            label = _cell_label(language, day, makeup, done, scheduled)
            shown = (f'<span aria-hidden="true">{day.day}{mark}</span>'
                     f'<span class="sr-only">{escape(label)}</span>')
            if past:
                described = ' aria-describedby="day-title"' if day == month.selected else ""
                shown = (f'<a href="{link}?day={day.isoformat()}#day"{described} '
                         f'class="habit-cell">{shown}</a>')
            else:
                shown = f'<span class="habit-cell">{shown}</span>'
            current = ' aria-current="date"' if day == today else ""
            forms.append(f'<td class="{classes}"{current}>{shown}</td>')
        cells.append((day, tuple(forms)))
        day += timedelta(days=1)
    cells += ["<td></td>"] * (-len(cells) % 7)
    return tuple(tuple(cells[i:i + 7]) for i in range(0, len(cells), 7))
