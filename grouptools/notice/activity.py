"""What members did with the group's notices, for the group dashboard (core.widgets
`activity_counts`, `activity_times`): confirmations, one aggregate statement whatever
the group's size. Opening a notice is reading, not acting, and counts for nothing."""
from sqlalchemy import func, select

from grouptools.notice.models import Notice, NoticeReceipt


def activity_counts(group):
    """(membership_id, count): notices the member confirmed (at any revision), one row per
    member."""
    return (select(NoticeReceipt.membership_id.label("membership_id"),
                   func.count(func.distinct(NoticeReceipt.notice_id)).label("count"))
            .join(Notice, Notice.id == NoticeReceipt.notice_id)
            .where(Notice.group_id == group.id, NoticeReceipt.confirmed_at.is_not(None))
            .group_by(NoticeReceipt.membership_id))


def activity_times(group):
    return (select(NoticeReceipt.membership_id.label("membership_id"),
                   NoticeReceipt.confirmed_at.label("at"))
            .join(Notice, Notice.id == NoticeReceipt.notice_id)
            .where(Notice.group_id == group.id, NoticeReceipt.confirmed_at.is_not(None)))
