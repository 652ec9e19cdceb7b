"""/api/v1 routes about notices: parse, ask the service, answer."""
from grouptools.core.access import Action
from grouptools.core.conditional import shared_json
from grouptools.core.database import before_the_write
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.core.widgetapi import add_widget_api
from grouptools.notice import receipts, schemas, service
from grouptools.notice.blueprints import blp
from grouptools.notice.export import download_receipts
from grouptools.notice.kind import NOTICE
from grouptools.notice.models import Notice

RECEIPTS = schemas.ReceiptsSchema()  # built once: shared_json dumps with it

add_widget_api(blp, NOTICE, "notices/<pid:nid>", state=service.notice_state,
               schema=schemas.NoticeSchema, create_rule="groups/<pid:gid>/notices",
               create_schema=schemas.NoticeCreateSchema, create=service.publish,
               update_schema=schemas.NoticeUpdateSchema, update=service.update_notice)


@blp.route("/notices/<pid:nid>/confirm", methods=["POST"])
@rate_limited("confirm")
@blp.response(201, schemas.ConfirmationSchema, description="First confirmation of this revision")
@blp.alt_response(200, schema=schemas.ConfirmationSchema,
                  description="Confirmed before: the same time")
def confirm_notice(nid):
    """The asker's confirmation of the current revision. The notice and the asker are
    read before the write begins, so SQLite's writer's turn is held only for the write."""
    with before_the_write():
        notice, person, _ = load_widget(Notice, nid, Action.ACT)
    confirmation = receipts.confirm(person, notice)
    return confirmation, 201 if confirmation.first else 200


@blp.route("/notices/<pid:nid>/receipts")
@blp.arguments(schemas.ReceiptsQuerySchema, location="query")
@blp.response(200, schemas.ReceiptsSchema)
def get_receipts(args, nid):
    """Managers: the counts, one page of each list (`?page=`) and the reminder."""
    notice, person, _ = load_widget(Notice, nid, Action.MANAGE_WIDGET)
    page = args["page"]  # every manager reads it alike, page by page
    return shared_json(notice, "receipts", RECEIPTS,
                       lambda: receipts.receipts(person, notice, page), page)


@blp.route("/notices/<pid:nid>/revisions")
@blp.response(200, schemas.RevisionSchema(many=True))
def get_revisions(nid):
    notice, person, _ = load_widget(Notice, nid)
    return receipts.revisions(person, notice)


@blp.route("/notices/<pid:nid>/export.csv")
@blp.response(200, content_type="text/csv",
              description="Managers: one row per audience member, current revision")
def export_receipts(nid):
    notice, person, _ = load_widget(Notice, nid, Action.MANAGE_WIDGET)
    return download_receipts(person, notice)
