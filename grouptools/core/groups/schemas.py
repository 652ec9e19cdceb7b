"""What the API accepts and answers about groups and members; each audience its view."""
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from grouptools.core.fields import Boolean, Schema, Text, VisibleText
from grouptools.core.i18n import gettext
from grouptools.core.models import Group, Membership
from grouptools.core.timezones import is_place_zone


def check_zone(name):
    """Only the places core.timezones offers: no `Factory`, `Etc/GMT+8` or `PRC`."""
    if not is_place_zone(name):
        raise ValidationError(gettext("Not a time zone to choose: use a place such as "
                                      "Asia/Shanghai."))


class GroupSettingsSchema(Schema):
    name = VisibleText(min_length=1, max_length=Group.NAME_MAX)
    description = Text(max_length=Group.DESCRIPTION_MAX)
    rules = Text(max_length=Group.RULES_MAX)
    timezone = Text(
        max_length=64,
        validate=[check_zone],
    )
    join_policy = Text(
        max_length=16,
        validate=[validate.OneOf(Group.JOIN_POLICIES, error=_l("Use 'open' or 'approval'."))],
    )
    join_question = Text(max_length=Group.QUESTION_MAX, allow_none=True)
    members_can_create = Boolean()


class GroupCreateSchema(GroupSettingsSchema):
    name = VisibleText(required=True, min_length=1, max_length=Group.NAME_MAX)


class PublicGroupSchema(Schema):
    """A stranger's view: enough to decide to join, nothing else."""

    id = fields.String(attribute="public_id")
    name = fields.String()
    description = fields.String()
    member_count = fields.Integer(metadata={"description": "Active members"})
    owner_name = fields.String(allow_none=True, metadata={"description": "The owner's name in the group"})
    join_policy = fields.String()
    join_question = fields.String(allow_none=True)
    url = fields.String()
    my_status = fields.String(
        allow_none=True,
        metadata={"description": "The asker's membership status (pending, left, removed) or null"},
    )


class GroupSchema(PublicGroupSchema):
    """A member's view."""

    rules = fields.String()
    timezone = fields.String()
    members_can_create = fields.Boolean()
    role = fields.String()


class JoinSchema(Schema):
    nickname = VisibleText(min_length=1, max_length=Membership.NICKNAME_MAX)
    answer = Text(max_length=Membership.ANSWER_MAX)


class JoinedSchema(Schema):
    member_id = fields.String()
    status = fields.String()


class MemberSchema(Schema):
    """A roster line as members see it."""

    member_id = fields.String(attribute="public_id")
    name = fields.String(attribute="display_name")
    role = fields.String()
    status = fields.String()
    joined_at = fields.AwareDateTime(allow_none=True)


class ManagedMemberSchema(MemberSchema):
    """A roster line as managers see it: activity and join answers too."""

    last_active_at = fields.AwareDateTime(allow_none=True)
    answer = fields.String(allow_none=True)
    placeholder = fields.Boolean(metadata={
        "description": "Brought in by importing the group: waits to be handed out with a "
                       "one-time sign-in link"})


class MemberChangeSchema(Schema):
    role = Text(
        max_length=16,
        validate=[validate.OneOf(Membership.ROLES, error=_l("Use 'owner', 'admin' or 'member'."))],
    )
    status = Text(
        max_length=16,
        validate=[validate.OneOf(("active",), error=_l("Only 'active' can be set here."))],
    )



class DashboardArgsSchema(Schema):
    quiet_days = fields.Integer(
        load_default=14, validate=[validate.Range(min=1, max=365, error=_l("Use a number from {min} to {max}."))],
        error_messages={"invalid": _l("Not a valid whole number.")},
        metadata={"description": "A member who did nothing for this many days is quiet"})
    sort = Text(load_default="joined", max_length=32, metadata={
        "description": "name, joined, last, total or a widget kind (its count)"})
    order = Text(max_length=4, validate=[validate.OneOf(("asc", "desc"), error=_l("Use 'asc' or 'desc'."))],
                 metadata={"description": "Default: desc for counts and last activity"})
    page = fields.Integer(load_default=1, validate=[validate.Range(min=1, max=10_000)],
                          error_messages={"invalid": _l("Not a valid whole number.")},
                          metadata={"description": "20 members a page"})


class DashboardMemberSchema(Schema):
    """A MemberActivity."""

    member_id = fields.String(attribute="membership.public_id")
    name = fields.String(attribute="membership.display_name")
    role = fields.String(attribute="membership.role")
    joined_at = fields.AwareDateTime(attribute="membership.joined_at", allow_none=True)
    last_active_at = fields.AwareDateTime(allow_none=True)
    acted = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "What the member did per widget kind (votes, sign-ups, "
                       "confirmations, check-ins, sign-ins, card); a secret ballot "
                       "counts as taking part, never what was chosen"})


class QuietMemberSchema(Schema):
    member_id = fields.String(attribute="membership.public_id")
    name = fields.String(attribute="membership.display_name")
    last_active_at = fields.AwareDateTime(allow_none=True)


class WeekSchema(Schema):
    week = fields.Function(lambda w: w[0].isoformat(),
                           metadata={"description": "The week's Monday in the group's zone"})
    active = fields.Function(lambda w: w[1])


class DashboardSchema(Schema):
    """A dashboard.Dashboard."""

    members = fields.List(fields.Nested(DashboardMemberSchema),
                          metadata={"description": "One page of 20 active members"})
    member_count = fields.Integer()
    page = fields.Integer()
    sort = fields.String()
    order = fields.Function(lambda board: "desc" if board.descending else "asc")
    quiet = fields.List(fields.Nested(QuietMemberSchema),
                        metadata={"description": "The first 20, quietest first"})
    quiet_count = fields.Integer()
    quiet_days = fields.Integer()
    weekly_active = fields.List(fields.Nested(WeekSchema))
    reminder_text = fields.String(allow_none=True)
