"""The poll's page: what a member sees (vote, results, who has not voted, the
organisers' buttons, sharing) or a stranger's card; voting and withdrawing; the small
JSON the open page polls for live results. Every action is a plain form that
redirects (303).

Creating and managing are in manage.py, the pictures beneath /p/<pid> in sharing.py."""
from flask import (flash, get_template_attribute, jsonify, redirect, render_template, request,
                   url_for)
from marshmallow import ValidationError

from grouptools.core.access import Action
from grouptools.core.avatarrow import avatar_row
from grouptools.core.conditional import kept_for_askers, shared_by_askers
from grouptools.core.database import before_the_write
from grouptools.core.errors import DomainError
from grouptools.core.forms import field_errors, shown_on_form
from grouptools.core.i18n import gettext
from grouptools.core.identity import current_person
from grouptools.core.links import MEMBER_PLACEHOLDER, image_urls
from grouptools.core.loaders import load_widget
from grouptools.core.widgetpages import member_page_or_public_card, widget_link, widget_preview
from grouptools.core.ratelimits import rate_limited
from grouptools.poll import results, tallies, voting
from grouptools.poll.blueprints import bp
from grouptools.poll.export import option_label
from grouptools.poll.labels import (
    choice_hint,
    ngettext,
    pending_label,
    privacy_notice,
    voters_label,
    votes_label,
)
from grouptools.poll.kind import POLL
from grouptools.poll.models import Poll
from grouptools.poll.schemas import VoteSchema

LIVE_SECONDS = 5
_VOTE = VoteSchema()  # built once: a schema's construction costs more than its load


def _show(poll, status=200, vote_error=None, chosen=None):
    # The results section is the same for everyone who sees results: drawn by the
    # version's first reader, whose state alone names the first voters.
    section = kept_for_askers(poll, RESULTS_SECTION)
    state = results.poll_state(current_person(), poll, voters_shown=0 if section is not None
                               else results.VOTERS_PREVIEW)
    link = widget_link(poll)
    reminder = None
    if state.results is not None and state.manager:
        reminder = results.reminder_text(state.results, link)
    chosen = set(chosen if chosen is not None else (state.my_vote or []))
    options = [{"option": o, "image_url": urls[0], "thumb_url": urls[1],
                "label": option_label(o), "chosen": o.public_id in chosen}
               for o, urls in ((o, image_urls(o.image)) for o in state.options)]
    if state.results is None or section is None:
        section = _results_section(poll, state, options)
    return render_template(
        "poll/show.html", poll=poll, group=poll.group, state=state, options=options,
        pictured=any(item["thumb_url"] for item in options), results_section=section,
        results=state.results, link=link, preview=widget_preview(poll), reminder=reminder,
        vote_error=vote_error,
        notice=privacy_notice(poll), choice_hint=choice_hint(poll),
        deadline=poll.deadline, closed_at=poll.closed_at,
        votes_label=votes_label, voters_label=voters_label(poll.voter_count),
        option_label=option_label,
    ), status


RESULTS_SECTION = "poll results section"


def _results_section(poll, state, options):
    """The page's results section (poll/_results.html): kept for every asker who sees
    results while the poll is as it is (core.conditional.shared_by_askers)."""
    def draw():
        return get_template_attribute("poll/_results.html", "poll_results")(
            poll, state, state.results, result_rows(poll, state.results, options),
            url_for("poll_pages.live_results", pid=poll.public_id), LIVE_SECONDS,
            pending_label(state.results),
            results.ResultsHidden.MESSAGES.get(state.results_visible_when))
    return draw() if state.results is None else shared_by_askers(poll, RESULTS_SECTION, draw)


def result_rows(poll, results, options):
    """What the results section prints for each option (poll/_results.html): its label,
    count, bar width, thumbnail and first voters with the link to all of them."""
    if results is None:
        return []
    before, after = url_for("poll_pages.option_voters", pid=poll.public_id,
                            oid=MEMBER_PLACEHOLDER).rsplit(MEMBER_PLACEHOLDER, 1)
    rows = []
    for r, item in zip(results.options, options):
        counted = votes_label(r.votes, r.percent)
        row = {"result": r, "label": item["label"], "counted": counted,
               "width": min(max(int(round(r.percent)), 0), 100),
               "thumb_url": item["thumb_url"], "voters_url": None}
        if r.voters:
            row.update(voters_url=f"{before}{r.option.public_id}{after}",
                       avatars=avatar_row(r.voters, "small"),
                       voters_label=ngettext("%(num)d voter", "%(num)d voters", r.votes))
        rows.append(row)
    return rows


@bp.get("/p/<pid:pid>")
def show_poll(pid):
    return member_page_or_public_card(POLL, pid, lambda loaded: _show(loaded.widget))


@bp.post("/p/<pid:pid>/vote")
@rate_limited("vote")
def vote(pid):
    chosen = request.form.getlist("option_ids")
    # Read and checked before the write begins (api.cast_vote says why).
    with before_the_write():
        poll, person, _ = load_widget(Poll, pid, Action.ACT)
        try:
            option_ids = _VOTE.load({"option_ids": chosen})["option_ids"]
            ballot = voting.check_ballot(poll, option_ids)
        except (ValidationError, DomainError) as error:
            return _refused(poll, error, chosen)
        anonymous = poll.anonymous  # the vote's commit expires the poll's row
    try:
        outcome = voting.cast_vote(person, poll, option_ids, ballot=ballot)
    except DomainError as error:
        return _refused(poll, error, chosen)
    if outcome == "created" and anonymous:
        flash(gettext("Your secret vote was received. It is counted with others, in a batch, "
                      "so nobody can see what you chose."), "success")
    elif outcome == "created":
        flash(gettext("Your vote was counted."), "success")
    elif outcome == "changed":
        flash(gettext("Your vote was changed."), "success")
    else:
        flash(gettext("Your vote is unchanged."), "info")
    return redirect(url_for("poll_pages.show_poll", pid=pid, _anchor="results"), code=303)


def _refused(poll, error, chosen):
    """The answer to a vote refused (the page again, the choices kept), or the error."""
    if isinstance(error, ValidationError):
        messages = error.messages.get("option_ids", [gettext("Invalid value.")])
        return _show(poll, 422, " ".join(_flat(messages)), chosen)
    if isinstance(error, voting.AlreadyVoted):
        # A secret ballot's form sent twice (a double tap) lands here: nothing stored
        # can tell it from a second try, and both are answered by what is true of both.
        flash(gettext("You have voted already: your secret vote was received and is counted "
                      "with the others. It cannot be changed."), "info")
        return redirect(url_for("poll_pages.show_poll", pid=poll.public_id,
                                _anchor="results"), code=303)
    if not shown_on_form(error):
        raise error
    message = " ".join(_flat(field_errors(error).get("option_ids", [error.message])))
    return _show(poll, error.status, message, chosen)


def _flat(messages):
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, (list, tuple)):
        return [m for value in messages for m in _flat(value)]
    return [str(messages)]


@bp.post("/p/<pid:pid>/withdraw")
@rate_limited("vote")
def withdraw(pid):
    poll, person, _ = load_widget(Poll, pid, Action.ACT)
    try:
        voting.withdraw_vote(person, poll)
    except DomainError as error:
        if not shown_on_form(error):
            raise
        return _show(poll, error.status, str(error.message))
    flash(gettext("Your vote was withdrawn."), "info")
    return redirect(url_for("poll_pages.show_poll", pid=pid), code=303)


# --- Live results -----------------------------------------------------------------------

@bp.get("/p/<pid:pid>/live.json")
def live_results(pid):
    """What the open page refreshes: counts only, answered 304 while nothing changed
    (load_widget, core.conditional)."""
    poll, person, _ = load_widget(Poll, pid)
    state = results.poll_state(person, poll, with_results=False)
    body = {"closed": state.closed, "voter_count": poll.voter_count,
            "voters_label": voters_label(poll.voter_count),
            "results_visible": state.results_visible_when is None, "options": []}
    if state.results_visible_when is None:
        counts = tallies.counts_of(poll, state.options)  # read with the state
        body["pending_label"] = pending_label(counts)
        body["options"] = [{"id": t.id, "votes": t.votes, "percent": t.percent,
                            "winner": t.winner, "label": votes_label(t.votes, t.percent),
                            "voters": ngettext("%(num)d voter", "%(num)d voters", t.votes)}
                           for t in counts.options]
    return jsonify(body)
