"""What the poll API accepts and answers (docs/api.md); who sees what is decided
by the service (PollState) and shown here, never by deleting keys in a route."""
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from grouptools.core.fields import (
    Boolean,
    Deadline,
    Integer,
    LIST_MESSAGES,
    PlainList,
    Schema,
    Text,
    VisibleText,
    public_id,
)
from grouptools.core.links import avatar_url, image_urls
from grouptools.core.models import PUBLIC_ID_LENGTH
from grouptools.core.widgetapi import WidgetStateSchema
from grouptools.core.widgetpages import widget_link
from grouptools.poll.models import Poll, PollOption
from grouptools.poll.results import reminder_text



class OptionInSchema(Schema):
    text = VisibleText(max_length=PollOption.TEXT_MAX)
    image_id = public_id()

    @validates_schema
    def has_text_or_picture(self, data, **kwargs):
        if not data.get("text") and not data.get("image_id"):
            raise ValidationError(_l("Give the option a text, a picture, or both."), "text")


class PollSettingsSchema(Schema):
    """What managers may change at any time."""

    title = VisibleText(min_length=1, max_length=Poll.TITLE_MAX)
    description = Text(max_length=Poll.DESCRIPTION_MAX)
    results_visibility = Text(max_length=16, validate=[validate.OneOf(
        Poll.VISIBILITIES, error=_l("Use 'always', 'after_vote', 'after_close' or 'managers'."))],
        metadata={"description": "Default on creation: 'always', 'after_close' for a secret ballot"})
    deadline = Deadline(allow_none=True)


class PollUpdateSchema(PollSettingsSchema):
    """…and, while nobody has voted, the options and voting rules."""

    options = fields.List(fields.Nested(OptionInSchema), error_messages=LIST_MESSAGES,
                          validate=[validate.Length(
                              min=Poll.OPTIONS_MIN, max=Poll.OPTIONS_MAX,
                              error=_l("Give from {min} to {max} options."))])
    multiple = Boolean()
    min_choices = Integer(minimum=1, maximum=Poll.OPTIONS_MAX)
    max_choices = Integer(minimum=1, maximum=Poll.OPTIONS_MAX)
    anonymous = Boolean()
    allow_change = Boolean()


class PollCreateSchema(PollUpdateSchema):
    title = VisibleText(required=True, min_length=1, max_length=Poll.TITLE_MAX)
    options = fields.List(fields.Nested(OptionInSchema), required=True,
                          error_messages=LIST_MESSAGES,
                          validate=[validate.Length(
                              min=Poll.OPTIONS_MIN, max=Poll.OPTIONS_MAX,
                              error=_l("Give from {min} to {max} options."))])


class VoteSchema(Schema):
    option_ids = fields.List(Text(max_length=PUBLIC_ID_LENGTH), required=True,
                             error_messages=LIST_MESSAGES,
                             validate=[validate.Length(max=Poll.OPTIONS_MAX)])


# --- Answers ------------------------------------------------------------------------------

class OptionSchema(Schema):
    id = fields.String(attribute="public_id")
    text = fields.String()
    image_url = fields.Function(lambda o: image_urls(o.image, absolute=True)[0],
                                allow_none=True)
    thumb_url = fields.Function(lambda o: image_urls(o.image, absolute=True)[1],
                                allow_none=True)


_OPTIONS = OptionSchema(many=True)


class VoterSchema(Schema):
    member_id = fields.String(attribute="public_id")
    name = fields.String(attribute="display_name")
    avatar_url = fields.Function(lambda m: avatar_url(m, absolute=True))


def _voter(voter):
    return {"member_id": voter.public_id, "name": voter.display_name,
            "avatar_url": avatar_url(voter, absolute=True)}


class VoterList(PlainList):
    """Results name up to 250 voters and 200 non-voters, documented as VoterSchema."""

    def __init__(self, **kwargs):
        super().__init__(VoterSchema, _voter, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return _voter_dicts(value)


def _voter_dicts(voters):
    if not voters:
        return voters if voters is None else []
    # One list's voters are of one group: their avatars' addresses differ by the id.
    first = voters[0]
    before, after = avatar_url(first, absolute=True).rsplit(first.public_id, 1)
    return [{"member_id": voter.public_id, "name": voter.display_name,
             "avatar_url": f"{before}{voter.public_id}{after}"} for voter in voters]


class TallySchema(Schema):
    """An option's count, without who (a tallies.Tally)."""

    id = fields.String()
    votes = fields.Integer()
    percent = fields.Float(metadata={"description": "Share of voters (multiple choice may sum "
                                                    "over 100); on a secret ballot, of `counted`"})
    winner = fields.Boolean()


class CountsSchema(Schema):
    """The counts alone (a tallies.Counts): what a vote answers."""

    voter_count = fields.Integer()
    counted = fields.Integer(allow_none=True, metadata={"description": "Secret ballots"})
    pending = fields.Integer(allow_none=True, metadata={"description": "Secret ballots"})
    options = fields.List(fields.Nested(TallySchema))


class VoteAnswerSchema(Schema):
    """What a vote answers: the voter's vote and, where they may see them, the counts.
    Who voted for what is /results' (and the poll's, first few)."""

    id = fields.String()
    my_vote = fields.List(fields.String(), allow_none=True,
                          metadata={"description": "null on a secret ballot"})
    voter_count = fields.Integer()
    closed = fields.Boolean()
    results_visible_when = fields.String(allow_none=True)
    results = fields.Nested(CountsSchema, allow_none=True)


class OptionResultSchema(Schema):
    id = fields.Function(lambda r: r.option.public_id)
    votes = fields.Integer()
    percent = fields.Float(metadata={"description": "Share of voters (multiple choice may sum "
                                                    "over 100); on a secret ballot, of `counted`"})
    winner = fields.Boolean()
    voters = VoterList(allow_none=True, metadata={
        "description": "Open ballots only: the first 50 in /results, the first 5 in the "
                       "poll's JSON (`voters_more` counts the rest)"})
    voters_more = fields.Integer()


def _option_result(r):
    """An OptionResultSchema, written straight to a dict (PlainList): every poll JSON and
    /results answer writes one per option."""
    return {"id": r.option.public_id, "votes": r.votes, "percent": float(r.percent),
            "winner": r.winner, "voters": _voter_dicts(r.voters), "voters_more": r.voters_more}


class ResultsSchema(Schema):
    voter_count = fields.Integer(metadata={"description": "Members who took part, live"})
    counted = fields.Integer(allow_none=True, metadata={
        "description": "Secret ballots: ballots counted so far (counts move in batches of 5 "
                       "and at close); null on open ballots, whose counts are live"})
    pending = fields.Integer(allow_none=True, metadata={
        "description": "Secret ballots: ballots waiting to be counted; null on open ballots"})
    options = PlainList(OptionResultSchema, _option_result)
    not_voted = VoterList(allow_none=True,
                          metadata={"description": "Managers, open ballots: first 200"})
    not_voted_count = fields.Integer(allow_none=True, metadata={"description": "Managers"})
    reminder_text = fields.Method("reminder", allow_none=True,
                                  metadata={"description": "Managers: ready to paste"})

    def reminder(self, results):
        if results.not_voted_count is None:
            return None
        return reminder_text(results, widget_link(results.poll))


class PollSchema(WidgetStateSchema):
    """A poll as one asker sees it (a service.PollState)."""

    description = fields.Function(lambda s: s.poll.description)
    options = fields.Function(lambda s: _OPTIONS.dump(s.options))
    multiple = fields.Function(lambda s: s.poll.multiple)
    min_choices = fields.Function(lambda s: s.poll.min_choices)
    max_choices = fields.Function(lambda s: s.poll.max_choices)
    anonymous = fields.Function(lambda s: s.poll.anonymous)
    results_visibility = fields.Function(lambda s: s.poll.results_visibility)
    allow_change = fields.Function(lambda s: s.poll.allow_change)
    closed = fields.Boolean()
    voter_count = fields.Function(lambda s: s.poll.voter_count)
    my_vote = fields.List(fields.String(), allow_none=True)
    results = fields.Nested(ResultsSchema, allow_none=True)
    results_visible_when = fields.String(allow_none=True)
    can_manage = fields.Boolean(attribute="manager")
