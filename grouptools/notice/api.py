"""/api/v1 routes about notices: parse, ask the service, answer."""
from grouptools.core.access import Action
from grouptools.core.groups.service import find_group
from grouptools.core.identity import require_person
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.notice import receipts, service
from grouptools.notice.blueprints import blp
from grouptools.notice.export import download_receipts
from grouptools.notice.models import Notice
from grouptools.notice.schemas import (
    ConfirmationSchema,
    NoticeCreateSchema,
    NoticeSchema,
    NoticeUpdateSchema,
    ReceiptsSchema,
    RevisionSchema,
)


@blp.route("/groups/<pid:gid>/notices", methods=["POST"])
@rate_limited("create_widget")
@blp.arguments(NoticeCreateSchema)
@blp.response(201, NoticeSchema)
def create_notice(data, gid):
    person = require_person()
    notice = service.publish(person, find_group(gid), **data)
    return service.notice_state(person, notice)


@blp.route("/notices/<pid:nid>")
@blp.response(200, NoticeSchema, description="Records that an audience member read it")
def get_notice(nid):
    notice, person, _ = load_widget(Notice, nid)
    return service.notice_state(person, notice)


@blp.route("/notices/<pid:nid>", methods=["PATCH"])
@blp.arguments(NoticeUpdateSchema)
@blp.response(200, NoticeSchema)
def update_notice(data, nid):
    notice, person, _ = load_widget(Notice, nid, Action.MANAGE_WIDGET)
    return service.notice_state(person, service.update_notice(person, notice, **data))


@blp.route("/notices/<pid:nid>", methods=["DELETE"])
@blp.response(204)
def delete_notice(nid):
    notice, person, _ = load_widget(Notice, nid, Action.MANAGE_WIDGET)
    service.delete_notice(person, notice)


@blp.route("/notices/<pid:nid>/confirm", methods=["POST"])
@rate_limited("confirm")
@blp.response(201, ConfirmationSchema, description="First confirmation of this revision")
@blp.alt_response(200, schema=ConfirmationSchema, description="Confirmed before: the same time")
def confirm_notice(nid):
    notice, person, _ = load_widget(Notice, nid, Action.ACT)
    receipt, first = receipts.confirm(person, notice)
    answer = {"revision": receipt.revision, "confirmed_at": receipt.confirmed_at,
              "late": receipts.is_late(notice, receipt.confirmed_at)}
    return answer, 201 if first else 200


@blp.route("/notices/<pid:nid>/receipts")
@blp.response(200, ReceiptsSchema)
def get_receipts(nid):
    notice, person, _ = load_widget(Notice, nid, Action.MANAGE_WIDGET)
    return receipts.receipts(person, notice)


@blp.route("/notices/<pid:nid>/revisions")
@blp.response(200, RevisionSchema(many=True))
def get_revisions(nid):
    notice, person, _ = load_widget(Notice, nid)
    return receipts.revisions(person, notice)


@blp.route("/notices/<pid:nid>/export.csv")
@blp.response(200, content_type="text/csv",
              description="Managers: one row per audience member, current revision")
def export_receipts(nid):
    notice, person, _ = load_widget(Notice, nid, Action.MANAGE_WIDGET)
    return download_receipts(person, notice)
