"""What one asker sees of a relay: the numbered list with its waitlist, their own
entries, private fields held back, the change log, whether they may sign up.

A relay page lists every entry by design, so the list is read the cheap way: one
statement of plain rows (the entries with their members' names, no ORM objects), built
once per process, numbered in one pass, each entry's answer for the JSON API written
here once (docs/architecture.md#speed). Pages, the JSON API, the chat text and the
exports all read it through `relay_state`."""
import functools
import json
from dataclasses import dataclass, field

from flask import g, has_request_context, request
from markupsafe import Markup, escape
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from grouptools.core.access import Action, authorize, can
from grouptools.core.conditional import shared_by_askers
from grouptools.core.database import SAFE_METHODS
from grouptools.core.i18n import gettext
from grouptools.core.models import Membership
from grouptools.core.plaintext import tel_uri
from grouptools.extensions import db
from grouptools.relay import changelog, links
from grouptools.relay.models import RelayEntry, RelayField, RelaySlot
from grouptools.relay.readrows import LOG, SLOT, reading_statement


class PlainField:
    """A relay's field as a request that only reads it sees it (RelayField's columns),
    from a row of readrows' statement."""

    __slots__ = ("relay_id", "position", "id", "key", "label", "type", "required",
                 "pattern", "hint", "choices", "private")

    def __init__(self, row):
        self.relay_id, self.position, self.id = row[1], row[2], row[3]
        self.required, self.private = bool(row[4]), bool(row[5])
        self.key, self.label, self.type, self.pattern, self.hint = row[8:13]
        self.choices = json.loads(row[14]) if row[14] is not None else None


class PlainSlot:
    """A relay's slot as a request that only reads it sees it (RelaySlot's columns)."""

    __slots__ = ("relay_id", "position", "id", "label", "capacity", "taken", "public_id")

    def __init__(self, row):
        self.relay_id, self.position, self.id = row[1], row[2], row[3]
        self.capacity, self.taken, self.public_id, self.label = row[4], row[5], row[8], row[9]


# A relay's reply format and slots as ORM objects, when the relay was read without them in
# a request that writes: one plain select each (a relationship's lazy load costs several
# times as much to set up).
_PARTS = {name: select(model).where(model.relay_id.in_(bindparam("relay_ids", expanding=True)))
          .order_by(model.relay_id, model.position)
          for name, model in (("fields", RelayField), ("slots", RelaySlot))}


def _reading_only():
    return has_request_context() and request.method in SAFE_METHODS \
        and not g.get("writes_on_read", False)


def rows(statement, params):
    """A statement of plain columns run on the session's connection: no ORM on the way
    (the session's own execute sets up an ORM context even for plain rows). Take its
    rows with `.all()`: one fetch, not one per row."""
    return db.session.connection().execute(statement, params)


def _unread(relays):
    return [relay for relay in relays if {"fields", "slots"} <= inspect(relay).unloaded]


def reply_format(relay):
    """(fields, slots) of `relay`: those it holds, or as plain objects read in one
    statement, left off the relay (a write's plan holds them: core.database's
    before_the_write puts the relay back into the session with what it holds)."""
    if not _unread([relay]):
        return relay.fields, relay.slots
    parts = ([], [])
    for row in rows(reading_statement(entries=False, parts=True),
                    {"relay_ids": [relay.id]}).all():
        parts[row[0]].append(PlainSlot(row) if row[0] == SLOT else PlainField(row))
    return parts


def _keep_parts(relays, part_rows):
    """Put the fields and slots read as plain rows on their relays."""
    parts = {relay.id: ([], []) for relay in relays}
    for row in part_rows:
        parts[row[1]][row[0]].append(PlainSlot(row) if row[0] == SLOT else PlainField(row))
    for relay in relays:
        set_committed_value(relay, "fields", parts[relay.id][0])
        set_committed_value(relay, "slots", parts[relay.id][1])


def load_parts(relays):
    """Read the fields and slots of those `relays` that were read without them: in a
    request that only reads, as plain objects in one statement; else as ORM objects."""
    unread = _unread(relays)
    if unread and _reading_only():
        _keep_parts(unread, rows(reading_statement(entries=False, parts=True),
                                 {"relay_ids": [relay.id for relay in unread]}).all())
    for name, statement in _PARTS.items():
        missing = {relay.id: [] for relay in relays if name in inspect(relay).unloaded}
        if not missing:
            continue
        for part in db.session.scalars(statement, {"relay_ids": list(missing)}):
            missing[part.relay_id].append(part)
        for relay in relays:
            if relay.id in missing:
                set_committed_value(relay, name, missing[relay.id])


class EntryView:
    """One entry of the list as one asker sees it: its place (`number` 1…n, or
    `waitlist_position` 1…k), and `values` with private fields only for managers and
    the entrant."""

    __slots__ = ("id", "public_id", "relay_id", "slot_id", "slot", "membership_id",
                 "for_name", "name", "values", "guests", "status", "created_at",
                 "confirmed_at", "attended_at", "waitlist_seq", "ticket_secret", "number",
                 "waitlist_position", "mine", "show_ticket")

    @property
    def entry(self):
        """The entry itself (a RelayEntry), for a caller about to change it."""
        return db.session.get(RelayEntry, self.id)

    @property
    def places(self):
        return 1 + self.guests


@dataclass
class Section:
    """The list of one slot (or of the relay, without slots)."""

    slot: object  # a RelaySlot, or None
    confirmed: list = field(default_factory=list)
    waitlisted: list = field(default_factory=list)


@dataclass
class RelayState:
    relay: object
    membership: Membership
    manager: bool
    closed: bool
    sections: list
    mine: list
    log: list
    refusal: str | None  # why the asker cannot sign up now: closed, limit, full; or None
    entries: list = field(default_factory=list)  # confirmed then waitlisted, per section

    def __post_init__(self):
        self.entries = [v for s in self.sections for v in (*s.confirmed, *s.waitlisted)]
        self.confirmed_count = sum(len(s.confirmed) for s in self.sections)
        self.waitlist_count = len(self.entries) - self.confirmed_count
        self.attended_count = sum(1 for s in self.sections for v in s.confirmed
                                  if v.attended_at is not None)

    @property
    def widget(self):
        return self.relay

    @property
    def can_sign_up(self):
        return self.refusal is None

    def list_items(self, views, waiting, edit_prefix):
        """The lines of one list of the page (`views`: a section's confirmed or waitlisted
        entries), as relay/_relay.html's `sections` shows them: each entry's place, name,
        party, answers (phone numbers and e-mail addresses as links), whether it was
        checked in, and its "Change" link for its entrant and managers."""
        you, checked_in, change = gettext("You"), gettext("Checked in"), gettext("Change")
        answer_fields = [(f.key, f.type) for f in self.relay.fields]
        manager, closed, prefix = self.manager, self.closed, escape(edit_prefix)
        out = []
        for view in views:
            name, mine = escape(view.name), view.mine
            out.append(f'\n    <li class="list-item relay-entry{" is-mine" if mine else ""}">'
                       f'\n      <span class="list-number">'
                       f'{view.waitlist_position if waiting else view.number}.</span>'
                       f'\n      <span class="list-main">\n        <span class="list-title">{name}')
            if view.guests:
                out.append(f' <span class="badge badge-outline">+{view.guests}</span>')
            if mine:
                out.append(f' <span class="badge badge-accent">{you}</span>')
            out.append("\n        </span>")
            values = view.values
            answers = [(kind, values[key]) for key, kind in answer_fields
                       if values.get(key)] if values else ()
            if answers:
                out.append('<span class="list-meta">')
                for index, (kind, value) in enumerate(answers):
                    if index:
                        out.append(" · ")
                    tel = tel_uri(value) if kind == "phone" else None
                    shown = escape(value)
                    if tel:
                        out.append(f'<a class="value-link" href="{escape(tel)}">{shown}</a>')
                    elif kind == "email" and "@" in str(value):
                        out.append(f'<a class="value-link" href="mailto:{shown}">{shown}</a>')
                    else:
                        out.append(shown)
                out.append("</span>")
            out.append("\n      </span>")
            if view.attended_at:
                out.append(f'<span class="badge badge-success">{checked_in}</span>')
            if manager or (mine and not closed):
                out.append(f'\n      <a class="btn btn-ghost btn-small relay-entry-edit" '
                           f'href="{prefix}{escape(view.public_id)}">{change}'
                           f'<span class="sr-only"> {name}</span></a>')
            out.append("\n    </li>")
        return Markup("".join(out))

    @property
    def entry_answers(self):
        """The entries as the JSON API answers them (schemas.EntrySchema)."""
        ticket = links.ticket_url_maker(self.relay)
        return [entry_answer(view, ticket) for view in self.entries]

    @property
    def log_answers(self):
        """The change log as the JSON API answers it (schemas.LogLineSchema)."""
        return [{"at": line.at.isoformat(), "kind": line.kind, "text": line.text,
                 "names": line.names} for line in self.log]


def entry_answer(view, ticket_url):
    """One entry as the JSON API answers it (schemas.EntrySchema); `ticket_url(secret)`
    from links.ticket_url_maker."""
    return {"id": view.public_id, "number": view.number,
            "waitlist_position": view.waitlist_position, "status": view.status,
            "values": view.values, "guests": view.guests,
            "slot_id": view.slot.public_id if view.slot is not None else None,
            "name": view.name, "created_at": view.created_at.isoformat(),
            "attended": view.attended_at is not None, "mine": view.mine,
            "ticket_url": ticket_url(view.ticket_secret) if view.show_ticket else None}


def private_keys(relay):
    return {f.key for f in relay.fields if f.private}


def shown_values(relay, entry, manager, mine):
    """An entry's values as one asker may see them: the single place private fields are
    held back (pages, JSON, chat text, tickets all come through here)."""
    if manager or mine:
        return dict(entry.values)
    private = private_keys(relay)
    return {key: value for key, value in entry.values.items() if key not in private}


def numbered_sections(relay, membership, manager, entry_rows):
    """The list in order: per slot, confirmed 1…n by confirmation, waitlist 1…k by when
    each joined it — recomputed from the order, so numbers are always contiguous.
    `entry_rows`: the relay's entries' rows of readrows' statement, in its order."""
    slots = relay.slots
    sections = {slot.id: Section(slot) for slot in slots} or {None: Section(None)}
    slot_of = {slot.id: slot for slot in slots}
    private = private_keys(relay)
    my_id = membership.id if membership is not None else None
    loads = json.loads
    for (_, relay_id, _, entry_id, slot_id, membership_id, guests, waitlist_seq, public_id,
         for_name, status, ticket_secret, nickname, person_name, values, created_at,
         confirmed_at, attended_at) in entry_rows:
        view = EntryView()
        owned = membership_id == my_id
        view.id, view.public_id, view.relay_id = entry_id, public_id, relay_id
        view.slot_id, view.slot = slot_id, slot_of.get(slot_id)
        view.membership_id, view.for_name = membership_id, for_name
        view.name = for_name or nickname or person_name
        values = loads(values) if values != "{}" else {}  # a list that asks only names
        view.values = values if manager or owned or not private else \
            {key: value for key, value in values.items() if key not in private}
        view.guests, view.status, view.created_at = guests, status, created_at
        view.confirmed_at, view.attended_at = confirmed_at, attended_at
        view.waitlist_seq, view.ticket_secret = waitlist_seq, ticket_secret
        view.mine = owned and for_name is None
        view.show_ticket = owned or manager
        section = sections[slot_id]
        if status == "confirmed":
            section.confirmed.append(view)
            view.number, view.waitlist_position = len(section.confirmed), None
        else:
            section.waitlisted.append(view)
            view.number, view.waitlist_position = None, len(section.waitlisted)
    return list(sections.values())


def _refusal(relay, closed, mine):
    if closed:
        return "closed"
    if len(mine) >= relay.per_member_max:
        return "limit"
    if not relay.waitlist and not relay.slots and relay.capacity is not None \
            and relay.taken >= relay.capacity:
        return "full"
    return None


def _read(relays, with_parts, with_log, one_log, log_limit):
    """(fields' and slots' rows, {relay id: its entries' rows}, {relay id: its log
    lines}) for relay_states, as plain values."""
    listed = {relay.id: [] for relay in relays}
    part_rows, log_rows = [], []
    for row in rows(reading_statement(parts=with_parts, log=one_log),
                    {"relay_ids": list(listed), "log_limit": log_limit}).all():
        part = row[0]
        if part == LOG:
            log_rows.append(row)
        elif part > SLOT:
            listed[row[1]].append(tuple(row))
        else:
            part_rows.append(tuple(row))
    if not with_log:
        return part_rows, listed, {}
    on_list = {row[8]: row[9] or row[12] or row[13] for relay_rows in listed.values()
               for row in relay_rows}
    if one_log:
        return part_rows, listed, changelog.lines_of_rows(relays, [
            (row[1], row[10], row[14], row[15], row[9], row[12], row[13])
            for row in log_rows], on_list)
    return part_rows, listed, changelog.log_lines_of(relays, log_limit, on_list)


def relay_state(person, relay, with_log=True, log_limit=changelog.LOG_RECENT):
    """The relay as `person` may see it (404 for strangers, 401 for nobody):
    `with_log`, its newest `log_limit` log lines."""
    return relay_states(person, [relay], with_log, log_limit)[0]


def relay_states(person, relays, with_log=True, log_limit=changelog.LOG_SHOWN):
    """Each relay as `person` may see it (404 for strangers, 401 for nobody), read with
    one statement however many there are (readrows): their entries and, in a request
    that only reads, their fields and slots, and for one relay its log lines; the log
    lines of several relays take one statement more (the group's export reads them all;
    load their fields and slots up front)."""
    memberships = [authorize(person, Action.VIEW_GROUP, relay) for relay in relays]
    if not relays:
        return []
    with_parts = _reading_only() and len(_unread(relays)) == len(relays)
    if not with_parts:
        load_parts(relays)
    one_log = with_log and len(relays) == 1
    read = functools.partial(_read, relays, with_parts, with_log, one_log, log_limit)
    # One relay read by a request that only reads: its rows are the same for every asker
    # of this version, so only the first reads them.
    part_rows, listed, logs = shared_by_askers(relays[0], "relay rows", read, with_log,
                                               log_limit) if with_parts and len(relays) == 1 \
        else read()
    if with_parts:
        _keep_parts(relays, part_rows)
    states = []
    for relay, membership in zip(relays, memberships):
        manager = can(person, Action.MANAGE_WIDGET, relay, membership)
        closed = relay.is_closed()
        sections = numbered_sections(relay, membership, manager, listed[relay.id])
        mine = [v for s in sections for v in (*s.confirmed, *s.waitlisted) if v.mine]
        states.append(RelayState(relay, membership, manager, closed, sections, mine,
                                 logs.get(relay.id, []), _refusal(relay, closed, mine)))
    return states
