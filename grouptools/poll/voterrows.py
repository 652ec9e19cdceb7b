"""Voters as results name them (Voter), and the statements that read the first voters
of each option: alone (read_first_voters: many polls, the group's export) or with one poll's
options and the asker's vote (options_and_first_voters: a page, the poll's JSON,
/results). Each option's voters are read by the (option_id, id) index up to the n-th,
however many votes there are (bench/poll_results.py)."""
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)

from grouptools.core.avatars import person_avatar
from grouptools.core.database import UNION_PARTS, first_of_each
from grouptools.core.models import Image, Membership, Person
from grouptools.core.plainrows import plain_rows
from grouptools.poll.models import PollOption, Vote
from grouptools.poll.optionrows import OptionImage, OptionRow, options_and_mine

# What a Voter shows of its person: the avatar's initial, colour and photo.
_PERSON_COLUMNS = (Person.public_id.label("person_public_id"), Person.name.label("person_name"),
                   Person.avatar_image_public_id.label("photo_id"))


class Voter(NamedTuple):
    """A member as results name them: only what is shown, read without whole rows (a
    tuple: results make hundreds of them)."""

    public_id: str
    display_name: str
    group_id: int
    person_public_id: str
    person_name: str
    photo_id: str | None

    @property
    def avatar(self):
        """The person's avatar, as on every other page (core.avatars)."""
        return person_avatar(self.person_public_id, self.person_name, self.photo_id)


def voter_columns():
    """A Voter's columns, in its fields' order (Membership and Person joined)."""
    return (Membership.public_id, func.coalesce(Membership.nickname, Person.name),
            Membership.group_id, *_PERSON_COLUMNS)


_FIRST_VOTERS = {}


def _first_voters_statement(count, limit):
    """The statement of read_first_voters for `count` options (bound as o0, o1 …), built
    once per process for each count and limit: building it cost more than running it."""
    key = (count, limit)
    if key not in _FIRST_VOTERS:
        shown = first_of_each([select(Vote.option_id, Vote.membership_id, Vote.id)
                               .where(Vote.option_id == bindparam(f"o{i}")).order_by(Vote.id)
                               for i in range(count)], limit)[0]
        # A Voter's columns but its group's id: the poll's, known already.
        _FIRST_VOTERS[key] = (select(shown.c.option_id, Membership.public_id,
                                     func.coalesce(Membership.nickname, Person.name),
                                     *_PERSON_COLUMNS)
                              .join(Membership, Membership.id == shown.c.membership_id)
                              .join(Person, Person.id == Membership.person_id)
                              .order_by(shown.c.id))
    return _FIRST_VOTERS[key]


def read_first_voters(groups, limit):
    """{option id: [Voter]}, the first `limit` of each option in voting order (`groups`:
    {option id: its poll's group id}): one statement per UNION_PARTS options, each part
    read by the (option_id, id) index however many votes there are. The rows are
    fetched at once (/results reads up to 50 an option)."""
    voters = {}
    ids = list(groups)
    for start in range(0, len(ids), UNION_PARTS):
        part = ids[start:start + UNION_PARTS]
        rows = plain_rows(_first_voters_statement(len(part), limit),
                          {f"o{i}": option_id for i, option_id in enumerate(part)}).all()
        for option_id, public_id, name, person_public_id, person_name, photo_id in rows:
            shown = voters.get(option_id)
            if shown is None:
                shown = voters[option_id] = []
            shown.append(Voter(public_id, name, groups[option_id], person_public_id,
                               person_name, photo_id))
    return voters


# Integer ids stay below this on both databases: the bound of a part read whole.
_NO_BOUND = 2**31 - 1


def _options_and_first_voters_statement():
    """One poll's options with the asker's vote (optionrows' columns), then the first
    :shown voters of each option, as one UNION ALL of rows of one shape: `kind` 0 for
    an option, 1 for a voter. A voter part reads the (option_id, id) index up to the
    :shown-th vote of its option (found by the same index), however many votes there
    are."""
    o, v, nth = PollOption.__table__.alias("o"), Vote.__table__.alias("v"), \
        Vote.__table__.alias("nth")
    options = options_and_mine(
        literal_column("0").label("kind"), PollOption.position.label("sort"),
        PollOption.id, PollOption.public_id, PollOption.text, Image.public_id,
        cast(null(), Person.name.type), cast(null(), Person.name.type),
        PollOption.votes, Image.thumb_width, Image.thumb_height)
    last_shown = (select(nth.c.id).where(nth.c.option_id == o.c.id).order_by(nth.c.id)
                  .limit(1).offset(bindparam("skip")).scalar_subquery())
    voters = (
        select(literal_column("1"), v.c.id, v.c.option_id, Membership.public_id,
               func.coalesce(Membership.nickname, Person.name), *_PERSON_COLUMNS,
               cast(null(), Integer), cast(null(), Integer), cast(null(), Integer),
               null(), null())
        .select_from(o)
        .join(v, and_(v.c.option_id == o.c.id,
                      v.c.id <= func.coalesce(last_shown, _NO_BOUND)))
        .join(Membership, Membership.id == v.c.membership_id)
        .join(Person, Person.id == Membership.person_id)
        .where(o.c.poll_id == bindparam("poll_id")))
    return union_all(options, voters).order_by(literal_column("kind"), literal_column("sort"))


_OPTIONS_AND_FIRST_VOTERS = _options_and_first_voters_statement()


def options_and_first_voters(poll, membership, shown):
    """(options, took part, chosen, first voters) of one open ballot, as
    optionrows.options_took_part_and_chose and read_first_voters answer them, in one
    statement."""
    options, chosen, voters = [], set(), {}
    took_part = set()
    group_id = poll.group_id
    for (kind, sort, option_id, public_id, text, third, fourth, fifth, votes, width, height,
         is_chosen, took) in plain_rows(_OPTIONS_AND_FIRST_VOTERS,
                                        {"poll_id": poll.id, "membership_id": membership.id,
                                         "skip": shown - 1}).all():
        if kind == 0:
            options.append(OptionRow(option_id, public_id, sort, text, votes,
                                     OptionImage(third, width, height)
                                     if third is not None else None))
            if is_chosen:
                chosen.add(option_id)
            if took:
                took_part.add((poll.id, membership.id))
            continue
        shown_here = voters.get(option_id)
        if shown_here is None:
            shown_here = voters[option_id] = []
        # public id, name, the person's public id, name and photo
        shown_here.append(Voter(public_id, text, group_id, third, fourth, fifth))
    return {poll.id: options}, took_part, {poll.id: chosen}, voters
