"""A poll carried in its group's zip (core.transfer): settings, options with their
pictures and counters, who took part, and on open ballots who chose what. A secret
ballot travels as its counters and its participants only — no row links a member to a
choice here either — and ballots still waiting for their batch are counted first when
the poll is closed; an open secret ballot's waiting ballots stay sealed to this
server's key and are carried as their number only (`ballots_waiting`)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grouptools.core.errors import Invalid
from grouptools.core.transfer import WidgetTransfer, refs_of, rows_of
from grouptools.extensions import db
from grouptools.poll import ballots
from grouptools.poll.export import export_csv
from grouptools.poll.models import Participation, Poll, PollOption, Vote
from grouptools.poll.results import count_pool_if_closed

NESTED = ("created_by", "options", "participants", "votes", "ballots_waiting")


def export_data(poll, refs):
    count_pool_if_closed(poll)
    participants = db.session.scalars(select(Participation.membership_id)
                                      .where(Participation.poll_id == poll.id)
                                      .order_by(Participation.id)).all()
    positions = {option.id: option.position for option in poll.options}
    data = {
        **refs.columns(poll), "created_by": refs.person(poll.created_by_id),
        "options": [{**refs.columns(option), "image": refs.image(option.image_id)}
                    for option in poll.options],
        "participants": [refs.member(membership_id) for membership_id in participants],
    }
    if poll.anonymous:
        data["ballots_waiting"] = ballots.pending_count(poll)
    else:
        votes = db.session.scalars(select(Vote).where(Vote.poll_id == poll.id)
                                   .order_by(Vote.id)).all()
        data["votes"] = [{**refs.columns(vote), "member": refs.member(vote.membership_id),
                          "option": positions[vote.option_id]} for vote in votes]
    return data


def import_data(group, data, refs):
    poll = Poll(group=group, created_by_id=refs.person_id(data.get("created_by")),
                **refs.columns(Poll, data, without=NESTED))
    options = [PollOption(image=refs.image(row.get("image")),
                          **refs.columns(PollOption, row, without=("image",)))
               for row in rows_of(data, "options")]
    poll.options = options
    db.session.add(poll)
    db.session.flush()
    by_position = {option.position: option for option in options}
    db.session.add_all(Participation(poll_id=poll.id, membership_id=refs.member(ref).id)
                       for ref in refs_of(data, "participants"))
    if poll.anonymous:
        return poll
    for row in rows_of(data, "votes"):
        option = by_position.get(row.get("option"))
        if option is None:
            raise Invalid({"votes": [str(_l("A vote names an option the poll does not have."))]})
        db.session.add(Vote(poll_id=poll.id, option_id=option.id,
                            membership_id=refs.member(row.get("member")).id,
                            **refs.columns(Vote, row, without=("member", "option"))))
    return poll


TRANSFER = WidgetTransfer(export_data=export_data, import_data=import_data,
                          export_csv=export_csv)
