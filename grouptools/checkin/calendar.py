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
from grouptools.core.i18n import current_language, current_locale, gettext

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Day:
    day: date
    done: bool
    makeup: bool
    scheduled: bool
    today: bool
    past: bool  # today or before: it can be opened
    selected: bool  # the day opened

    label: str  # what a screen reader says for the cell


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
    weeks: list  # of 7 cells: a Day, or None outside the month
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
    done = {date.fromisoformat(day["date"]): day["makeup"] for day in figures["days"]}
    language = current_language()
    cells = [None] * first.weekday()
    day = first
    while day < following:
        makeup, scheduled = done.get(day, False), is_scheduled(habit, day)
        cells.append(Day(day, day in done, makeup, scheduled, day == today, day <= today,
                         day == selected,
                         _cell_label(language, day, makeup, day in done, scheduled)))
        day += timedelta(days=1)
    cells += [None] * (-len(cells) % 7)
    previous = (first - timedelta(days=1)).strftime("%Y-%m")
    return Month(
        title=_month_title(language, first), value=first.strftime("%Y-%m"),
        weeks=[cells[i:i + 7] for i in range(0, len(cells), 7)],
        weekdays=_weekdays(language), previous=previous,
        following=following.strftime("%Y-%m") if following <= today else None,
        selected=selected, also_done=figures.get("also_done", frozenset()),
        achievements=figures.get("achievements"))


def calendar_rows(month, day_link):
    """The table rows of `month`'s weeks, each day a link to `day_link?day=…` up to today:
    built here in one pass, not by the template (a template block per day cost more than
    the page's statements, bench/inprocess.py)."""
    made_up = f"<small>{escape(gettext('made up'))}</small>"
    link = escape(day_link)
    rows = []
    for week in month.weeks:
        cells = []
        for cell in week:
            if cell is None:
                cells.append("<td></td>")
                continue
            classes = "".join((
                "is-done" if cell.done else "", " is-makeup" if cell.makeup else "",
                "" if cell.scheduled else " is-off", " is-today" if cell.today else "",
                " is-selected" if cell.selected else ""))
            mark = made_up if cell.makeup else "<small>✓</small>" if cell.done else ""
            shown = (f'<span aria-hidden="true">{cell.day.day}{mark}</span>'
                     f'<span class="sr-only">{escape(cell.label)}</span>')
            if cell.past:
                described = ' aria-describedby="day-title"' if cell.selected else ""
                shown = (f'<a href="{link}?day={cell.day.isoformat()}#day"{described} '
                         f'class="habit-cell">{shown}</a>')
            else:
                shown = f'<span class="habit-cell">{shown}</span>'
            current = ' aria-current="date"' if cell.today else ""
            cells.append(f'<td class="{classes}"{current}>{shown}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return Markup("\n      ".join(rows))
