"""Group pages: create, the group itself (a stranger's join prompt or a member's home),
members and approvals, settings. Every action is a plain form that redirects."""
from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from grouptools.core.access import Action, authorize, can, membership_of, moved_away_notice
from grouptools.core.conditional import answer_if_unchanged
from grouptools.core.groupclock import CLOCK_COLUMNS, widgets_clock
from grouptools.core.i18n import current_language, current_locale, gettext
from grouptools.core.timeutil import local_today, utcnow
from grouptools.core.errors import DomainError, Invalid
from grouptools.core.forms import field_errors, read_form, shown_on_form
from grouptools.core.groups import dashboard, importzip, moves, service
from grouptools.core.http import allow_large_body
from grouptools.core.groups.schemas import (
    DashboardArgsSchema,
    GroupCreateSchema,
    GroupSettingsSchema,
    JoinSchema,
)
from grouptools.core.identity import current_person, require_person, sign_in
from grouptools.core.links import absolute_url, group_url
from grouptools.core.loaders import ClockedGroup, load_group, peek_group
from grouptools.core.people import service as people
from grouptools.core.people.schemas import PersonCreateSchema
from grouptools.core.avatars import avatar_of, avatar_png
from grouptools.core.ratelimits import person_or_newcomer, rate_limited
from grouptools.core.security import local_path, no_store
from grouptools.core.widgets import create_links_for_group, registered_widgets, widgets_for_group
from grouptools.core.share import etag_for, send_picture
from grouptools.core.timezones import zone_choices
from grouptools.core.shareroutes import Shared, add_share_routes, link_preview

bp = Blueprint("group_pages", __name__, template_folder="templates")

BOOLEANS = ("members_can_create",)


def timezone_options(keep=None):
    """The time-zone menu (core.timezones), labelled in the reader's language."""
    return zone_choices(current_locale(), keep=keep)


def _person_from_form(errors, values):
    """The asker, or a new person from the form's "your name" field (one-screen path)."""
    person = current_person()
    if person is not None:
        return person
    values["your_name"] = request.form.get("your_name", "")
    try:
        data = PersonCreateSchema().load({"name": values["your_name"]})
    except ValidationError as error:
        errors["your_name"] = error.messages.get("name")
        return None
    if errors:
        return None
    person, _token = people.create_person(data["name"])
    sign_in(person)
    return person


@bp.route("/groups/new", methods=["GET", "POST"])
@person_or_newcomer("create_group")
def create_group():
    errors, values = {}, {"timezone": "Asia/Shanghai", "join_policy": "open"}
    if request.method == "POST":
        data, errors, values = read_form(GroupCreateSchema(), booleans=BOOLEANS)
        errors = dict(errors)
        person = _person_from_form(errors, values)
        if not errors and person is not None:
            group = service.create_group(person, **data)
            flash(gettext("Your group is ready. Keep your sign-in link (on “Me”) so you can "
                          "manage it from another phone."), "success")
            return redirect(url_for("group_pages.show_group", gid=group.public_id), code=303)
    return render_template("groups/create.html", values=values, errors=errors,
                           timezones=timezone_options(),
                           person=current_person()), 422 if errors else 200


@bp.route("/groups/import", methods=["GET", "POST"])
@rate_limited("create_group")
def import_group():
    """The zip another server's owner downloaded, made into a new group of the asker's."""
    person = require_person()
    errors = {}
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors = {"file": [gettext("Choose the zip file to import.")]}
        else:
            try:
                group = importzip.import_group(person, upload.stream)
            except DomainError as error:
                errors = {"file": _file_problems(error)}
            else:
                flash(gettext("The group is here. Hand each member their place with a "
                              "one-time sign-in link from the members page."), "success")
                return redirect(url_for("group_pages.show_group", gid=group.public_id), code=303)
    return render_template("groups/import.html", errors=errors,
                           max_megabytes=importzip.MAX_IMPORT_BYTES // (1024 * 1024)
                           ), 422 if errors else 200


def _file_problems(error):
    """What the form says under the file input: the refusal, and for a group.json that
    fails its schema the first few fields named."""
    problems = [str(error.message)]
    details = (error.errors or {}).get("group_json")
    if details:
        problems += [f"{path}: {message}" for path, message in _flat(details)][:5]
    return problems


def _flat(errors, path=""):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flat(value, f"{path}.{key}" if path else str(key))
    elif isinstance(errors, list) and all(isinstance(item, str) for item in errors):
        yield path, " ".join(errors)
    else:
        yield path, str(errors)


bp.record_once(lambda state: allow_large_body(state.app, "group_pages.import_group",
                                              importzip.MAX_IMPORT_BYTES + 256 * 1024))


@bp.get("/g/<pid:gid>")
def show_group(gid):
    # Its lines show every widget's state: the group's row says whether any changed
    # (core.groupclock), read with the asker and their membership — as plain columns
    # first when the asker may hold the page already (its 304 loads no entity).
    now = utcnow()
    seen = peek_group(gid) if request.if_none_match else None
    if seen is not None:
        _answer_if_group_unchanged(*seen, now)
    group, person, mine, (*clock, first, pending) = load_group(
        gid, also=CLOCK_COLUMNS + service.ROSTER_COLUMNS)
    if seen is None:
        clocked = ClockedGroup(group.id, group.version, *clock, group.timezone)
        _answer_if_group_unchanged(clocked, person, mine, now)
    if mine is None or not mine.is_active:
        return render_template("groups/public.html", group=group, mine=mine, person=person,
                               values={}, errors={}, preview=link_preview_of(group))
    members = service.roster_preview(person, group, first, pending)
    preview = link_preview_of(group)
    return render_template(
        "groups/show.html", group=group, mine=mine, members=members,
        link=preview["url"], preview=preview,
        widgets=widgets_for_group(group, person),
        create_links=create_links_for_group(group, person),
        can_manage=can(person, Action.MANAGE_GROUP, group, mine),
    )


def _answer_if_group_unchanged(group, person, mine, now):
    """The group page's ETag (304 when the asker holds it): the group's settings and
    roster (`version`), its local date, and for its active members, who see every
    widget's line, its widgets' clock. `group`: a core.loaders.ClockedGroup."""
    clock = None
    if mine is not None and mine.is_active:
        clock = widgets_clock(group.id, group.widgets_version, group.next_moment,
                              [kind.model for kind in registered_widgets()], now)
    answer_if_unchanged("group", group.id, group.version, local_today(group, now), clock,
                        person=person, membership=mine)


@bp.post("/g/<pid:gid>/join")
@person_or_newcomer("join_group")
def join_group(gid):
    group = service.find_group(gid)
    data, errors, values = read_form(JoinSchema())
    errors = dict(errors)
    person = _person_from_form(errors, values)
    if not errors and person is not None:
        try:
            membership, _ = service.join_group(person, group, **data)
        except DomainError as error:
            if not shown_on_form(error):
                raise
            errors = field_errors(error)
        else:
            if membership.status == "pending":
                flash(gettext("Your request to join was sent. An organiser will approve it."), "info")
            else:
                flash(gettext("Welcome to %(group)s!", group=group.name), "success")
            return redirect(_next_or(url_for("group_pages.show_group", gid=gid)), code=303)
    person = current_person()
    return render_template("groups/public.html", group=group, mine=membership_of(person, group),
                           person=person, values=values, errors=errors,
                           preview=link_preview_of(group)), 422


@bp.post("/g/<pid:gid>/leave")
def leave_group(gid):
    group = service.find_group(gid)
    service.leave_group(require_person(), group)
    flash(gettext("You left %(group)s.", group=group.name), "info")
    return redirect(url_for("home"), code=303)


@bp.get("/g/<pid:gid>/members")
def members(gid):
    group = service.find_group(gid)
    person = require_person()
    memberships, mine = service.roster(person, group)
    by_status = {status: [m for m in memberships if m.status == status]
                 for status in ("pending", "active", "removed", "left")}
    return render_template("groups/members.html", group=group, mine=mine, by_status=by_status,
                           can_manage=mine.is_manager, signin_link=request.args.get("link"),
                           moves=moves.moves_by_member(group) if mine.is_manager else {})


@bp.get("/g/<pid:gid>/dashboard")
def group_dashboard(gid):
    """Who takes part, who went quiet (N days chosen on the page), the weekly chart;
    sorted and paged by links (`?sort=last&order=asc&page=2`), no script needed."""
    group = service.find_group(gid)
    person = require_person()
    errors, status = {}, 200
    fields = {key: request.args[key] for key in ("quiet_days", "sort", "order", "page")
              if request.args.get(key)}
    try:
        args = DashboardArgsSchema().load(fields)
    except ValidationError as error:
        errors, status = error.messages, 422
        args = DashboardArgsSchema().load({})
    order = args.pop("order", None)
    board = dashboard.group_dashboard(person, group, descending=None if order is None
                                      else order == "desc", **args)
    return render_template(
        "groups/dashboard.html", group=group, board=board, errors=errors,
        quiet_value=request.args.get("quiet_days", board.quiet_days),
        chart=dashboard.chart(board), mine=membership_of(person, group)), status


@bp.post("/g/<pid:gid>/members/<mid>")
def change_member(gid, mid):
    """One form per button: approve, reject, restore, remove, role changes, sign-in link."""
    group = service.find_group(gid)
    person = require_person()
    target = service.member_for(person, group, mid)
    action = request.form.get("action", "")
    back = _next_or(url_for("group_pages.members", gid=gid))
    name = target.display_name
    if action in ("approve", "restore"):
        service.change_member(person, group, target, status="active")
        flash(gettext("%(name)s is a member now.", name=name), "success")
    elif action in ("reject", "remove"):
        service.remove_member(person, group, target)
        flash(gettext("%(name)s was removed.", name=name), "info")
    elif action in ("admin", "member", "owner"):
        service.change_member(person, group, target, role=action)
        flash(gettext("%(name)s's role was changed.", name=name), "success")
    elif action == "signin-link":
        secret = moves.issue_move_link(person, group, target)
        url = absolute_url(url_for("people_pages.confirm_one_time_link", secret=secret))
        return no_store(render_template("groups/signin_link.html", group=group, target=target,
                                        url=url))
    else:
        raise Invalid({"action": [gettext("Unknown action.")]})
    return redirect(back, code=303)


@bp.route("/g/<pid:gid>/settings", methods=["GET", "POST"])
def settings(gid):
    group = service.find_group(gid)
    person = require_person()
    mine = membership_of(person, group)
    authorize(person, Action.MANAGE_GROUP, group)
    errors = {}
    values = {key: getattr(group, key) for key in service.SETTINGS}
    values["join_question"] = values["join_question"] or ""
    if request.method == "POST":
        # A zone stored before the menu was curated stays as it is when left unchanged.
        kept = request.form.get("timezone") == group.timezone
        schema = GroupSettingsSchema(exclude=("timezone",) if kept else ())
        data, errors, values = read_form(schema, booleans=BOOLEANS)
        values.setdefault("timezone", group.timezone)
        if not errors:
            data.setdefault("join_question", None)
            data.setdefault("description", "")
            data.setdefault("rules", "")
            service.update_settings(person, group, **data)
            flash(gettext("Settings saved."), "success")
            return redirect(url_for("group_pages.show_group", gid=gid), code=303)
    return render_template("groups/settings.html", group=group, mine=mine, values=values,
                           errors=errors, timezones=timezone_options(keep=group.timezone)
                           ), 422 if errors else 200


@bp.post("/g/<pid:gid>/delete")
def delete_group(gid):
    group = service.find_group(gid)
    person = require_person()
    if request.form.get("confirm") != "1":
        authorize(person, Action.DELETE_GROUP, group)
        flash(gettext("Tick the box to confirm that everything in the group will be deleted."), "error")
        return redirect(url_for("group_pages.settings", gid=gid), code=303)
    name = group.name
    service.delete_group(person, group)
    flash(gettext("%(group)s and everything in it were deleted.", group=name), "info")
    return redirect(url_for("home"), code=303)


def _next_or(default):
    return local_path(request.form.get("next", "")) or default


# --- Sharing: QR codes, the poster, avatars -------------------------------------------

def shared_group(group):
    """What the group's pictures and link preview show: how to join, nothing inside."""
    return Shared(group.name, gettext("Join the group"), public_line(group), group_url(group),
                  kind_label=gettext("Group"))


def link_preview_of(group):
    """What chat apps show for the group's link, and the share sheet's pictures: a
    function of the group's id, name and join policy, the language and the site's
    address, worked out once for each (the last PREVIEWS_KEPT of them)."""
    key = (group.public_id, group.name, group.join_policy, current_language(),
           absolute_url(""), request.script_root)
    preview = _PREVIEWS.get(key)
    if preview is None:
        shared = shared_group(group)
        preview = link_preview("group_pages", replace(shared, title=group.name),
                               gid=group.public_id)
        if len(_PREVIEWS) >= PREVIEWS_KEPT:  # the oldest goes (dicts keep their order)
            _PREVIEWS.pop(next(iter(_PREVIEWS)), None)
        _PREVIEWS[key] = preview
    return preview


PREVIEWS_KEPT = 1024
_PREVIEWS = {}


def public_line(group):
    """The line a stranger may read about the group: how to join."""
    if group.join_policy == "open":
        return gettext("Anyone with the link may join.")
    return gettext("Organisers approve each new member.")


add_share_routes(bp, "/g/<pid:gid>", lambda gid: shared_group(service.find_group(gid)))


@bp.get("/g/<pid:gid>/members/<mid>/avatar.png")
def member_avatar(gid, mid):
    group = service.find_group(gid)
    member = service.member_for(current_person(), group, mid)
    size = min(max(request.args.get("size", 96, type=int), 32), 512)
    avatar = avatar_of(member)
    return send_picture(etag_for("avatar", avatar.seed, avatar.initial, avatar.photo_id or "",
                                 size),
                        lambda: avatar_png(avatar, size), cache_control="private, max-age=86400")


# The join panel tells someone whose membership a manager's link moved where it went,
# and every stranger's join screen what the group is.
bp.add_app_template_global(moved_away_notice)
bp.add_app_template_global(service.public_card, "group_public_card")
