"""/api/v1 routes about relays: parse, ask the service, answer. (Request schemas are
given as instances: a class given to `arguments` is instantiated on every request.)"""
from grouptools.core.access import Action
from grouptools.core.database import before_the_write
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.core.widgetapi import add_widget_api
from grouptools.core.widgetpages import widget_link
from grouptools.relay import changelog, importing, schemas, service, signups
from grouptools.relay.blueprints import blp
from grouptools.relay.chattext import relay_text
from grouptools.relay.export import download
from grouptools.relay.kind import RELAY
from grouptools.relay.links import ticket_url_maker
from grouptools.relay.models import Relay
from grouptools.relay.reading import entry_answer

add_widget_api(blp, RELAY, "relays/<pid:rid>", state=service.relay_state,
               schema=schemas.RelaySchema, create_rule="groups/<pid:gid>/relays",
               create_schema=schemas.RelayCreateSchema(), create=service.create_relay,
               update_schema=schemas.RelayUpdateSchema(), update=service.update_relay)


def _created(entry):
    """Where the new entry went (signups: what the writer needs, not the whole list)."""
    return entry.placed


def _entry_view(person, entry):
    """The entry as the asker sees it on the list."""
    relay = entry.relay
    state = service.relay_state(person, relay, with_log=False)
    view = next(view for view in state.entries if view.id == entry.id)
    return entry_answer(view, ticket_url_maker(relay))


@blp.route("/relays/<pid:rid>/entries", methods=["POST"])
@rate_limited("sign_up")
@blp.arguments(schemas.EntryCreateSchema())
@blp.response(201, schemas.EntryCreatedSchema)
def sign_up(data, rid):
    with before_the_write():  # what needs no lock, read before the write begins
        relay, person, _ = load_widget(Relay, rid, Action.ACT)
        plan = signups.prepare_sign_up(person, relay, **data)
    return _created(signups.enter(plan))


@blp.route("/relays/<pid:rid>/entries/<pid:eid>", methods=["PATCH"])
@rate_limited("sign_up")
@blp.arguments(schemas.EntryUpdateSchema())
@blp.response(200, schemas.EntrySchema)
def edit_entry(data, rid, eid):
    relay, person, _ = load_widget(Relay, rid)
    entry = signups.edit_entry(person, signups.find_entry(relay, eid), **data)
    return _entry_view(person, entry)


@blp.route("/relays/<pid:rid>/entries/<pid:eid>", methods=["DELETE"])
@rate_limited("sign_up")
@blp.response(204)
def withdraw_entry(rid, eid):
    with before_the_write():  # what needs no lock, read before the write begins
        relay, person, _ = load_widget(Relay, rid)
        entry = signups.find_entry(relay, eid)
        membership, mine, _ = signups.entrant_or_manager(person, entry)
    signups.take_back(person, entry, membership, mine)


@blp.route("/relays/<pid:rid>/entries/<pid:eid>/attend", methods=["POST"])
@blp.response(200, schemas.EntrySchema)
def attend(rid, eid):
    relay, person, _ = load_widget(Relay, rid)
    entry = signups.mark_attended(person, signups.find_entry(relay, eid))
    return _entry_view(person, entry)


@blp.route("/relays/<pid:rid>/entries/<pid:eid>/attend", methods=["DELETE"])
@blp.response(200, schemas.EntrySchema)
def undo_attend(rid, eid):
    relay, person, _ = load_widget(Relay, rid)
    entry = signups.mark_attended(person, signups.find_entry(relay, eid), attended=False)
    return _entry_view(person, entry)


@blp.route("/relays/<pid:rid>/text")
@blp.response(200, schemas.TextSchema)
def chat_text(rid):
    relay, person, _ = load_widget(Relay, rid)
    state = service.relay_state(person, relay, with_log=False)
    return {"text": relay_text(state, widget_link(relay))}


@blp.route("/relays/<pid:rid>/log")
@blp.response(200, schemas.LogSchema)
def change_log(rid):
    relay, person, _ = load_widget(Relay, rid)
    return service.relay_state(person, relay, log_limit=changelog.LOG_SHOWN)


@blp.route("/relays/<pid:rid>/import", methods=["POST"])
@rate_limited("sign_up")
@blp.arguments(schemas.ImportSchema())
@blp.response(200, schemas.ImportResultSchema)
def import_text(data, rid):
    relay, person, _ = load_widget(Relay, rid, Action.MANAGE_WIDGET)
    created, rejected = importing.import_text(person, relay, data["text"])
    return {"created": [_created(entry) for entry in created], "rejected": rejected}


@blp.route("/relays/<pid:rid>/export.csv")
@blp.response(200, content_type="text/csv", description="Managers: every field, UTF-8 with BOM")
def export_csv(rid):
    relay, person, _ = load_widget(Relay, rid, Action.MANAGE_WIDGET)
    return download(person, relay, "csv")


@blp.route("/relays/<pid:rid>/export.xlsx")
@blp.response(200, description="Managers: every field, as an Excel workbook",
              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def export_xlsx(rid):
    relay, person, _ = load_widget(Relay, rid, Action.MANAGE_WIDGET)
    return download(person, relay, "xlsx")
