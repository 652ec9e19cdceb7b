"""Publishing a notice from a phone and editing it: plain forms read into the API's
payload (same schemas, same service), 303 after success, and a form with mistakes shown
again (422) with what was typed and the pictures already uploaded.

Pictures come the way every widget's form takes them (core.pickedphotos). The edit
page either corrects the text (receipts stay) or, with its box ticked, publishes a new
revision that everyone confirms again."""
from flask import flash, redirect, render_template, request, url_for

from grouptools.core.access import Action, authorize
from grouptools.core.errors import DomainError
from grouptools.core.forms import (
    deadline_input,
    deadline_payload,
    deadline_unchanged,
    error_status,
    errors_by_input,
    load,
    shown_on_form,
)
from grouptools.core.groups.service import find_group, roster
from grouptools.core.i18n import gettext
from grouptools.core.identity import require_person
from grouptools.core.loaders import load_widget
from grouptools.core.pickedphotos import (
    kept_photos,
    limit_photo_uploads,
    photo_value,
    store_picked_photos,
)
from grouptools.core.ratelimits import rate_limited
from grouptools.core.uploads import TooManyPixelsAtOnce
from grouptools.notice import service
from grouptools.notice.blueprints import bp
from grouptools.notice.models import Notice
from grouptools.notice.schemas import NoticeCreateSchema, NoticeUpdateSchema

BOOLEANS = ("require_confirmation", "pinned")
# Where the service's and the schema's refusals are shown on the form.
FORM_FIELDS = {"image_ids": "photos", "audience_member_ids": "audience"}


def _typed(fields):
    typed = {name: request.form.get(name, "") for name in fields}
    typed.update({name: name in request.form for name in BOOLEANS})
    return typed


def _form_errors(error):
    """A refusal as the form shows it: one line per field (lists of members or pictures
    by position become one message on the whole list)."""
    return errors_by_input(error, FORM_FIELDS)


# --- Publishing ---------------------------------------------------------------------------

def _typed_publish_form(group):
    """What was typed and ticked, with the pictures uploaded earlier in this form."""
    typed = _typed(("title", "body", "deadline", "audience"))
    typed["members"] = request.form.getlist("audience_member_ids")
    typed["photos"] = [photo_value(image) for _, image in kept_photos(group, Notice.IMAGES_MAX)]
    return typed


def _publish_payload(group, typed):
    """The API's payload: ticked members count only for a chosen audience."""
    return {"title": typed["title"], "body": typed["body"],
            "image_ids": [photo["id"] for photo in typed["photos"]],
            "require_confirmation": typed["require_confirmation"], "pinned": typed["pinned"],
            "deadline": deadline_payload(group, typed["deadline"]),
            "audience_member_ids": typed["members"] if typed["audience"] == "chosen" else None}


def _publish_page(group, person, typed, errors, status=200):
    members = [m for m in roster(person, group)[0] if m.is_active]
    return render_template("notice/create.html", group=group, values=typed, errors=errors,
                           members=members, photos_max=Notice.IMAGES_MAX), status


@bp.route("/g/<pid:gid>/notices/new", methods=["GET", "POST"])
@rate_limited("create_widget")
@limit_photo_uploads()
def create_notice(gid):
    group = find_group(gid)
    person = require_person()
    authorize(person, Action.CREATE_WIDGET, group)
    if request.method == "GET":
        return _publish_page(group, person, {"require_confirmation": True, "audience": "all",
                                             "members": [], "photos": []}, {})
    typed = _typed_publish_form(group)
    # Pictures picked now are kept first, so a form shown again still has them.
    try:
        images, problems = store_picked_photos(
            person, group, Notice.IMAGES_MAX - len(typed["photos"]),
            gettext("A notice has at most %(num)d pictures.", num=Notice.IMAGES_MAX))
    except TooManyPixelsAtOnce as error:
        return _publish_page(group, person, typed, {"photos": [str(error.message)]},
                             error.status)
    typed["photos"] += [photo_value(image) for image in images]
    data, invalid = load(NoticeCreateSchema(), _publish_payload(group, typed))
    if problems or invalid:
        errors = {**_form_errors(invalid), **({"photos": problems} if problems else {})}
        return _publish_page(group, person, typed, errors, 422)
    try:
        notice = service.publish(person, group, **data)
    except DomainError as error:
        if not shown_on_form(error):
            raise
        return _publish_page(group, person, typed, _form_errors(error), error_status(error))
    flash(gettext("Your notice is published. Share its link in the chat."), "success")
    return redirect(url_for("notice_pages.show_notice", nid=notice.public_id), code=303)


# --- Editing ------------------------------------------------------------------------------

def _read_edit_form(notice):
    typed = _typed(("title", "body", "deadline"))
    typed["new_revision"] = "new_revision" in request.form
    payload = {key: typed[key] for key in ("title", "body", "new_revision", *BOOLEANS)}
    # Shown again unchanged, a stored deadline stays (one past is no longer accepted new).
    if not deadline_unchanged(notice.group, typed["deadline"], notice.deadline):
        payload["deadline"] = deadline_payload(notice.group, typed["deadline"])
    return payload, typed


@bp.route("/n/<pid:nid>/edit", methods=["GET", "POST"])
def edit_notice(nid):
    notice, person, _ = load_widget(Notice, nid, Action.MANAGE_WIDGET)
    typed = {"title": notice.title, "body": notice.body, "pinned": notice.pinned,
             "require_confirmation": notice.require_confirmation, "new_revision": False,
             "deadline": deadline_input(notice.group, notice.deadline)}
    errors, status = {}, 200
    if request.method == "POST":
        payload, typed = _read_edit_form(notice)
        data, errors = load(NoticeUpdateSchema(), payload)
        status = 422
        if not errors:
            try:
                service.update_notice(person, notice, **data)
            except DomainError as error:
                if not shown_on_form(error):
                    raise
                errors, status = error, error_status(error)
            else:
                flash(gettext("A new revision is published: everyone is asked to confirm "
                              "again.") if data.get("new_revision") else
                      gettext("Changes saved. Confirmations so far still count."), "success")
                return redirect(url_for("notice_pages.show_notice", nid=nid), code=303)
        errors = _form_errors(errors)
    return render_template("notice/edit.html", notice=notice, group=notice.group,
                           values=typed, errors=errors), status
