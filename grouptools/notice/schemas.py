"""What the notice API accepts and answers (docs/api.md). The body is plain text: it is
stored and answered as typed, and pages escape it like every user text. Who sees what is
decided by the service (NoticeState, receipts.Receipts) and shown here."""
from marshmallow import fields

from grouptools.core.fields import (
    Boolean, Deadline, PlainList, Schema, Text, VisibleText, page_number, public_ids,
)
from grouptools.core.links import image_urls
from grouptools.core.widgetapi import WidgetStateSchema
from grouptools.notice.models import Notice
from grouptools.notice.receipts import PAGE_SIZE, REMINDER_MAX, is_late, reminder_text

# A chosen audience names members: as many as a large group holds.
AUDIENCE_MAX = 5000


def _time(value):
    return value.isoformat() if value else None


class NoticeFieldsSchema(Schema):
    title = VisibleText(min_length=1, max_length=Notice.TITLE_MAX)
    body = Text(max_length=Notice.BODY_MAX)
    image_ids = public_ids(Notice.IMAGES_MAX, metadata={
        "description": "Pictures uploaded with POST /api/v1/images for this group, in order"})
    require_confirmation = Boolean()
    deadline = Deadline(allow_none=True, metadata={
        "description": "When confirmations are due; reading stays open after it"})
    pinned = Boolean()
    audience_member_ids = public_ids(AUDIENCE_MAX, allow_none=True, metadata={
        "description": "Member ids of a chosen audience; null or absent: every active member"})


class NoticeCreateSchema(NoticeFieldsSchema):
    title = VisibleText(required=True, min_length=1, max_length=Notice.TITLE_MAX)


class NoticeUpdateSchema(NoticeFieldsSchema):
    new_revision = Boolean(metadata={
        "description": "Publish as revision n+1: everyone confirms again; without it, a "
                       "correction that keeps the receipts"})


class ImageSchema(Schema):
    """A picture of the notice (a row of service.pictures)."""

    id = fields.Function(lambda i: i.public_id)
    url = fields.Function(lambda i: image_urls(i, absolute=True)[0])
    thumb_url = fields.Function(lambda i: image_urls(i, absolute=True)[1])


_IMAGES = ImageSchema(many=True)


def _my_receipt(state):
    receipt = state.receipt
    if receipt is None:
        return None
    return {"viewed_at": _time(receipt.viewed_at), "confirmed_at": _time(receipt.confirmed_at),
            "late": is_late(state.notice, receipt.confirmed_at)}


class NoticeSchema(WidgetStateSchema):
    """A notice as one asker sees it (a service.NoticeState)."""

    body = fields.Function(lambda s: s.notice.body)
    images = fields.Function(lambda s: _IMAGES.dump(s.pictures))
    require_confirmation = fields.Function(lambda s: s.notice.require_confirmation)
    pinned = fields.Function(lambda s: s.notice.pinned)
    audience = fields.Function(lambda s: s.notice.audience)
    audience_member_ids = fields.Function(lambda s: s.chosen, metadata={
        "description": "Managers, chosen audience: who it is addressed to"})
    revision = fields.Function(lambda s: s.notice.revision)
    revised_at = fields.Function(lambda s: _time(s.notice.revised_at), metadata={
        "description": "When the current revision was published"})
    my_receipt = fields.Function(_my_receipt, metadata={
        "description": "{viewed_at, confirmed_at, late} for the current revision; null for "
                       "managers outside the audience"})
    confirmed_count = fields.Function(lambda s: s.counts.confirmed)
    audience_count = fields.Function(lambda s: s.counts.audience)
    overdue = fields.Boolean()
    can_manage = fields.Boolean(attribute="manager")


class ConfirmationSchema(Schema):
    revision = fields.Integer()
    confirmed_at = fields.DateTime()
    late = fields.Boolean(metadata={"description": "Confirmed after the deadline"})


def _listed(member):
    return {"member_id": member.public_id, "name": member.display_name}


class ListedSchema(Schema):
    member_id = fields.String(attribute="public_id")
    name = fields.String(attribute="display_name")


class ConfirmedSchema(ListedSchema):
    confirmed_at = fields.Function(lambda m: _time(m.at))


class ViewedSchema(ListedSchema):
    viewed_at = fields.Function(lambda m: _time(m.at))


class ReceiptsQuerySchema(Schema):
    page = page_number(metadata={"description": f"Which page of each list, {PAGE_SIZE} names a page"})


class ReceiptsSchema(Schema):
    """A receipts.Receipts for managers: exact counts, one page of each list."""

    revision = fields.Function(lambda r: r.notice.revision)
    audience_count = fields.Function(lambda r: r.counts.audience)
    confirmed_count = fields.Function(lambda r: r.counts.confirmed)
    viewed_count = fields.Function(lambda r: r.counts.viewed, metadata={
        "description": "Opened the current revision, those who confirmed included"})
    not_viewed_count = fields.Function(lambda r: r.counts.audience - r.counts.viewed)
    page = fields.Integer()
    page_size = fields.Integer()
    pages = fields.Integer(metadata={"description": "Pages of the longest list (at least 1)"})
    confirmed = PlainList(ConfirmedSchema, lambda m: {**_listed(m), "confirmed_at": _time(m.at)},
                          metadata={"description": f"By time of confirming: {PAGE_SIZE} a page"})
    viewed = PlainList(ViewedSchema, lambda m: {**_listed(m), "viewed_at": _time(m.at)},
                       metadata={"description": f"Opened, not confirmed: {PAGE_SIZE} a page"})
    not_viewed = PlainList(ListedSchema, _listed, metadata={
        "description": f"In the order they joined: {PAGE_SIZE} a page"})
    overdue = fields.Boolean()
    reminder_text = fields.Function(reminder_text, metadata={
        "description": f"@-mentions the members who have not confirmed (first {REMINDER_MAX}); "
                       "null when nobody is left or no confirmation is asked"})


class RevisionSchema(Schema):
    revision = fields.Integer()
    title = fields.String()
    body = fields.String()
    published_at = fields.Function(lambda r: _time(r["published_at"]))
    confirmed_count = fields.Integer()
