"""Check-in pages: creating a habit from a phone, and the habit's page — the member's
own figures, the check-in form with the proof the habit asks for (words, photos), a
missed day to make up, the month calendar whose days open to their check-in, today's
check-ins and the leaderboard; for managers the roll call to paste in the chat. Every action is a plain form that redirects; a form with mistakes comes back
(422 or 409) with what was typed.

Sharing, closing and deleting are the kit's (core.widgetpages)."""
from datetime import timedelta
from typing import NamedTuple

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from markupsafe import Markup

from grouptools.checkin import checkins, service, stats
from grouptools.checkin.blueprints import bp
from grouptools.checkin.calendar import calendar_rows, month_view, shown_month, weekday_header
from grouptools.checkin.certpages import my_certificates
from grouptools.checkin.forms import FORM_FIELDS, read_checkin_form, too_many_photos, typed_checkin
from grouptools.checkin.kind import CHECKIN
from grouptools.checkin.models import Checkin, Habit
from grouptools.checkin.pagerows import feed_rows, leaderboard_rows
from grouptools.checkin.schemas import HabitCreateSchema
from grouptools.checkin.streaks import is_scheduled
from grouptools.core.access import Action, authorize
from grouptools.core.conditional import shared_by_askers
from grouptools.core.database import before_the_write
from grouptools.core.errors import DomainError
from grouptools.core.forms import error_status, errors_by_input, load, shown_on_form
from grouptools.core.groups.service import find_group
from grouptools.core.i18n import current_language, gettext, ngettext
from grouptools.core.identity import require_person
from grouptools.core.loaders import load_widget
from grouptools.core.pickedphotos import limit_photo_uploads
from grouptools.core.ratelimits import rate_limited
from grouptools.core.timeutil import local_today, utcnow
from grouptools.core.uploads import TooManyPixelsAtOnce
from grouptools.core.widgetpages import member_page_or_public_card, widget_link, widget_preview

LEADERBOARD_SHOWN = 10
FEED_SHOWN = 10  # the newest of today's check-ins on the habit page; the rest: /today
INTEGERS = ("makeups_per_month", "makeup_days_back")
OPTIONAL = ("window_start", "window_end", "starts_on", "ends_on")


def _number(typed):
    """A typed whole number as a number; anything else as typed, for the schema to refuse."""
    typed = typed.strip()
    return int(typed) if typed.isdigit() and len(typed) < 10 else typed


def _read_habit_form():
    """(payload for the API's schema, what was typed)."""
    form = request.form
    typed = {name: form.get(name, "") for name in
             ("title", "description", "proof", "milestones", *INTEGERS, *OPTIONAL)}
    typed["weekdays"] = form.getlist("weekdays")
    payload = {"title": typed["title"], "description": typed["description"],
               "proof": typed["proof"] or "none",
               "weekdays": [_number(day) for day in typed["weekdays"]],
               "milestones": [_number(days) for days in
                              typed["milestones"].replace("，", ",").split(",") if days.strip()]}
    payload.update({name: _number(typed[name]) for name in INTEGERS if typed[name].strip()})
    payload.update({name: typed[name].strip() or None for name in OPTIONAL})
    return payload, typed


@bp.route("/g/<pid:gid>/habits/new", methods=["GET", "POST"])
@rate_limited("create_widget")
def create_habit(gid):
    group = find_group(gid)
    person = require_person()
    authorize(person, Action.CREATE_WIDGET, group)
    typed = {"proof": "none", "weekdays": [str(day) for day in range(1, 8)],
             "makeups_per_month": "2", "makeup_days_back": "3", "milestones": "7, 21, 30, 100"}
    errors, status = {}, 200
    if request.method == "POST":
        payload, typed = _read_habit_form()
        data, errors = load(HabitCreateSchema(), payload)
        if not errors:
            try:
                habit = service.create_habit(person, group, **data)
            except DomainError as error:
                if not shown_on_form(error):
                    raise
                errors = error
            else:
                flash(gettext("Your check-in is ready. Share its link in the chat."), "success")
                return redirect(url_for("checkin_pages.show_habit", hid=habit.public_id), code=303)
        errors, status = errors_by_input(errors), error_status(errors)
    return render_template("checkin/create.html", group=group, values=typed, errors=errors,
                           proofs=proof_labels(), weekday_choices=checkins.weekday_choices()
                           ), status


def proof_labels():
    return [("none", gettext("Nothing: a tap is enough")), ("text", gettext("A few words")),
            ("photo", gettext("A photo")), ("text_photo", gettext("A few words and a photo"))]


def makeup_range(habit, state):
    """(first, end) of the past days a make-up may fill, None when the member has none
    to make: the calendar reads their check-ins of those days too (stats.calendar)."""
    if state.me is None or habit.makeup_days_back == 0 or state.me.makeups_left == 0:
        return None
    return service.makeup_window(habit, state.today)


def makeup_days(habit, membership, state, done):
    """(value, label) of past days the member may still make up: scheduled, theirs, not checked in, within
    the habit's range (the monthly count is checked when they try). `done`: the days of
    `makeup_range` checked in."""
    if makeup_range(habit, state) is None:
        return []
    today = state.today
    candidates = [today - timedelta(days=back) for back in range(1, habit.makeup_days_back + 1)]
    joined = checkins.joined_on(membership)
    return [(day.isoformat(), format_date(day, "full")) for day in candidates
            if is_scheduled(habit, day) and day not in done and (joined is None or day >= joined)]


def _with_typed_day(makeups, typed):
    """A make-up refused for its day (the month's make-ups used up meanwhile) comes back
    with that day still chosen, though it is no longer offered."""
    if typed and typed not in {value for value, _ in makeups}:
        return [(typed, typed), *makeups]
    return makeups


class Board(NamedTuple):
    """The habit page's lists as every member reads them (managers: with the roll call),
    drawn once a version (core.conditional.shared_by_askers)."""

    leaderboard_rows: Markup  # pagerows.leaderboard_rows of the first LEADERBOARD_SHOWN
    feed_rows: Markup  # pagerows.feed_rows of today's newest FEED_SHOWN
    feed_shown: int
    roll_call_text: str | None


def _board(person, habit, counts, now):
    board = stats.habit_stats(person, habit, now, known_counts=counts,
                              leaderboard_max=LEADERBOARD_SHOWN, feed_max=FEED_SHOWN)
    return Board(leaderboard_rows(board.leaderboard), feed_rows(board.feed, habit.group),
                 len(board.feed), board.roll_call_text)


def _show(loaded, typed=None, errors=None, status=200):
    habit, person = loaded.widget, loaded.person
    # The calendar is read with the asker's figures: the month shown, and every day a
    # make-up could fill (makeup_range narrows them once the figures are known).
    now = utcnow()
    _, shown = shown_month(local_today(habit.group, now), request.args.get("month"),
                           request.args.get("day"))
    state = service.habit_state(person, habit, now, with_counts=True, shown=shown)
    board = shared_by_askers(habit, "habit page board",
                             lambda: _board(person, habit, state.counts, now), state.manager,
                             now=now)
    members, done = state.counts
    page_url = url_for("checkin_pages.show_habit", hid=habit.public_id)
    calendar = month_view(person, habit, state.today, request.args.get("month"),
                          request.args.get("day"), known=state.me,
                          also=makeup_range(habit, state), achievements=True,
                          read=state.month_read)
    return render_template(
        "checkin/show.html", habit=habit, group=habit.group, state=state, board=board,
        done_count=done, member_count=members, more_today=max(done - board.feed_shown, 0),
        makeups=_with_typed_day(
            makeup_days(habit, loaded.membership, state, calendar.also_done),
            (typed or {}).get("date")),
        scheduled_today=is_scheduled(habit, state.today), weekdays=checkins.weekday_names(habit),
        window=checkins.window_text(habit) if habit.window_start else None,
        calendar=calendar, page_url=page_url,
        calendar_rows=calendar_rows(habit, calendar, state.today, page_url, now),
        calendar_head=weekday_header(current_language()),
        day_checkin=calendar.selected and stats.checkin_on(
            person, habit, calendar.selected),
        photos_max=Checkin.IMAGES_MAX, too_many_photos=too_many_photos(),
        certificates=my_certificates(habit, loaded.membership, known=calendar.achievements),
        values=typed or {}, errors=errors or {}, preview=widget_preview(habit),
        link=widget_link(habit)), status


@bp.get("/h/<pid:hid>")
def show_habit(hid):
    return member_page_or_public_card(CHECKIN, hid, _show)


@bp.get("/h/<pid:hid>/today")
def todays_checkins(hid):
    """Every check-in of today (the first stats.FEED_MAX, newest first): the habit page
    shows the newest FEED_SHOWN and links here for the rest."""
    habit, _, _ = load_widget(Habit, hid)
    today = local_today(habit.group)
    feed = stats.newest_checkins(habit, today, stats.FEED_MAX)
    return render_template("checkin/today.html", habit=habit, group=habit.group, feed=feed,
                           feed_rows=feed_rows(feed, habit.group), shown_max=stats.FEED_MAX)


@bp.post("/h/<pid:hid>/checkin")
@rate_limited("check_in")
@limit_photo_uploads()
def check_in(hid):
    """Today's check-in or a make-up (a past `date`), with the proof the habit asks for;
    photos come as files (no JavaScript) or as ids uploaded first (static/js/photos.js)."""
    with before_the_write():  # the writer's turn held for the write alone
        loaded = load_widget(Habit, hid, Action.ACT)
    typed = typed_checkin(loaded.widget)
    try:
        data, errors = read_checkin_form(loaded.person, loaded.widget, typed)
    except TooManyPixelsAtOnce as error:
        return _show(loaded, typed, {"photos": [str(error.message)]}, error.status)
    if not errors:
        try:
            done = checkins.check_in(loaded.person, loaded.widget, **data)
        except DomainError as error:
            if not shown_on_form(error):
                raise
            errors = error
        else:
            _flash_checked_in(done)
            return redirect(url_for("checkin_pages.show_habit", hid=hid), code=303)
    return _show(loaded, typed, errors_by_input(errors, FORM_FIELDS), error_status(errors))


def _flash_checked_in(done):
    if not done.created:
        flash(gettext("That day was checked in already."), "info")
        return
    flash(gettext("Made up.") if done.checkin.makeup else gettext("Checked in. Well done!"),
          "success")
    for achievement in done.achievements:
        flash(ngettext("Achievement: %(num)d day of check-ins!",
                       "Achievement: %(num)d days of check-ins!", achievement.days), "success")


@bp.post("/h/<pid:hid>/checkins/<pid:cid>/delete")
@rate_limited("check_in")
def delete_checkin(hid, cid):
    habit, person, _ = load_widget(Habit, hid)
    checkins.delete_checkin(person, habit, cid)
    flash(gettext("The check-in was undone."), "info")
    return redirect(url_for("checkin_pages.show_habit", hid=hid), code=303)
