"""Relay pages: create (from a phone, no JavaScript), the list with its sign-up form,
editing and withdrawing, the change log. Every action is a plain form that redirects; a
form with mistakes comes back (422) with what was typed.

Organisers' tools are in manage.py, tickets in tickets.py, the group page's lines in
listing.py; sharing, closing and deleting are the kit's (core.widgetpages)."""
from flask import flash, redirect, render_template, request, url_for

from grouptools.core.access import Action, authorize
from grouptools.core.conditional import shared_by_askers
from grouptools.core.database import before_the_write
from grouptools.core.errors import DomainError
from grouptools.core.forms import error_status, load, shown_on_form
from grouptools.core.groups.service import find_group
from grouptools.core.i18n import gettext
from grouptools.core.identity import require_person
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.core.timeutil import utcnow
from grouptools.core.widgetpages import member_page_or_public_card, widget_link, widget_preview
from grouptools.relay import changelog, forms, manage, service, signups
from grouptools.relay.blueprints import bp
from grouptools.relay.chattext import relay_text
from grouptools.relay.forms import TYPE_LABELS
from grouptools.relay.kind import RELAY
from grouptools.relay.links import edit_url_prefix
from grouptools.relay.listing import status_line
from grouptools.relay.mine import moved_up
from grouptools.relay.models import Relay
from grouptools.relay.schemas import EntryCreateSchema, EntryUpdateSchema, RelayCreateSchema

ENTRY_CREATE, ENTRY_UPDATE = EntryCreateSchema(), EntryUpdateSchema()


# --- Creating ---------------------------------------------------------------------------------

def _create_page(group, values, errors, field_rows, slot_rows, status=200):
    hidden = range(forms.FIELD_ROWS_SHOWN + 1, forms.FIELD_ROWS + 1)
    more_open = any(row.get("label") for row in field_rows[forms.FIELD_ROWS_SHOWN:]) or any(
        name.startswith(f"field-{number}-") for number in hidden for name in errors)
    return render_template("relay/create.html", group=group, values=values, errors=errors,
                           field_rows=field_rows, slot_rows=slot_rows, types=TYPE_LABELS,
                           shown_rows=forms.FIELD_ROWS_SHOWN, more_open=more_open), status


@bp.route("/g/<pid:gid>/relays/new", methods=["GET", "POST"])
@rate_limited("create_widget")
def create_relay(gid):
    group = find_group(gid)
    person = require_person()
    authorize(person, Action.CREATE_WIDGET, group)
    if request.method == "GET":
        empty = [{} for _ in range(forms.SLOT_ROWS)]
        rows = forms.preset_rows() if request.args.get("preset") != "none" else \
            [{"type": "text"} for _ in range(forms.FIELD_ROWS)]
        return _create_page(group, {"waitlist": True, "per_member_max": 1, "guests_max": 0},
                            {}, rows, empty)
    values, payload = forms.read_settings(group)
    field_rows, payload["fields"], field_index = forms.read_field_rows()
    slot_rows, payload["slots"], slot_index = forms.read_slot_rows(forms.SLOT_ROWS)
    data, errors = load(RelayCreateSchema(), payload)
    if not errors:
        try:
            relay = service.create_relay(person, group, **data)
        except DomainError as error:
            if not shown_on_form(error):
                raise
            errors = error
        else:
            flash(gettext("Your sign-up list is ready: share its link or QR code in the chat."),
                  "success")
            return redirect(url_for("relay_pages.show_relay", rid=relay.public_id), code=303)
    return _create_page(group, values, forms.form_errors(errors, field_index, slot_index),
                        field_rows, slot_rows, error_status(errors))


# --- The relay ---------------------------------------------------------------------------------

def privacy_line(relay):
    private = [field.label for field in relay.fields if field.private]
    if private:
        return gettext("Organisers see %(fields)s; members see names, numbers and the other "
                       "answers.", fields=gettext(", ").join(private))
    return gettext("Everyone in the group sees the list: names, numbers and every answer.")


def _show_page(state, values=None, errors=None, status=200):
    relay, group = state.relay, state.relay.group
    link = widget_link(relay)
    # The chat text and the log read alike for every asker of this version (their times
    # name the year when it is not this one).
    year = utcnow().year
    chat_text = shared_by_askers(relay, "relay chat text", lambda: relay_text(state, link),
                                 year)
    log = shared_by_askers(relay, "relay log items", lambda: changelog.log_items(
        changelog.timed(state.log, group)), year)
    return render_template(
        "relay/show.html", state=state, relay=relay, group=group,
        values=values or {}, errors=errors or {}, preview=widget_preview(relay),
        link=link, chat_text=chat_text, log=log,
        privacy=privacy_line(relay),
        status_line=status_line(relay, state.waitlist_count),
        moved_up=moved_up(state.mine), edit_prefix=edit_url_prefix(relay),
    ), status


@bp.get("/r/<pid:rid>")
def show_relay(rid):
    return member_page_or_public_card(
        RELAY, rid, lambda loaded: _show_page(service.relay_state(loaded.person, loaded.widget)))


@bp.post("/r/<pid:rid>/entries")
@rate_limited("sign_up")
def sign_up(rid):
    """A member's sign-up, or an organiser adding someone who replied in the chat."""
    typed, payload = forms.read_entry()
    data, errors = load(ENTRY_CREATE, payload)
    with before_the_write():  # what needs no lock, read before the write begins
        relay, person, _ = load_widget(Relay, rid, Action.ACT)
        try:
            plan = None if errors else signups.prepare_sign_up(person, relay, **data)
        except DomainError as error:
            if not shown_on_form(error):
                raise
            errors = error
    if not errors:
        try:
            entry = signups.enter(plan)
        except DomainError as error:
            if not shown_on_form(error):
                raise
            errors = error
        else:
            _flash_placed(entry, data.get("for_name"))
            anchor = "list" if data.get("for_name") else "mine"
            return redirect(url_for("relay_pages.show_relay", rid=rid, _anchor=anchor), code=303)
    status = error_status(errors)
    errors = forms.form_errors(errors)
    if "for_name" in payload:
        return manage.manage_page(relay, person, add_values=typed, add_errors=errors,
                                  status=status)
    return _show_page(service.relay_state(person, relay), typed, errors,
                      status)


def _flash_placed(entry, for_name):
    placed = entry.placed
    if placed.status == "confirmed":
        message = gettext("%(name)s is No. %(number)d.", name=for_name, number=placed.number) \
            if for_name else gettext("You are No. %(number)d on the list.", number=placed.number)
    else:
        message = gettext("%(name)s is No. %(position)d on the waitlist.", name=for_name,
                          position=placed.waitlist_position) if for_name else \
            gettext("The list is full: you are No. %(position)d on the waitlist. You move up "
                    "by yourself when a place frees.", position=placed.waitlist_position)
    flash(message, "success" if placed.status == "confirmed" else "info")


def _entry_page(relay, entry, person, values, errors, status=200):
    state = service.relay_state(person, relay, with_log=False)
    view = next((v for v in state.entries if v.id == entry.id), None)
    return render_template("relay/entry.html", state=state, relay=relay, group=relay.group,
                           entry=entry, view=view, values=values, errors=errors,
                           privacy=privacy_line(relay)), status


@bp.route("/r/<pid:rid>/entries/<pid:eid>", methods=["GET", "POST"])
@rate_limited("sign_up")
def edit_entry(rid, eid):
    relay, person, _ = load_widget(Relay, rid)
    entry = signups.find_entry(relay, eid)
    if request.method == "GET":
        signups.entrant_or_manager(person, entry)
        values = {f"v-{key}": value for key, value in entry.values.items()}
        values.update(guests=entry.guests, slot_id=entry.slot.public_id if entry.slot else "")
        return _entry_page(relay, entry, person, values, {})
    typed, payload = forms.read_entry()
    payload.pop("for_name", None)
    data, errors = load(ENTRY_UPDATE, payload)
    if not errors:
        try:
            signups.edit_entry(person, entry, **data)
        except DomainError as error:
            if not shown_on_form(error):
                raise
            errors = error
        else:
            flash(gettext("Saved."), "success")
            return redirect(url_for("relay_pages.show_relay", rid=rid, _anchor="list"), code=303)
    return _entry_page(relay, entry, person, typed, forms.form_errors(errors),
                       error_status(errors))


@bp.post("/r/<pid:rid>/entries/<pid:eid>/withdraw")
@rate_limited("sign_up")
def withdraw_entry(rid, eid):
    with before_the_write():  # what needs no lock, read before the write begins
        relay, person, _ = load_widget(Relay, rid)
        entry = signups.find_entry(relay, eid)
        membership, mine, _ = signups.entrant_or_manager(person, entry)
        name = None if mine else entry.name
    if signups.take_back(person, entry, membership, mine) == "withdrawn":
        flash(gettext("You withdrew from the list."), "info")
    else:
        flash(gettext("%(name)s was removed from the list.", name=name), "info")
    return redirect(url_for("relay_pages.show_relay", rid=rid, _anchor="list"), code=303)


@bp.get("/r/<pid:rid>/log")
def change_log(rid):
    relay, person, _ = load_widget(Relay, rid)
    state = service.relay_state(person, relay, log_limit=changelog.LOG_SHOWN)
    return render_template("relay/log.html", state=state, relay=relay, group=relay.group,
                           log=changelog.log_items(changelog.timed(state.log, relay.group)))

