"""What a member's leaving or removal does to notices
(docs/security.md#leaving-and-removal).

Their receipts stay: they are history of who read and confirmed what, and they need no
withdrawal, because every count and list of a notice is taken over its current audience
(active members only), so a departed member drops out of them at once. Their place in
chosen audiences goes: restoring a member brings nothing back, so a restored member is
not addressed by a notice that chose them before."""
from sqlalchemy import delete, select

from grouptools.extensions import db
from grouptools.notice.models import Notice, NoticeAudience


def leave_chosen_audiences(membership, reason):
    """The core.widgets `on_member_gone` hook: runs in the caller's transaction."""
    db.session.execute(
        delete(NoticeAudience)
        .where(NoticeAudience.membership_id == membership.id,
               NoticeAudience.notice_id.in_(
                   select(Notice.id).where(Notice.group_id == membership.group_id)))
        .execution_options(synchronize_session=False))
