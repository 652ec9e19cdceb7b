"""What one asker sees of a relay: the numbered list with its waitlist, their own
entries, private fields held back, the change log, whether they may sign up.

A relay page lists every entry by design, so the list is read the cheap way: one
statement of plain rows (the entries with their members' names, no ORM objects), built
once per process, numbered in one pass, each entry's answer for the JSON API written
here once (docs/architecture.md#speed). Pages, the JSON API, the chat text and the
exports all read it through `relay_state`."""
from dataclasses import dataclass, field

from flask import g, has_request_context, request
from flask_babel import gettext
from markupsafe import Markup, escape
from sqlalchemy import (
    Integer,
    String,
    bindparam,
    case,
    inspect,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm.attributes import set_committed_value

from grouptools.core.access import Action, authorize, can
from grouptools.core.database import SAFE_METHODS
from grouptools.core.models import Membership, Person
from grouptools.core.plaintext import tel_uri
from grouptools.extensions import db
from grouptools.relay import changelog, links
from grouptools.relay.models import ACTIVE_STATUSES, RelayEntry, RelayField, RelaySlot

# The relays' confirmed and waitlisted entries in list order: confirmed by the order of
# confirmation, then the waitlist by the order of joining it (numbers are counted per
# slot from this order).
_ENTRIES = (
    select(RelayEntry.id, RelayEntry.public_id, RelayEntry.relay_id, RelayEntry.slot_id,
           RelayEntry.membership_id, RelayEntry.for_name, RelayEntry.values,
           RelayEntry.guests, RelayEntry.status, RelayEntry.created_at,
           RelayEntry.confirmed_at, RelayEntry.attended_at, RelayEntry.waitlist_seq,
           RelayEntry.ticket_secret, Membership.nickname, Person.name)
    .join(Membership, Membership.id == RelayEntry.membership_id)
    .join(Person, Person.id == Membership.person_id)
    .where(RelayEntry.relay_id.in_(bindparam("relay_ids", expanding=True)),
           RelayEntry.status.in_(ACTIVE_STATUSES))
    .order_by(RelayEntry.relay_id, RelayEntry.status,
              case((RelayEntry.status == "confirmed", RelayEntry.confirmed_seq),
                   else_=RelayEntry.waitlist_seq))
)

# A relay's reply format and slots, when the relay was read without them: one plain
# select each (a relationship's lazy load costs several times as much to set up).
_PARTS = {name: select(model).where(model.relay_id.in_(bindparam("relay_ids", expanding=True)))
          .order_by(model.relay_id, model.position)
          for name, model in (("fields", RelayField), ("slots", RelaySlot))}


# The same for a request that only reads (a GET): both parts in one statement of plain
# rows, kept on the relay as plain objects (PlainField, PlainSlot) — nothing in such a
# request changes them, so they need no ORM identity (docs/architecture.md#speed).
def _parts_union():
    def null(type_=None):
        return literal_column("NULL", type_) if type_ is not None else literal_column("NULL")

    field_rows = select(literal_column("0").label("part"), RelayField.relay_id,
                        RelayField.position, RelayField.id, RelayField.key, RelayField.label,
                        RelayField.type, RelayField.required, RelayField.pattern,
                        RelayField.hint, RelayField.choices, RelayField.private,
                        null(Integer).label("capacity"), null(Integer).label("taken"),
                        null(String).label("public_id"))
    slot_rows = select(literal_column("1"), RelaySlot.relay_id, RelaySlot.position,
                       RelaySlot.id, null(), RelaySlot.label, null(), null(), null(), null(),
                       null(), null(), RelaySlot.capacity, RelaySlot.taken,
                       RelaySlot.public_id)
    relays = bindparam("relay_ids", expanding=True)
    both = union_all(field_rows.where(RelayField.relay_id.in_(relays)),
                     slot_rows.where(RelaySlot.relay_id.in_(relays))).subquery()
    return select(both).order_by(both.c.part, both.c.relay_id, both.c.position)


_PLAIN_PARTS = _parts_union()


class PlainField:
    """A relay's field as a request that only reads it sees it (RelayField's columns)."""

    __slots__ = ("relay_id", "position", "id", "key", "label", "type", "required",
                 "pattern", "hint", "choices", "private")

    def __init__(self, row):
        (_, self.relay_id, self.position, self.id, self.key, self.label, self.type,
         self.required, self.pattern, self.hint, self.choices, self.private) = row[:12]
        self.required, self.private = bool(self.required), bool(self.private)


class PlainSlot:
    """A relay's slot as a request that only reads it sees it (RelaySlot's columns)."""

    __slots__ = ("relay_id", "position", "id", "label", "capacity", "taken", "public_id")

    def __init__(self, row):
        self.relay_id, self.position, self.id, self.label = row[1], row[2], row[3], row[5]
        self.capacity, self.taken, self.public_id = row[12], row[13], row[14]


def _reading_only():
    return has_request_context() and request.method in SAFE_METHODS \
        and not g.get("writes_on_read", False)


def rows(statement, params):
    """A statement of plain columns run on the session's connection: no ORM on the way
    (the session's own execute sets up an ORM context even for plain rows)."""
    return db.session.connection().execute(statement, params)


def load_parts(relays):
    """Read the fields and slots of those `relays` that were read without them: in a
    request that only reads, as plain objects in one statement."""
    unread = [relay for relay in relays
              if {"fields", "slots"} <= inspect(relay).unloaded]
    if unread and _reading_only():
        parts = {relay.id: ([], []) for relay in unread}
        for row in rows(_PLAIN_PARTS, {"relay_ids": list(parts)}):
            parts[row[1]][row[0]].append(PlainSlot(row) if row[0] else PlainField(row))
        for relay in unread:
            set_committed_value(relay, "fields", parts[relay.id][0])
            set_committed_value(relay, "slots", parts[relay.id][1])
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
    `rows` come from _ENTRIES, in its order."""
    slots = relay.slots
    sections = {slot.id: Section(slot) for slot in slots} or {None: Section(None)}
    slot_of = {slot.id: slot for slot in slots}
    private = private_keys(relay)
    my_id = membership.id if membership is not None else None
    for (entry_id, public_id, relay_id, slot_id, membership_id, for_name, values, guests,
         status, created_at, confirmed_at, attended_at, waitlist_seq, ticket_secret,
         nickname, person_name) in entry_rows:
        view = EntryView()
        owned = membership_id == my_id
        view.id, view.public_id, view.relay_id = entry_id, public_id, relay_id
        view.slot_id, view.slot = slot_id, slot_of.get(slot_id)
        view.membership_id, view.for_name = membership_id, for_name
        view.name = for_name or nickname or person_name
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


def relay_state(person, relay, with_log=True, log_limit=changelog.LOG_SHOWN):
    """The relay as `person` may see it (404 for strangers, 401 for nobody):
    `with_log`, its newest `log_limit` log lines."""
    return relay_states(person, [relay], with_log, log_limit)[0]


def relay_states(person, relays, with_log=True, log_limit=changelog.LOG_SHOWN):
    """Each relay as `person` may see it (404 for strangers, 401 for nobody), read with
    the same few statements however many there are: their entries in one, their log
    lines in another (the group's export reads them all; load their fields and slots
    up front)."""
    memberships = [authorize(person, Action.VIEW_GROUP, relay) for relay in relays]
    if not relays:
        return []
    load_parts(relays)
    listed = {relay.id: [] for relay in relays}
    for row in rows(_ENTRIES, {"relay_ids": list(listed)}):
        listed[row[2]].append(row)
    if with_log:
        on_list = {row[1]: row[5] or row[14] or row[15] for relay_rows in listed.values()
                   for row in relay_rows}
        logs = changelog.log_lines_of(relays, log_limit, on_list)
    else:
        logs = {}
    states = []
    for relay, membership in zip(relays, memberships):
        manager = can(person, Action.MANAGE_WIDGET, relay, membership)
        closed = relay.is_closed()
        sections = numbered_sections(relay, membership, manager, listed[relay.id])
        mine = [v for s in sections for v in (*s.confirmed, *s.waitlisted) if v.mine]
        states.append(RelayState(relay, membership, manager, closed, sections, mine,
                                 logs.get(relay.id, []), _refusal(relay, closed, mine)))
    return states
