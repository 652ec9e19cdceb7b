"""A poll's options as pages, the poll's JSON and /results show them, read as plain
columns together with what the asker chose and whether they took part (results.py
makes a PollState of them)."""
from typing import NamedTuple

from sqlalchemy import and_, bindparam, exists, select

from grouptools.core.models import Image
from grouptools.core.plainrows import plain_rows
from grouptools.extensions import db
from grouptools.poll.models import Participation, PollOption, Vote


class OptionImage(NamedTuple):
    """An option's picture as pages and answers show it (core.links.image_urls and the
    thumbnail's size), read without its bytes."""

    public_id: str
    thumb_width: int
    thumb_height: int


class OptionRow(NamedTuple):
    """An option as pages, the poll's JSON and /results show it, read as plain columns
    (a tuple: not an ORM object, so nothing loads the picture's bytes or the relationship
    per request). Pictures, posters and exports keep reading `Poll.options`."""

    id: int
    public_id: str
    position: int
    text: str
    votes: int
    image: OptionImage | None


_OPTION_COLUMNS = (PollOption.id, PollOption.public_id, PollOption.position, PollOption.text,
                   PollOption.votes, Image.public_id, Image.thumb_width, Image.thumb_height)


def _option_row(row):
    image = OptionImage(*row[5:8]) if row[5] is not None else None
    return OptionRow(*row[:5], image)


# A page's or a JSON answer's poll: its options, which of them the asker chose, and
# whether the asker took part, in one statement built once. Only open ballots have
# votes (voting.py): a secret one's participation joins none; a member has at most one
# vote per option (the unique key), so no option comes twice.
def options_and_mine(*columns):
    """select(columns…, chosen, took_part) over the options of the poll `poll_id`, with
    their pictures (Image) and the votes of the member `membership_id`."""
    return (
        select(*columns, Vote.id.is_not(None).label("chosen"),
               exists().where(Participation.poll_id == bindparam("poll_id"),
                              Participation.membership_id == bindparam("membership_id"))
               .label("took_part"))
        .select_from(PollOption)
        .outerjoin(Image, Image.id == PollOption.image_id)
        .outerjoin(Vote, and_(Vote.option_id == PollOption.id,
                              Vote.membership_id == bindparam("membership_id")))
        .where(PollOption.poll_id == bindparam("poll_id")))


_OPTIONS_AND_MINE = options_and_mine(*_OPTION_COLUMNS).order_by(PollOption.position)


def _options_of(polls):
    """{poll id: [OptionRow] in their order} for many polls, in one statement."""
    options = {poll.id: [] for poll in polls}
    for poll_id, *row in plain_rows(
            select(PollOption.poll_id, *_OPTION_COLUMNS)
            .outerjoin(Image, Image.id == PollOption.image_id)
            .where(PollOption.poll_id.in_(list(options)))
            .order_by(PollOption.poll_id, PollOption.position)):
        options[poll_id].append(_option_row(row))
    return options


def options_took_part_and_chose(polls, memberships):
    """({poll id: [OptionRow]}, {(poll id, membership id)} of the askers' participations
    in these polls, {poll id: option ids the asker chose} on open ballots — a secret one
    keeps none): one statement for one poll, two for many (every vote has its
    participation, voting.py)."""
    if not polls:
        return {}, set(), {}
    if len(polls) == 1:  # a page, a JSON answer
        poll, membership = polls[0], memberships[0]
        rows = plain_rows(_OPTIONS_AND_MINE, {"poll_id": poll.id,
                                              "membership_id": membership.id}).all()
        took_part = {(poll.id, membership.id)} if rows and rows[0].took_part else set()
        return ({poll.id: [_option_row(row) for row in rows]}, took_part,
                {poll.id: {row[0] for row in rows if row.chosen}})
    asker = {poll.id: membership.id for poll, membership in zip(polls, memberships)}
    open_ballots = [poll.id for poll in polls if not poll.anonymous]
    chose = and_(Vote.poll_id == Participation.poll_id,
                 Vote.membership_id == Participation.membership_id,
                 Vote.poll_id.in_(open_ballots))
    took_part, chosen = set(), {}
    for poll_id, membership_id, option_id in db.session.execute(
            select(Participation.poll_id, Participation.membership_id, Vote.option_id)
            .outerjoin(Vote, chose)
            .where(Participation.poll_id.in_(asker),
                   Participation.membership_id.in_(set(asker.values())))):
        took_part.add((poll_id, membership_id))
        if option_id is not None and asker[poll_id] == membership_id:
            chosen.setdefault(poll_id, set()).add(option_id)
    return _options_of(polls), took_part, chosen
