"""A poll's results as CSV for its managers: UTF-8 with a BOM (so spreadsheet apps read
Chinese), per-option totals, and on open ballots who chose what. A secret ballot's
export has the totals only: there is nothing else to export. Cells are written by
core.export (no text ever becomes a formula)."""
from urllib.parse import quote

from sqlalchemy import select

from grouptools.core.access import Action, authorize
from grouptools.core.export import CSV_BOM, csv_line
from grouptools.core.i18n import gettext
from grouptools.core.models import Membership, Person
from grouptools.core.timeutil import local_time
from grouptools.extensions import db
from grouptools.poll.models import Poll, Vote
from grouptools.poll.results import (
    VOTERS_SHOWN,
    count_pool_if_closed,
    poll_results_for,
    poll_states,
)
from grouptools.poll.schemas import PollSchema


def option_label(option):
    return option.text or gettext("Picture %(num)d", num=option.position + 1)


def _when(group, at):
    return local_time(group, at) if at else ""


def csv_filename(poll):
    """Content-Disposition: an ASCII name for old clients, the title for the rest."""
    title = "".join(c for c in poll.title if c.isprintable() and c not in '\\/:*?"<>|')[:60]
    return (f'attachment; filename="poll-{poll.public_id}.csv"; '
            f"filename*=UTF-8''{quote(title or poll.public_id)}.csv")


def export_csv(person, poll):
    """Managers only (403 for members, 404 for strangers), checked before anything is
    sent; the rows are then streamed, so a large poll is never held in memory."""
    authorize(person, Action.MANAGE_WIDGET, poll)
    count_pool_if_closed(poll)
    results = poll_results_for(poll, manager=True)
    closed = poll.is_closed()
    group = poll.group
    labels = {row.option.id: option_label(row.option) for row in results.options}

    def rows():
        yield CSV_BOM
        yield csv_line([gettext("Poll"), poll.title])
        yield csv_line([gettext("Group"), group.name])
        yield csv_line([gettext("Status"), gettext("Closed") if closed else gettext("Open")])
        yield csv_line([gettext("Voters"), results.voter_count])
        if poll.anonymous:
            yield csv_line([gettext("Secret ballot: only the totals exist.")])
            yield csv_line([gettext("Ballots counted"), results.counted])
            yield csv_line([gettext("Ballots waiting to be counted"), results.pending])
        yield "\r\n"
        yield csv_line([gettext("Option"), gettext("Votes"),
                     gettext("Percent of ballots counted") if poll.anonymous
                     else gettext("Percent of voters")])
        for row in results.options:
            yield csv_line([labels[row.option.id], row.votes, f"{row.percent:g}%"])
        if poll.anonymous:
            return
        yield "\r\n"
        yield csv_line([gettext("Member"), gettext("Choice"), gettext("Voted at")])
        yield from _member_rows(poll, group, labels)
        if results.not_voted:
            yield "\r\n"
            yield csv_line([gettext("Has not voted")])
            for member in results.not_voted:
                yield csv_line([member.display_name])

    return rows()


def _member_rows(poll, group, labels):
    query = (select(Membership.id, Membership.nickname, Person.name, Vote.option_id,
                    Vote.created_at)
             .join(Membership, Membership.id == Vote.membership_id)
             .join(Person, Person.id == Membership.person_id)
             .where(Vote.poll_id == poll.id)
             .order_by(Membership.id, Vote.id)
             .execution_options(yield_per=1000))
    current, name, chosen, first = None, None, [], None
    for member_id, nickname, person_name, option_id, at in db.session.execute(query):
        if member_id != current and current is not None:
            yield csv_line([name, " / ".join(chosen), _when(group, first)])
            chosen = []
        if member_id != current:
            current, name, first = member_id, nickname or person_name, at
        chosen.append(labels[option_id])
    if current is not None:
        yield csv_line([name, " / ".join(chosen), _when(group, first)])


def export_for_group(group, person):
    """("polls", …): each poll of the group as the API shows it to its managers — with
    results; secret ballots as counts only — for the owner's export of the group."""
    polls = db.session.scalars(select(Poll).where(Poll.group_id == group.id)
                               .order_by(Poll.id)).all()
    # The first 50 voters of each option, as /results names them (the CSV has them all).
    return "polls", PollSchema(many=True).dump(poll_states(person, polls,
                                                           voters_shown=VOTERS_SHOWN))
