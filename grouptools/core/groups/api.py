"""/api/v1 routes about groups and members: parse, ask the service, answer."""
from flask import Response, jsonify, request
from flask_smorest import abort as api_abort

from grouptools.core.access import membership_of
from grouptools.core.errors import Invalid
from grouptools.core.groups import blp, dashboard, export, exportzip, importzip, moves, service
from grouptools.core.http import allow_large_body
from grouptools.core.groups.schemas import (
    DashboardArgsSchema,
    DashboardSchema,
    GroupCreateSchema,
    GroupSchema,
    GroupSettingsSchema,
    JoinedSchema,
    JoinSchema,
    ManagedMemberSchema,
    MemberChangeSchema,
    MemberSchema,
    PublicGroupSchema,
)
from grouptools.core.i18n import gettext
from grouptools.core.identity import current_person, require_person
from grouptools.core.links import absolute_url, group_url
from grouptools.core.people.schemas import UrlSchema
from grouptools.core.ratelimits import rate_limited

def group_view(group, membership):
    """The group as the asker may see it: the full group for active members, else the
    card. Answered as a finished response because the schema depends on the audience."""
    card = service.public_card(group)
    view = {
        "public_id": group.public_id,
        "name": group.name,
        "description": group.description,
        "member_count": card.member_count,
        "owner_name": card.owner_name,
        "join_policy": group.join_policy,
        "join_question": group.join_question,
        "url": group_url(group),
        "my_status": membership.status if membership and not membership.is_active else None,
    }
    if membership is None or not membership.is_active:
        return jsonify(PublicGroupSchema().dump(view))
    view.update(rules=group.rules, timezone=group.timezone,
                members_can_create=group.members_can_create, role=membership.role)
    return jsonify(GroupSchema().dump(view))


@blp.route("/groups", methods=["POST"])
@rate_limited("create_group")
@blp.arguments(GroupCreateSchema)
@blp.response(201, GroupSchema)
def create_group(data):
    person = require_person()
    group = service.create_group(person, **data)
    return group_view(group, membership_of(person, group)), 201


@blp.route("/groups/<pid:gid>")
@blp.response(200, GroupSchema, description="Members get the group; others its public card.")
def get_group(gid):
    group = service.find_group(gid)
    return group_view(group, membership_of(current_person(), group))


@blp.route("/groups/<pid:gid>", methods=["PATCH"])
@blp.arguments(GroupSettingsSchema)
@blp.response(200, GroupSchema)
def update_group(data, gid):
    person = require_person()
    group = service.update_settings(person, service.find_group(gid), **data)
    return group_view(group, membership_of(person, group))


@blp.route("/groups/<pid:gid>", methods=["DELETE"])
@blp.response(204)
def delete_group(gid):
    service.delete_group(require_person(), service.find_group(gid))


@blp.route("/groups/<pid:gid>/join", methods=["POST"])
@rate_limited("join_group")
@blp.arguments(JoinSchema)
@blp.response(201, JoinedSchema)
@blp.alt_response(200, schema=JoinedSchema, description="Already a member (or waiting)")
def join_group(data, gid):
    membership, created = service.join_group(require_person(), service.find_group(gid), **data)
    body = {"member_id": membership.public_id, "status": membership.status}
    return body, 201 if created else 200


@blp.route("/groups/<pid:gid>/members")
@blp.response(200, ManagedMemberSchema(many=True),
              description="Managers also see pending, left and removed members, "
                          "last activity and join answers.")
def list_members(gid):
    memberships, mine = service.roster(require_person(), service.find_group(gid))
    schema = ManagedMemberSchema if mine.is_manager else MemberSchema
    return jsonify(schema(many=True).dump(memberships))


@blp.route("/groups/<pid:gid>/members/<mid>", methods=["PATCH"])
@blp.arguments(MemberChangeSchema)
@blp.response(200, ManagedMemberSchema)
def change_member(data, gid, mid):
    person = require_person()
    group = service.find_group(gid)
    target = service.member_for(person, group, mid)
    return service.change_member(person, group, target, **data)


@blp.route("/groups/<pid:gid>/members/<mid>", methods=["DELETE"])
@blp.response(204)
def remove_member(gid, mid):
    person = require_person()
    group = service.find_group(gid)
    if mid == "me":
        service.leave_group(person, group)
    else:
        service.remove_member(person, group, service.member_for(person, group, mid))


@blp.route("/groups/<pid:gid>/members/<mid>/signin-link", methods=["POST"])
@blp.response(201, UrlSchema)
def issue_signin_link(gid, mid):
    """A one-time link that moves this member's membership (in this group only) to the
    device that opens it: never their other groups, token or own sign-in link."""
    person = require_person()
    group = service.find_group(gid)
    secret = moves.issue_move_link(person, group, service.member_for(person, group, mid))
    return {"url": absolute_url(f"/signin/once/{secret}")}


@blp.route("/groups/<pid:gid>/export.json")
@blp.response(200, description="The whole group: settings, members, every widget (owner)")
def export_group_json(gid):
    data = export.export_group(require_person(), service.find_group(gid))
    response = jsonify(data)
    response.headers["Content-Disposition"] = f'attachment; filename="group-{gid}.json"'
    return response


@blp.route("/groups/<pid:gid>/export.csv")
@blp.response(200, description="The members as CSV (owner)")
def export_members_csv(gid):
    text = export.members_csv(require_person(), service.find_group(gid))
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="members-{gid}.csv"'})


@blp.route("/groups/<pid:gid>/dashboard")
@blp.arguments(DashboardArgsSchema, location="query")
@blp.response(200, DashboardSchema,
              description="Managers: who took part in what, who went quiet, weekly activity")
def group_dashboard(args, gid):
    order = args.pop("order", None)
    return dashboard.group_dashboard(require_person(), service.find_group(gid),
                                     descending=None if order is None else order == "desc",
                                     **args)


@blp.route("/groups/<pid:gid>/export.zip")
@blp.response(200, description="The whole group as a zip: group.json, images/, csv/ (owner)")
def export_group_zip(gid):
    archive = exportzip.group_zip(require_person(), service.find_group(gid))
    size = archive.seek(0, 2)
    archive.seek(0)

    def chunks():
        with archive:  # the temporary file goes when the answer is sent or dropped
            while chunk := archive.read(256 * 1024):
                yield chunk

    return Response(chunks(), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="group-{gid}.zip"',
        "Content-Length": str(size), "Cache-Control": "private, no-store"})


@blp.route("/groups/import", methods=["POST"])
@rate_limited("create_group")
@blp.response(201, GroupSchema)
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "a group's export.zip"}},
}}}})
def import_group():
    """A new group from another server's export.zip, owned by the asker; its members
    come back as placeholders handed out with one-time links."""
    person = require_person()
    if request.mimetype != "multipart/form-data":
        api_abort(415, message=gettext("Send the zip as multipart/form-data in a field named 'file'."))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid({"file": [gettext("This field is required.")]})
    group = importzip.import_group(person, upload.stream)
    return group_view(group, membership_of(person, group)), 201


blp.record_once(lambda state: allow_large_body(state.app, "groups.import_group",
                                               importzip.MAX_IMPORT_BYTES + 256 * 1024))
