"""Notice pages: publishing from a phone, the notice as its audience reads it with the
big confirm button, and what its managers see of who has confirmed. Every action is a
plain form that redirects; a form with mistakes comes back (422) with what was typed.

Sharing, closing and deleting are the kit's (core.widgetpages)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from grouptools.core.access import Action, authorize
from grouptools.core.errors import DomainError
from grouptools.core.forms import deadline_payload, error_status, field_errors, load, shown_on_form
from grouptools.core.groups.service import find_group
from grouptools.core.identity import require_person
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.core.widgetpages import member_page_or_public_card, widget_link, widget_preview
from grouptools.notice import receipts, service
from grouptools.notice.blueprints import bp
from grouptools.notice.kind import NOTICE
from grouptools.notice.models import Notice
from grouptools.notice.schemas import NoticeCreateSchema

BOOLEANS = ("require_confirmation", "pinned")


def _read_notice_form(group):
    """(payload for the API's schema, what was typed)."""
    typed = {name: request.form.get(name, "") for name in ("title", "body", "deadline")}
    typed.update({name: name in request.form for name in BOOLEANS})
    payload = {"title": typed["title"], "body": typed["body"],
               "require_confirmation": typed["require_confirmation"],
               "pinned": typed["pinned"], "deadline": deadline_payload(group, typed["deadline"])}
    return payload, typed


@bp.route("/g/<pid:gid>/notices/new", methods=["GET", "POST"])
@rate_limited("create_widget")
def create_notice(gid):
    group = find_group(gid)
    person = require_person()
    authorize(person, Action.CREATE_WIDGET, group)
    typed, errors, status = {"require_confirmation": True}, {}, 200
    if request.method == "POST":
        payload, typed = _read_notice_form(group)
        data, errors = load(NoticeCreateSchema(), payload)
        if not errors:
            try:
                notice = service.publish(person, group, **data)
            except DomainError as error:
                if not shown_on_form(error):
                    raise
                errors = error
            else:
                flash(gettext("Your notice is published. Share its link in the chat."),
                      "success")
                return redirect(url_for("notice_pages.show_notice", nid=notice.public_id),
                                code=303)
        errors, status = field_errors(errors), error_status(errors)
    return render_template("notice/create.html", group=group, values=typed,
                           errors=errors), status


def _show(loaded):
    state = service.notice_state(loaded.person, loaded.widget)
    report = receipts.receipts(loaded.person, loaded.widget) if state.manager else None
    reminder = receipts.reminder_text(report) if report else None
    return render_template("notice/show.html", state=state, notice=loaded.widget,
                           group=loaded.widget.group, report=report, reminder=reminder,
                           preview=widget_preview(loaded.widget), link=widget_link(loaded.widget))


@bp.get("/n/<pid:nid>")
def show_notice(nid):
    return member_page_or_public_card(NOTICE, nid, _show)


@bp.post("/n/<pid:nid>/confirm")
@rate_limited("confirm")
def confirm(nid):
    notice, person, _ = load_widget(Notice, nid, Action.ACT)
    _, first = receipts.confirm(person, notice)
    flash(gettext("Thank you: your confirmation was recorded.") if first
          else gettext("You had confirmed already."), "success")
    return redirect(url_for("notice_pages.show_notice", nid=nid), code=303)
