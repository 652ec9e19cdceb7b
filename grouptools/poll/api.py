"""/api/v1 routes about polls: parse, ask the service, answer."""
from flask import Response, stream_with_context

from grouptools.core.access import Action
from grouptools.core.conditional import shared_json
from grouptools.core.database import before_the_write
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.core.widgetapi import add_widget_api
from grouptools.poll import results, schemas, service, tallies, voting
from grouptools.poll.blueprints import blp
from grouptools.poll.export import csv_filename, export_csv
from grouptools.poll.kind import POLL
from grouptools.poll.models import Poll

RESULTS = schemas.ResultsSchema()  # built once: shared_json dumps with it

add_widget_api(blp, POLL, "polls/<pid:pid>", state=results.poll_state,
               schema=schemas.PollSchema, create_rule="groups/<pid:gid>/polls",
               create_schema=schemas.PollCreateSchema, create=service.create_poll,
               update_schema=schemas.PollUpdateSchema, update=service.update_poll)


@blp.route("/polls/<pid:pid>/votes", methods=["POST"])
@rate_limited("vote")
@blp.arguments(schemas.VoteSchema())
@blp.response(201, schemas.VoteAnswerSchema, description="First vote")
@blp.alt_response(200, schema=schemas.VoteAnswerSchema,
                  description="Changed, or the same choices again")
def cast_vote(data, pid):
    """The voter's vote and the counts: the voters' lists are /results' (docs/api.md).
    The poll, the asker and the ballot are read and checked before the write begins, so
    SQLite's writer's turn is held only for the write itself."""
    with before_the_write():
        poll, person, membership = load_widget(Poll, pid, Action.ACT)
        context = tallies.VoteContext(person, poll, membership)
        ballot = voting.check_ballot(poll, data["option_ids"])
    outcome = voting.cast_vote(person, poll, data["option_ids"], before_commit=context.read,
                               ballot=ballot)
    return context.answer(data["option_ids"]), 201 if outcome == "created" else 200


@blp.route("/polls/<pid:pid>/votes", methods=["DELETE"])
@rate_limited("vote")
@blp.response(204)
def withdraw_vote(pid):
    poll, person, _ = load_widget(Poll, pid, Action.ACT)
    voting.withdraw_vote(person, poll)


@blp.route("/polls/<pid:pid>/results")
@blp.response(200, schemas.ResultsSchema)
def get_results(pid):
    """The same for every member who may see them, and for every organiser: read once a
    version (core.conditional.shared_json)."""
    poll, person, membership = load_widget(Poll, pid)
    manager = results.results_shown_to(person, poll, membership)
    results.count_pool_if_closed(poll)  # a secret ballot's last batch, counted once
    return shared_json(poll, "poll results", RESULTS,
                       lambda: results.poll_results(person, poll), manager)


@blp.route("/polls/<pid:pid>/duplicate", methods=["POST"])
@rate_limited("create_widget")
@blp.response(201, schemas.PollSchema)
def duplicate_poll(pid):
    poll, person, _ = load_widget(Poll, pid, Action.MANAGE_WIDGET)
    return results.poll_state(person, service.duplicate_poll(person, poll))


@blp.route("/polls/<pid:pid>/export.csv")
@blp.response(200, content_type="text/csv",
              description="Managers; per-option totals, and who chose what on open ballots")
def export_poll(pid):
    poll, person, _ = load_widget(Poll, pid, Action.MANAGE_WIDGET)
    rows = export_csv(person, poll)
    response = Response(stream_with_context(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = csv_filename(poll)
    response.headers["Cache-Control"] = "private, no-store"
    return response
