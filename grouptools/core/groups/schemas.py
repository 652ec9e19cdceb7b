"""What the API accepts and answers about groups and members; each audience its view."""
from flask_babel import gettext, lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from grouptools.core.fields import Boolean, Schema, Text, VisibleText
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


class MemberChangeSchema(Schema):
    role = Text(
        max_length=16,
        validate=[validate.OneOf(Membership.ROLES, error=_l("Use 'owner', 'admin' or 'member'."))],
    )
    status = Text(
        max_length=16,
        validate=[validate.OneOf(("active",), error=_l("Only 'active' can be set here."))],
    )
