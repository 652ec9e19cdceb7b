"""The rules of notices: publish, correct or revise, delete, and a notice as one asker
sees it (receipts.py records views and confirmations and counts them).

Plain functions over the models; each asks core.access before anything and commits its
own unit of work. A change holds the notice's row (Notice.lock), so two new revisions
asked at once make two revisions one after the other, never one lost."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, delete, select

from grouptools.core.access import Action, authorize, can
from grouptools.core.closing import close_widget
from grouptools.core.copying import common_columns, members_in, picture_for
from grouptools.core.database import commit_or_conflict
from grouptools.core.errors import Invalid
from grouptools.core.groups.service import chosen_members
from grouptools.core.models import Image, Membership
from grouptools.core.timeutil import utcnow
from grouptools.core.uploads import group_images
from grouptools.core.widgetbase import choose_members
from grouptools.extensions import db
from grouptools.notice import pending, receipts
from grouptools.notice.models import Notice, NoticeAudience, NoticeImage, NoticeRevision

TEXT_FIELDS = ("title", "body")
SETTING_FIELDS = ("require_confirmation", "deadline", "pinned")


@dataclass
class NoticeState:
    """A notice as one asker sees it: what the page and the JSON show."""

    notice: Notice
    membership: Membership
    manager: bool
    addressed: bool  # the asker is in its audience
    receipt: object  # receipts.MyReceipt of the current revision, or None
    counts: receipts.Counts
    chosen: list | None  # managers, chosen audience: the members' public ids
    pictures: list  # rows (public_id, thumb_width, thumb_height), in order

    @property
    def widget(self):
        return self.notice

    @property
    def overdue(self):
        return receipts.is_overdue(self.notice, self.counts)


def notice_state(person, notice, record_view=True):
    """The notice as `person` may see it (404 outside its audience, 401 for nobody).
    An audience member's reading is recorded once per revision unless `record_view` is
    off (the group's export reads without anyone reading)."""
    membership = authorize(person, Action.VIEW_GROUP, notice)
    manager = can(person, Action.MANAGE_WIDGET, notice, membership)
    addressed = notice.audience == "all" or notice.addressed_to(membership)
    # The counts and the asker's receipt in one statement; a first opening writes.
    known = receipts.counts_and_receipt(notice, membership.id if addressed else None)
    if addressed and record_view:
        known = receipts.record_view(notice, membership, known)
    chosen = chosen_member_ids(notice) if manager and notice.audience == "chosen" else None
    counts, receipt = known
    return NoticeState(notice, membership, manager, addressed, receipt, counts, chosen,
                       pictures(notice))


# What the page and the JSON show of each picture, as rows (not the images' whole rows
# with their data): built once (docs/architecture.md#speed).
_PICTURES = (select(Image.public_id, Image.thumb_width, Image.thumb_height)
             .join(NoticeImage, NoticeImage.image_id == Image.id)
             .where(NoticeImage.notice_id == bindparam("b_notice", type_=Integer))
             .order_by(NoticeImage.position))


def pictures(notice):
    """[(public_id, thumb_width, thumb_height)] of the notice's pictures, in order."""
    return db.session.execute(_PICTURES, {"b_notice": notice.id}).all()


def chosen_member_ids(notice):
    return list(db.session.scalars(
        select(Membership.public_id).join(NoticeAudience,
                                          NoticeAudience.membership_id == Membership.id)
        .where(NoticeAudience.notice_id == notice.id).order_by(Membership.id)))


def notices_for_group(group, person, membership):
    """The group's notices the member may see, newest first, as
    [(notice, addressed to them, confirmed by them)]: one statement, and core.access
    asked only about those not addressed to them (which their managers see)."""
    rows = db.session.execute(_GROUP_NOTICES, {"group_id": group.id,
                                               "membership_id": membership.id}).all()
    return [(notice, bool(to_me), bool(confirmed)) for notice, to_me, confirmed in rows
            if to_me or can(person, Action.VIEW_GROUP, notice, membership)]


def _group_notices():
    """notices_for_group's statement, built once with the group and the reader as
    parameters, so a group page neither rebuilds it nor works out its cache key again
    (bench/inprocess.py)."""
    reader = bindparam("membership_id")
    return (select(Notice, Notice.addressed_to_clause(reader).label("addressed"),
                   receipts.confirmed_clause(reader).label("confirmed"))
            .where(Notice.group_id == bindparam("group_id"))
            .order_by(Notice.created_at.desc(), Notice.id.desc()))


_GROUP_NOTICES = _group_notices()


# --- Publishing and managing -------------------------------------------------------------

def _check_deadline(deadline, errors):
    if deadline is not None and deadline <= utcnow():
        errors["deadline"] = [str(_l("The deadline must be in the future."))]


def _attach_images(notice, group, image_ids):
    if len(set(image_ids)) != len(image_ids):
        raise Invalid({"image_ids": [str(_l("Each picture only once."))]})
    images = group_images(group, image_ids)
    if notice.id is not None:
        # Old rows out first: new ones take their positions (unique per notice).
        db.session.execute(delete(NoticeImage).where(NoticeImage.notice_id == notice.id))
        db.session.expire(notice, ["images"])
    notice.images = [NoticeImage(image=image, position=position)
                     for position, image in enumerate(images)]


def _set_audience(notice, memberships):
    """Everyone (`memberships` None) or the chosen members."""
    notice.audience = "all" if memberships is None else "chosen"
    choose_members(NoticeAudience.notice_id, notice, memberships)


def publish(person, group, *, title, body="", image_ids=None, require_confirmation=True,
            deadline=None, pinned=False, audience_member_ids=None):
    """A new notice, revision 1; to everyone in the group, or to the chosen members."""
    authorize(person, Action.CREATE_WIDGET, group)
    errors = {}
    _check_deadline(deadline, errors)
    chosen = (chosen_members(group, audience_member_ids, "audience_member_ids", errors)
              if audience_member_ids is not None else None)
    if errors:
        raise Invalid(errors)
    now = utcnow()
    notice = Notice(group=group, created_by_id=person.id, title=title, body=body or "",
                    require_confirmation=require_confirmation, deadline=deadline,
                    pinned=pinned, revision=1, revised_at=now)
    _attach_images(notice, group, image_ids or [])
    db.session.add(notice)
    _set_audience(notice, chosen)
    pending.sync(notice)
    commit_or_conflict()
    return notice


def copy_notice(person, notice, group):
    """The WidgetKind `copy` hook (core.copying): a new notice, revision 1, in `group` with
    the same text, pictures and settings, and no receipts. A chosen audience stays the
    same people: in another group, those of them who are its active members."""
    copy = Notice(**common_columns(person, notice, group), body=notice.body,
                  require_confirmation=notice.require_confirmation, pinned=notice.pinned,
                  revision=1, revised_at=utcnow())
    copy.images = [NoticeImage(image=picture_for(row.image, group), position=row.position)
                   for row in notice.images]
    db.session.add(copy)
    db.session.flush()
    chosen = None
    if notice.audience == "chosen":
        chosen = members_in(group, db.session.scalars(notice.audience_members(Membership)))
    _set_audience(copy, chosen)
    pending.sync(copy)
    return copy


def update_notice(person, notice, *, new_revision=False, **changes):
    """Without `new_revision`, a correction: the text and settings change, the receipts
    stay (what members confirmed still stands). With it, revision n+1: the text so far is
    kept as history and everyone confirms again."""
    authorize(person, Action.MANAGE_WIDGET, notice)
    if new_revision or "audience_member_ids" in changes:
        pending.lock_group(notice.group_id)  # before the notice's: see pending.lock_group
    notice.lock()
    errors = {}
    if "deadline" in changes:
        _check_deadline(changes["deadline"], errors)
    chosen = "unchanged"
    if "audience_member_ids" in changes:
        member_ids = changes.pop("audience_member_ids")
        chosen = (chosen_members(notice.group, member_ids, "audience_member_ids",
                                    errors)
                  if member_ids is not None else None)
    if errors:
        raise Invalid(errors)
    if new_revision:
        db.session.add(NoticeRevision(notice_id=notice.id, revision=notice.revision,
                                      title=notice.title, body=notice.body,
                                      published_at=notice.revised_at))
        notice.revision = notice.revision + 1
        notice.revised_at = utcnow()
    for key in TEXT_FIELDS + SETTING_FIELDS:
        if key in changes:
            value = changes[key]
            setattr(notice, key, (value or "") if key == "body" else value)
    if "image_ids" in changes:
        _attach_images(notice, notice.group, changes["image_ids"] or [])
    if chosen != "unchanged":
        _set_audience(notice, chosen)
    if new_revision or chosen != "unchanged":
        pending.sync(notice)  # everyone asked again, or another audience
    commit_or_conflict()
    return notice


def close_notice(person, notice, closed=True):
    """Closing stops confirmations (the notice stays readable); reopening takes them
    again. A deadline closes nothing (Notice.DEADLINE_CLOSES)."""
    notice, _ = close_widget(person, notice, closed)
    commit_or_conflict()
    return notice
