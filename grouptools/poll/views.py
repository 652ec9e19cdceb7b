"""Poll pages: create (text or photo options), the poll (vote, results, who has not
voted, managing, sharing), edit; the pictures beneath /p/<pid>; a small JSON the page
polls for live results. Every action is a plain form that redirects (303)."""
from babel.dates import format_skeleton, format_time
from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from marshmallow import ValidationError

from grouptools.core.access import Action, authorize, membership_of
from grouptools.core.errors import Conflict, Invalid
from grouptools.core.groups.service import find_group
from grouptools.core.identity import current_person, require_person
from grouptools.core.images import MAX_UPLOAD_BYTES
from grouptools.core.ratelimits import rate_limited
from grouptools.core.share import (
    etag_for,
    poster_response,
    qr_png_response,
    qr_svg_response,
    send_picture,
)
from grouptools.core.timeutil import local_time, utcnow
from grouptools.core.uploads import TooManyPixelsAtOnce, files_in, limit_uploads, store_images
from grouptools.core.widgets import WidgetSummary
from grouptools.poll import forms, links, results, service
from grouptools.poll.labels import (
    choice_hint,
    pending_label,
    privacy_notice,
    voters_label,
    votes_label,
)
from grouptools.poll.export import option_label
from grouptools.poll.models import Poll
from grouptools.poll.picture import Row, results_png
from grouptools.poll.schemas import VoteSchema

bp = Blueprint("poll_pages", __name__, template_folder="templates")

# Photos picked at once on the create form: the route's own request size limit.
PHOTOS_MAX_BYTES = 80 * 1024 * 1024
LIVE_SECONDS = 5
PRIVATE_PICTURE = "private, no-cache"


def format_local(group, at):
    """A time as the group reads it: its own time zone, the reader's language
    ("12月1日周二 20:00", "Tue, Dec 1, 8:00 PM"); the year only when it is not this one."""
    # Already shifted (local_time never fails on a stored value): Babel keeps its zone.
    local, locale = local_time(group, at), get_locale()
    same_year = local.year == local_time(group, utcnow()).year
    date = format_skeleton("MMMEd" if same_year else "yMMMEd", local, locale=locale)
    time = format_time(local, "short", locale=locale)
    return locale.datetime_formats["medium"].format(time, date)


# --- Creating ---------------------------------------------------------------------------

def _upload_photos(person, group, values):
    """Save the photos picked in this submission, all in one go; (how many, their
    mistakes). Raises TooManyPixelsAtOnce, having stored nothing."""
    picked = [upload for upload in request.files.getlist("photos") if upload and upload.filename]
    problems = []
    room = max(0, Poll.OPTIONS_MAX - len(values["photos"]))
    if len(picked) > room:
        picked = picked[:room]
        problems.append(gettext("A poll has at most 50 options."))
    images, refused = store_images(
        person, [(upload.filename, upload.read(MAX_UPLOAD_BYTES + 1)) for upload in picked], group)
    values["photos"] += [forms.photo_value(image) for image in images]
    problems = [f"{name}: {error.message}" for name, error in refused] + problems
    return len(images), problems


def _create_page(group, values, errors, status=200, note=None):
    return render_template("poll/create.html", group=group, values=values, errors=errors,
                           note=note, option_inputs=_option_inputs(values)), status


def _option_inputs(values):
    """What was typed, then empty inputs: a few on a new form, one more beside photos."""
    typed = values.get("options", [])
    count = len(typed) + 1 if values.get("photos") else max(forms.TEXT_OPTION_INPUTS, len(typed) + 2)
    return (typed + [""] * count)[:min(count, Poll.OPTIONS_MAX)]


@bp.route("/g/<pid:gid>/polls/new", methods=["GET", "POST"])
@rate_limited("create_widget")
@limit_uploads(files_in("photos"))
def create_poll(gid):
    group = find_group(gid)
    person = require_person()
    authorize(person, Action.CREATE_WIDGET, group)
    if request.method == "GET":
        return _create_page(group, {"results_visibility": "", "photos": [], "options": []}, {})
    data, errors, values = forms.read_create_form(group)
    try:
        added, problems = _upload_photos(person, group, values)
    except TooManyPixelsAtOnce as error:
        return _create_page(group, values, {"photos": [str(error.message)]}, error.status)
    # With JavaScript, poll.js sent each photo on its own to the upload API first and
    # this form brings only their ids: the same review step follows.
    added = added or request.form.get("photos_uploaded") == "1"
    if added or problems:
        # New photos: show them so each may get a caption before the poll is created.
        errors = {"photos": problems} if problems else {}
        note = gettext("Photos added. Give each a caption if you like, then create the poll.") \
            if added else None
        return _create_page(group, values, errors, 422 if problems else 200, note)
    if errors:
        return _create_page(group, values, errors, 422)
    try:
        poll = service.create_poll(person, group, **data)
    except Invalid as error:
        return _create_page(group, values, forms.service_errors(error, values), 422)
    flash(gettext("Your poll is ready. Share its link or QR code in the chat."), "success")
    return redirect(url_for("poll_pages.show_poll", pid=poll.public_id), code=303)


# --- The poll page ----------------------------------------------------------------------

def _public_page(poll, person, mine):
    return render_template("poll/public.html", poll=poll, group=poll.group, person=person,
                           mine=mine, link=links.poll_url(poll), poster_url=links.poster_url(poll),
                           notice=privacy_notice(poll))


def _show(poll, status=200, vote_error=None, chosen=None):
    state = results.poll_state(current_person(), poll)
    link = links.poll_url(poll)
    reminder = None
    if state.results is not None and state.manager:
        reminder = results.reminder_text(state.results, link)
    chosen = set(chosen if chosen is not None else (state.my_vote or []))
    options = [{"option": o, "image_url": links.image_urls(o.image)[0],
                "thumb_url": links.image_urls(o.image)[1], "label": option_label(o),
                "chosen": o.public_id in chosen} for o in poll.options]
    return render_template(
        "poll/show.html", poll=poll, group=poll.group, state=state, options=options,
        results=state.results, link=link, poster_url=links.poster_url(poll), reminder=reminder,
        vote_error=vote_error,
        notice=privacy_notice(poll), choice_hint=choice_hint(poll),
        deadline=format_local(poll.group, poll.deadline) if poll.deadline else None,
        closed_at=format_local(poll.group, poll.closed_at) if poll.closed_at else None,
        votes_label=votes_label, voters_label=voters_label(poll.voter_count),
        pending_label=pending_label(state.results),
        avatar_url=links.avatar_url, option_label=option_label,
        hidden_message=results.ResultsHidden.MESSAGES.get(state.results_visible_when),
        live_url=url_for("poll_pages.live_results", pid=poll.public_id),
        live_seconds=LIVE_SECONDS,
    ), status


@bp.get("/p/<pid:pid>")
def show_poll(pid):
    poll = service.find_poll(pid)
    person = current_person()
    mine = membership_of(person, poll.group)
    if mine is None or not mine.is_active:
        # Strangers see the public card and "your name → join" (DESIGN §2).
        return _public_page(poll, person, mine)
    return _show(poll)


@bp.post("/p/<pid:pid>/vote")
@rate_limited("vote")
def vote(pid):
    poll = service.find_poll(pid)
    person = require_person()
    chosen = request.form.getlist("option_ids")
    try:
        option_ids = VoteSchema().load({"option_ids": chosen})["option_ids"]
        outcome = service.cast_vote(person, poll, option_ids)
    except ValidationError as error:
        messages = error.messages.get("option_ids", [gettext("Invalid value.")])
        return _show(poll, 422, " ".join(_flat(messages)), chosen)
    except (Invalid, Conflict) as error:
        message = error.message
        if isinstance(error, Invalid) and error.errors:
            message = " ".join(_flat(error.errors.get("json", {}).get("option_ids", [message])))
        return _show(poll, error.status, str(message), chosen)
    if outcome == "created" and poll.anonymous:
        flash(gettext("Your secret vote was received. It is counted with others, in a batch, "
                      "so nobody can see what you chose."), "success")
    elif outcome == "created":
        flash(gettext("Your vote was counted."), "success")
    elif outcome == "changed":
        flash(gettext("Your vote was changed."), "success")
    else:
        flash(gettext("Your vote is unchanged."), "info")
    return redirect(url_for("poll_pages.show_poll", pid=pid, _anchor="results"), code=303)


def _flat(messages):
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, (list, tuple)):
        return [m for value in messages for m in _flat(value)]
    return [str(messages)]


@bp.post("/p/<pid:pid>/withdraw")
@rate_limited("vote")
def withdraw(pid):
    poll = service.find_poll(pid)
    person = require_person()
    try:
        service.withdraw_vote(person, poll)
    except Conflict as error:
        return _show(poll, error.status, str(error.message))
    flash(gettext("Your vote was withdrawn."), "info")
    return redirect(url_for("poll_pages.show_poll", pid=pid), code=303)


# --- Managing ---------------------------------------------------------------------------

@bp.route("/p/<pid:pid>/edit", methods=["GET", "POST"])
def edit_poll(pid):
    poll = service.find_poll(pid)
    person = require_person()
    authorize(person, Action.MANAGE_WIDGET, poll)
    values = {"title": poll.title, "description": poll.description,
              "results_visibility": poll.results_visibility,
              "deadline": forms.deadline_input(poll.group, poll.deadline)}
    errors, status = {}, 200
    if request.method == "POST":
        data, errors, values = forms.read_edit_form(poll.group, poll.deadline)
        if not errors:
            try:
                service.update_poll(person, poll, **data)
            except Invalid as error:
                errors = forms.service_errors(error, values)
            else:
                flash(gettext("Changes saved."), "success")
                return redirect(url_for("poll_pages.show_poll", pid=pid), code=303)
        status = 422
    return render_template("poll/edit.html", poll=poll, group=poll.group, values=values,
                           errors=errors), status


@bp.post("/p/<pid:pid>/close")
def close(pid):
    service.close_poll(require_person(), service.find_poll(pid))
    flash(gettext("The poll is closed. No more votes are accepted."), "info")
    return redirect(url_for("poll_pages.show_poll", pid=pid), code=303)


@bp.post("/p/<pid:pid>/reopen")
def reopen(pid):
    service.reopen_poll(require_person(), service.find_poll(pid))
    flash(gettext("The poll is open again."), "success")
    return redirect(url_for("poll_pages.show_poll", pid=pid), code=303)


@bp.post("/p/<pid:pid>/duplicate")
@rate_limited("create_widget")
def duplicate(pid):
    copy = service.duplicate_poll(require_person(), service.find_poll(pid))
    flash(gettext("This is a copy of the poll, open and without votes."), "success")
    return redirect(url_for("poll_pages.show_poll", pid=copy.public_id), code=303)


@bp.post("/p/<pid:pid>/delete")
def delete(pid):
    poll = service.find_poll(pid)
    person = require_person()
    authorize(person, Action.MANAGE_WIDGET, poll)
    if request.form.get("confirm") != "1":
        flash(gettext("Tick the box to confirm that the poll and its votes will be deleted."),
              "error")
        return redirect(url_for("poll_pages.show_poll", pid=pid, _anchor="manage"), code=303)
    group = poll.group
    service.delete_poll(person, poll)
    flash(gettext("The poll was deleted."), "info")
    return redirect(url_for("group_pages.show_group", gid=group.public_id), code=303)


# --- Live results and pictures ----------------------------------------------------------

@bp.get("/p/<pid:pid>/live.json")
def live_results(pid):
    """What the open page refreshes: counts only, answered 304 while nothing changed."""
    poll = service.find_poll(pid)
    state = results.poll_state(require_person(), poll, with_results=False)
    etag = etag_for("live", poll.public_id, poll.version, state.closed,
                    state.results_visible_when, state.manager, get_locale())
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        body = {"closed": state.closed, "voter_count": poll.voter_count,
                "voters_label": voters_label(poll.voter_count),
                "results_visible": state.results_visible_when is None, "options": []}
        if state.results_visible_when is None:
            tallies = results.poll_results_for(poll, manager=False, with_voters=False)
            body["pending_label"] = pending_label(tallies)
            body["options"] = [{"id": r.option.public_id, "votes": r.votes,
                                "percent": r.percent, "winner": r.winner,
                                "label": votes_label(r.votes, r.percent)}
                               for r in tallies.options]
        response = jsonify(body)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/p/<pid:pid>/results.png")
def results_picture(pid):
    """Counts and bars to post back into the chat; hidden exactly when the results are."""
    poll = service.find_poll(pid)
    state = results.poll_state(require_person(), poll, with_results=False)
    if state.results_visible_when is not None:
        raise results.ResultsHidden(state.results_visible_when)
    group = poll.group
    locale = str(get_locale())
    etag = etag_for("results.png", poll.public_id, poll.version, state.closed, group.name,
                    locale)

    def draw():
        tallies = results.poll_results_for(poll, manager=False, with_voters=False)
        rows = tuple(Row(option_label(r.option), r.votes, r.percent, r.winner,
                         r.option.image.thumb_data if r.option.image else None)
                     for r in tallies.options)
        status = voters_label(poll.voter_count) + " · " + (
            gettext("Closed") if state.closed else gettext("Open"))
        if poll.anonymous:
            status += " · " + gettext("Secret ballot")
            if tallies.pending:
                status += " · " + gettext("%(num)d not counted yet", num=tallies.pending)
        return results_png(etag, group.name, poll.title, status, rows)

    return send_picture(etag, draw, cache_control=PRIVATE_PICTURE)


@bp.get("/p/<pid:pid>/qr.png")
def qr_png(pid):
    return qr_png_response(links.poll_url(service.find_poll(pid)))


@bp.get("/p/<pid:pid>/qr.svg")
def qr_svg(pid):
    return qr_svg_response(links.poll_url(service.find_poll(pid)))


@bp.get("/p/<pid:pid>/poster.png")
def poster(pid):
    """Only what a stranger may see: the group's name, the poll's title and description."""
    poll = service.find_poll(pid)
    return poster_response(poll.group.name, poll.title, poll.description, links.poll_url(poll))


# --- The group page's list ---------------------------------------------------------------

def group_listing(group, person):
    """The group's polls as lines of its page (core.widgets), for whoever may see them."""
    items = []
    for poll, closed, voted in service.polls_for_group(group, person):
        status = voters_label(poll.voter_count)
        if poll.deadline and not closed:
            status += " · " + gettext("closes %(when)s", when=format_local(group, poll.deadline))
        items.append(WidgetSummary(
            title=poll.title,
            url=url_for("poll_pages.show_poll", pid=poll.public_id), created_at=poll.created_at,
            status=status, closed=closed, needs_me=not closed and not voted,
        ))
    return items


def create_link(group):
    return gettext("New poll"), url_for("poll_pages.create_poll", gid=group.public_id)
