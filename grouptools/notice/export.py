"""A notice's receipts as CSV for its managers — one row per member of the current
audience, for the current revision — and every notice with its whole receipt history for
the owner's export of the group. Cells are written by core.export (no text ever becomes
a formula, a BOM so Excel reads Chinese)."""
from sqlalchemy import func, select

from grouptools.core.access import Action, authorize
from grouptools.core.export import CSV_BOM, csv_download, csv_line
from grouptools.core.i18n import gettext
from grouptools.core.models import Membership, Person
from grouptools.core.timeutil import local_time
from grouptools.extensions import db
from grouptools.notice import receipts, service
from grouptools.notice.models import Notice, NoticeReceipt
from grouptools.notice.schemas import NoticeSchema, RevisionSchema


def _receipt_rows(notice):
    """(name, viewed_at, confirmed_at) of every audience member, streamed."""
    query = (notice.audience_members(func.coalesce(Membership.nickname, Person.name),
                                     NoticeReceipt.viewed_at, NoticeReceipt.confirmed_at)
             .join(Person, Person.id == Membership.person_id)
             .outerjoin(NoticeReceipt, receipts.current_receipt(notice, Membership.id))
             .order_by(Membership.joined_at, Membership.id)
             .execution_options(yield_per=1000))
    return db.session.execute(query)


def receipts_csv(person, notice):
    """Managers only (403 for members), asked before anything is sent; then the lines."""
    authorize(person, Action.MANAGE_WIDGET, notice)
    group = notice.group

    def when(at):
        return local_time(group, at).replace(tzinfo=None, microsecond=0) if at else ""

    def lines():
        yield CSV_BOM
        yield csv_line([gettext("Member"), gettext("Status"), gettext("Read at"),
                        gettext("Confirmed at"), gettext("Late")])
        for name, viewed_at, confirmed_at in _receipt_rows(notice):
            status = (gettext("Has confirmed") if confirmed_at else
                      gettext("Has read") if viewed_at else gettext("Has not read"))
            late = gettext("Yes") if receipts.is_late(notice, confirmed_at) else ""
            yield csv_line([name, status, when(viewed_at), when(confirmed_at), late])

    return lines()


def download_receipts(person, notice):
    return csv_download(receipts_csv(person, notice), notice.title, f"notice-{notice.public_id}")


def export_for_group(group, person):
    """("notices", …): each notice as its managers see it, its revisions, and every
    receipt of every revision (departed members' included: history). Reading for the
    export records no view."""
    notices = db.session.scalars(select(Notice).where(Notice.group_id == group.id)
                                 .order_by(Notice.id)).all()
    exported = []
    for notice in notices:
        item = NoticeSchema().dump(service.notice_state(person, notice, record_view=False))
        item["revisions"] = RevisionSchema(many=True).dump(receipts.revisions(person, notice))
        item["receipts"] = [
            {"member_id": member_id, "name": name, "revision": revision,
             "viewed_at": viewed_at.isoformat(), "confirmed_at": confirmed_at and confirmed_at.isoformat()}
            for member_id, name, revision, viewed_at, confirmed_at in receipts.all_receipts(notice)]
        exported.append(item)
    return "notices", exported
