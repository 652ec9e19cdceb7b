"""Organisers' pages of a relay: settings (capacity, waitlist, slots, deadline), the reply
format (revised even after people replied), adding
someone who replied in the chat, importing a pasted relay, exports (closing and deleting
are the kit's: core.widgetpages).
Routes on the relay pages' blueprint (blueprints.bp); core.access decides who gets in."""
from flask import flash, redirect, render_template, request, url_for

from grouptools.core.access import Action, authorize
from grouptools.core.errors import DomainError
from grouptools.core.forms import deadline_input, error_status, load, shown_on_form
from grouptools.core.i18n import gettext
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.extensions import db
from grouptools.relay import chattext, forms, importing, replyformat, service
from grouptools.relay.blueprints import bp
from grouptools.relay.chattext import line_fields
from grouptools.relay.models import Relay
from grouptools.relay.schemas import ImportSchema, RelaySettingsSchema, RelayUpdateSchema


def _settings_values(relay):
    values = {"title": relay.title, "description": relay.description,
              "starts_at": deadline_input(relay.group, relay.starts_at), "place": relay.place,
              "capacity": relay.capacity if relay.capacity is not None else "",
              "waitlist": relay.waitlist, "guests_max": relay.guests_max,
              "per_member_max": relay.per_member_max,
              "deadline": deadline_input(relay.group, relay.deadline)}
    return values


def _slot_rows(relay):
    rows = [{"id": slot.public_id, "label": slot.label,
             "capacity": slot.capacity if slot.capacity is not None else "",
             "taken": slot.taken} for slot in relay.slots]
    return rows + [{} for _ in range(forms.EXTRA_SLOT_ROWS)]


def _field_rows(relay):
    rows = [{"key": field.key, "label": field.label, "type": field.type,
             "required": field.required, "private": field.private,
             "pattern": field.pattern or "", "hint": field.hint,
             "choices": " / ".join(field.choices or [])} for field in relay.fields]
    return rows + [{"label": "", "type": "text"} for _ in range(_new_rows(relay))]


def _new_rows(relay):
    return min(forms.EXTRA_FIELD_ROWS, Relay.FIELDS_MAX - len(relay.fields))


def manage_page(relay, person, settings=None, settings_errors=None, slot_rows=None,
                add_values=None, add_errors=None, import_text="", import_errors=None,
                field_rows=None, format_errors=None, status=200):
    authorize(person, Action.MANAGE_WIDGET, relay)
    state = service.relay_state(person, relay, with_log=False)
    return render_template(
        "relay/manage.html", state=state, relay=relay, group=relay.group,
        values=settings or _settings_values(relay), errors=settings_errors or {},
        slot_rows=slot_rows or _slot_rows(relay),
        add_values=add_values or {}, add_errors=add_errors or {},
        import_text=import_text, import_errors=import_errors or {},
        line_fields=line_fields(relay), field_rows=field_rows or _field_rows(relay),
        format_errors=format_errors or {}, types=forms.TYPE_LABELS,
    ), status


@bp.get("/r/<pid:rid>/manage")
def manage(rid):
    relay, person, _ = load_widget(Relay, rid, Action.MANAGE_WIDGET)
    return manage_page(relay, person)


def _update(person, relay, schema, payload):
    """Read a form's payload with the API's schema and save it: the refusal to show
    next to the form's fields (the schema's or the service's), or None when saved."""
    data, errors = load(schema, payload)
    if errors:
        return errors
    try:
        service.update_relay(person, relay, **data)
    except DomainError as error:
        if not shown_on_form(error):
            raise
        return error
    return None


@bp.post("/r/<pid:rid>/settings")
def settings(rid):
    relay, person, _ = load_widget(Relay, rid, Action.MANAGE_WIDGET)
    values, payload = forms.read_settings(relay.group, deadline=relay.deadline)
    slot_count = len(relay.slots) + forms.EXTRA_SLOT_ROWS
    slot_rows, slots, slot_index = forms.read_slot_rows(slot_count)
    if relay.slots or slots:
        payload["slots"] = slots
        payload.pop("capacity")
    errors = _update(person, relay, RelaySettingsSchema(), payload)
    if not errors:
        flash(gettext("Settings saved."), "success")
        return redirect(url_for("relay_pages.show_relay", rid=rid), code=303)
    for row, slot in zip(slot_rows, relay.slots):
        row["taken"] = slot.taken
    return manage_page(relay, person, settings=values, slot_rows=slot_rows,
                       settings_errors=forms.form_errors(errors, slot_rows=slot_index),
                       status=error_status(errors))


@bp.post("/r/<pid:rid>/format")
def reply_format(rid):
    """The reply format, revised on the page: fields people answered keep their answers
    (service.update_relay says what may change once people have replied)."""
    relay, person, _ = load_widget(Relay, rid, Action.MANAGE_WIDGET)
    keys = {field.key for field in relay.fields} | {key for key, _ in
                                                    replyformat.removed_fields(relay)}
    rows, fields, row_of = forms.read_field_rows(len(relay.fields) + _new_rows(relay), keys)
    errors = _update(person, relay, RelayUpdateSchema(), {"fields": fields})
    if not errors:
        flash(gettext("Reply format saved."), "success")
        return redirect(url_for("relay_pages.manage", rid=rid, _anchor="format"), code=303)
    db.session.rollback()
    return manage_page(relay, person, field_rows=rows,
                       format_errors=forms.form_errors(errors, field_rows=row_of),
                       status=error_status(errors))


@bp.post("/r/<pid:rid>/import")
@rate_limited("sign_up")
def import_text(rid):
    """The result is shown at once (every refused line and why). Posting it again adds
    nothing twice: lines already on the list are skipped."""
    relay, person, _ = load_widget(Relay, rid, Action.MANAGE_WIDGET)
    text = request.form.get("text", "")
    data, errors = load(ImportSchema(), {"text": text})
    if errors:
        return manage_page(relay, person, import_text=text, import_errors=errors, status=422)
    created, rejected = importing.import_text(person, relay, data["text"])
    return render_template("relay/imported.html", relay=relay, group=relay.group,
                           created=created, rejected=rejected,
                           retry_text=chattext.retry_text(rejected))
