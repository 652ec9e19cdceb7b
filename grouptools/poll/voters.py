"""Who voted for one option, page by page (/p/<pid>/voters/<oid>): what the row of
avatars under an option's result leads to. The poll's page and JSON name only the first
few voters of each option (results.VOTERS_PREVIEW); this page names every one, a page of
VOTERS_PAGE at a time, read by the (option_id, id) index."""
from dataclasses import dataclass

from flask import abort, render_template, request, url_for
from sqlalchemy import bindparam, select

from grouptools.core.identity import current_person
from grouptools.core.models import Membership, Person
from grouptools.core.widgetpages import member_page_or_public_card
from grouptools.extensions import db
from grouptools.poll import results
from grouptools.poll.blueprints import bp
from grouptools.poll.export import option_label
from grouptools.poll.kind import POLL
from grouptools.poll.models import Vote

VOTERS_PAGE = 100
PAGES_MAX = 10_000  # 1,000,000 voters: more than any group has

_PAGE = (select(*results.voter_columns())
         .select_from(Vote)
         .join(Membership, Membership.id == Vote.membership_id)
         .join(Person, Person.id == Membership.person_id)
         .where(Vote.option_id == bindparam("option_id"))
         .order_by(Vote.id)
         .limit(bindparam("limit")).offset(bindparam("offset")))


@dataclass
class VotersPage:
    voters: list  # [results.Voter], in voting order
    number: int  # this page's number, from 1
    more: bool  # another page follows


def voters_page(option, number):
    """The `number`th page (from 1) of the option's voters, in voting order."""
    rows = db.session.execute(_PAGE, {"option_id": option.id, "limit": VOTERS_PAGE + 1,
                                      "offset": (number - 1) * VOTERS_PAGE}).all()
    return VotersPage([results.Voter(*row) for row in rows[:VOTERS_PAGE]], number,
                      len(rows) > VOTERS_PAGE)


def voters_link(poll, option, page=None):
    return url_for("poll_pages.option_voters", pid=poll.public_id, oid=option.public_id,
                   page=page if page and page > 1 else None)


@bp.get("/p/<pid:pid>/voters/<pid:oid>")
def option_voters(pid, oid):
    return member_page_or_public_card(POLL, pid, lambda loaded: _voters(loaded.widget, oid))


def _voters(poll, oid):
    option = next((o for o in poll.options if o.public_id == oid), None)
    if option is None or poll.anonymous:  # a secret ballot has no voters to name
        abort(404)
    number = request.args.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= PAGES_MAX:
        abort(404)
    state = results.poll_state(current_person(), poll, with_results=False)
    if state.results_visible_when is not None:
        raise results.ResultsHidden(state.results_visible_when)
    page = voters_page(option, int(number))
    return render_template(
        "poll/voters.html", poll=poll, group=poll.group, option=option,
        label=option_label(option), page=page,
        previous=voters_link(poll, option, page.number - 1) if page.number > 1 else None,
        next=voters_link(poll, option, page.number + 1) if page.more else None)
