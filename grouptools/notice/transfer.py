"""A notice carried in its group's zip (core.transfer): its text and pictures, every
revision, its chosen audience, and each member's receipts (read, confirmed) revision by
revision."""
from sqlalchemy import select

from grouptools.core.transfer import WidgetTransfer, refs_of, rows_of
from grouptools.extensions import db
from grouptools.notice import pending, receipts
from grouptools.notice.export import receipts_csv
from grouptools.notice.models import (
    Notice,
    NoticeAudience,
    NoticeImage,
    NoticeReceipt,
    NoticeRevision,
)

NESTED = ("created_by", "images", "audience_members", "revisions", "receipts")


def _rows(model, notice, *order):
    return db.session.scalars(select(model).where(model.notice_id == notice.id)
                              .order_by(*order)).all()


def export_data(notice, refs):
    return {
        **refs.columns(notice), "created_by": refs.person(notice.created_by_id),
        "images": [{**refs.columns(row), "image": refs.image(row.image_id)}
                   for row in _rows(NoticeImage, notice, NoticeImage.position)],
        "audience_members": [refs.member(row.membership_id)
                     for row in _rows(NoticeAudience, notice, NoticeAudience.membership_id)],
        "revisions": [refs.columns(row)
                      for row in _rows(NoticeRevision, notice, NoticeRevision.revision)],
        "receipts": [{**refs.columns(row), "member": refs.member(row.membership_id)}
                     for row in _rows(NoticeReceipt, notice, NoticeReceipt.id)],
    }


def import_data(group, data, refs):
    notice = Notice(group=group, created_by_id=refs.person_id(data.get("created_by")),
                    **refs.columns(Notice, data, without=NESTED))
    db.session.add(notice)
    db.session.flush()
    for row in rows_of(data, "images"):
        db.session.add(NoticeImage(notice_id=notice.id, image_id=refs.image(row.get("image")).id,
                                   **refs.columns(NoticeImage, row, without=("image",))))
    db.session.add_all(NoticeAudience(notice_id=notice.id, membership_id=refs.member(ref).id)
                       for ref in refs_of(data, "audience_members"))
    db.session.add_all(NoticeRevision(notice_id=notice.id, **refs.columns(NoticeRevision, row))
                       for row in rows_of(data, "revisions"))
    for row in rows_of(data, "receipts"):
        db.session.add(NoticeReceipt(notice_id=notice.id,
                                     membership_id=refs.member(row.get("member")).id,
                                     **refs.columns(NoticeReceipt, row, without=("member",))))
    db.session.flush()
    receipts.refill_tallies(notice.id)  # the counts the receipts make (receipts.tally)
    pending.sync(notice)  # who of its audience has not confirmed it
    return notice


TRANSFER = WidgetTransfer(export_data=export_data, import_data=import_data,
                          export_csv=receipts_csv)
