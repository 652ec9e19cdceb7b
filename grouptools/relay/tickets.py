"""Tickets at the door.

A ticket's address carries its own secret: whoever holds it sees the ticket (the
entrant shows it, or forwards it to a friend they signed up); an organiser who scans
it sees "check in". Private answers on it only for organisers and the entrant."""
from flask import flash, redirect, render_template, request, url_for

from grouptools.core.access import Action, can, membership_of
from grouptools.core.i18n import gettext
from grouptools.core.identity import current_person, require_person
from grouptools.core.share import qr_png_response
from grouptools.relay import links, places, service, signups
from grouptools.relay.blueprints import bp
from grouptools.relay.models import Relay

TICKET_CACHE_CONTROL = "private, no-store"


@bp.get("/r/<pid:rid>/tickets/<secret>")
def ticket(rid, secret):
    relay = Relay.find(rid)
    entry = signups.find_ticket(relay, secret)
    person = current_person()
    membership = membership_of(person, relay.group)
    manager = can(person, Action.MANAGE_WIDGET, relay, membership) if membership else False
    mine = membership is not None and membership.id == entry.membership_id
    values = service.shown_values(relay, entry, manager, mine)
    response = render_template(
        "relay/ticket.html", relay=relay, group=relay.group, entry=entry, manager=manager,
        number=places.number_of(entry), position=places.position_of(entry),
        answers=[(f.label, values[f.key]) for f in relay.fields if values.get(f.key)],
        qr=url_for("relay_pages.ticket_qr", rid=rid, secret=secret),
    )
    return response, 200, {"Cache-Control": TICKET_CACHE_CONTROL,
                           "Referrer-Policy": "no-referrer"}


@bp.post("/r/<pid:rid>/tickets/<secret>/attend")
def attend(rid, secret):
    relay = Relay.find(rid)
    entry = signups.find_ticket(relay, secret)
    undo = request.form.get("action") == "undo"
    signups.mark_attended(require_person(), entry, attended=not undo)
    if undo:
        flash(gettext("Check-in undone for %(name)s.", name=entry.name), "info")
    else:
        flash(gettext("%(name)s is checked in.", name=entry.name), "success")
    return redirect(url_for("relay_pages.ticket", rid=rid, secret=secret), code=303)


@bp.get("/r/<pid:rid>/tickets/<secret>/qr.png")
def ticket_qr(rid, secret):
    entry = signups.find_ticket(Relay.find(rid), secret)
    return qr_png_response(links.ticket_url(entry), cache_control=TICKET_CACHE_CONTROL)
