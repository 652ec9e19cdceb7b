"""Event sign-in pages: the event's page — for a member who scanned the display, the
"Sign in" button carrying the code from the QR code's URL, and their status; for
managers who signed in, who is missing, the reminder and the CSV — and the display, the
rotating QR code big on the organiser's screen.

The display fetches its next code in place when its code rotates (js/event-display.js,
a static file: the CSP allows no inline script), and without JavaScript reloads itself by
a meta refresh inside <noscript>. Signing in is a POST (a chat app fetching the link for
its preview signs nobody in) and redirects. Sharing, closing and deleting are the kit's
(core.widgetpages)."""
from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup

from grouptools.checkin import events
from grouptools.checkin.blueprints import event_bp as bp
from grouptools.checkin.eventapi import signin_url
from grouptools.checkin.eventcode import seconds_to_next_code
from grouptools.checkin.eventmodels import Event
from grouptools.checkin.kind import EVENT
from grouptools.checkin.eventschemas import EventCreateSchema
from grouptools.core.access import Action, authorize
from grouptools.core.errors import DomainError
from grouptools.core.forms import deadline_payload, error_status, field_errors, load, shown_on_form
from grouptools.core.groups.service import find_group
from grouptools.core.i18n import gettext
from grouptools.core.identity import require_person
from grouptools.core.conditional import uncached
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.core.share import qr_svg
from grouptools.core.timeutil import utcnow
from grouptools.core.widgetpages import member_page_or_public_card, widget_link, widget_preview

CODE_MAX = 16
TIMES = ("starts_at", "ends_at", "late_after")


@bp.route("/g/<pid:gid>/events/new", methods=["GET", "POST"])
@rate_limited("create_widget")
def create_event(gid):
    group = find_group(gid)
    person = require_person()
    authorize(person, Action.CREATE_WIDGET, group)
    typed, errors, status = {}, {}, 200
    if request.method == "POST":
        typed = {name: request.form.get(name, "") for name in ("title", *TIMES)}
        payload = {"title": typed["title"]}
        payload.update({name: deadline_payload(group, typed[name]) for name in TIMES})
        data, errors = load(EventCreateSchema(), payload)
        if not errors:
            try:
                event = events.create_event(person, group, **data)
            except DomainError as error:
                if not shown_on_form(error):
                    raise
                errors = error
            else:
                flash(gettext("Your event is ready. Show its sign-in code on a screen."),
                      "success")
                return redirect(url_for("event_pages.display", eid=event.public_id), code=303)
        errors, status = field_errors(errors), error_status(errors)
    return render_template("checkin/event_create.html", group=group, values=typed,
                           errors=errors), status


def _code_from(values):
    code = values.get("code", "").strip()
    return code if len(code) <= CODE_MAX else ""


def _show(loaded, error=None, status=200):
    event = loaded.widget
    state = events.event_state(loaded.person, event)
    report = events.attendance(loaded.person, event) if state.manager else None
    now = utcnow()
    return render_template(
        "checkin/event.html", event=event, group=event.group, state=state, report=report,
        code=_code_from(request.args), error=error, now=now,
        open_now=not event.is_closed(now) and event.starts_at <= now <= event.ends_at,
        preview=widget_preview(event), link=widget_link(event)), status


@bp.get("/e/<pid:eid>")
def show_event(eid):
    return member_page_or_public_card(EVENT, eid, _show)


@bp.post("/e/<pid:eid>/signin")
@rate_limited("check_in")
def sign_in(eid):
    loaded = load_widget(Event, eid, Action.ACT)
    try:
        signed, created = events.sign_in(loaded.person, loaded.widget,
                                         _code_from(request.form))
    except DomainError as error:
        if error.status != 409:
            raise
        return _show(loaded, error.message, 409)
    if created:
        flash(gettext("You are signed in.") if not signed.late else
              gettext("You are signed in, late."), "success")
    else:
        flash(gettext("You had signed in already."), "info")
    return redirect(url_for("event_pages.show_event", eid=eid), code=303)


@bp.get("/e/<pid:eid>/display")
@uncached  # its code rotates: never kept, never 304
def display(eid):
    event, person, _ = load_widget(Event, eid, Action.MANAGE_WIDGET)
    state = events.event_state(person, event)
    now = utcnow()
    code, expires_at = events.display_code(person, event, now)
    url = signin_url(event, code)
    return render_template(
        "checkin/event_display.html", event=event, group=event.group, state=state,
        code=code, url=url, qr=Markup(qr_svg(url).decode("ascii")),
        refresh=seconds_to_next_code(now),
        open_now=not event.is_closed(now) and event.starts_at <= now <= event.ends_at)
