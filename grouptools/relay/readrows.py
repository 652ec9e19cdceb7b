"""The one statement that reads what a relay shows: its entries in list order and, where
the request needs them, its reply format's fields and its slots (when the relay was read
without them) and the newest lines of its change log — each part's rows in one
UNION ALL, so a page or an answer is one round trip to the database, not four
(docs/architecture.md#speed).

Each part fills the columns it needs and leaves the others NULL (the table below); the
entries' part comes first and gives each column its type (their times are UTCDateTime).
JSON columns come as their text and are parsed by the reader. Rows come ordered by part
(fields, slots, confirmed entries, waitlisted entries, log lines), then relay, then
`sort`: a field's or slot's position, an entry's order of confirmation (or of joining
the waitlist), a log line's id, newest first."""
from functools import cache

from sqlalchemy import Integer, Text, bindparam, case, cast, literal_column, select, union_all

from grouptools.core.models import Membership, Person
from grouptools.relay.models import ACTIVE_STATUSES, RelayEntry, RelayField, RelayLog, RelaySlot

FIELD, SLOT, CONFIRMED, WAITLISTED, LOG = range(5)

# column:  entry            field      slot       log line
# part     CONFIRMED/WAIT.  FIELD      SLOT       LOG
# relay_id, sort (see above)
# id       id               id         id         -
# n1       slot_id          required   capacity   -
# n2       membership_id    private    taken      -
# n3       guests           -          -          -
# n4       waitlist_seq     -          -          -
# s1       public_id        key        public_id  -
# s2       for_name         label      label      its entry's for_name
# s3       status           type       -          kind
# s4       ticket_secret    pattern    -          -
# s5       nickname         hint       -          its entry's member's nickname
# s6       person's name    -          -          its entry's person's name
# json     values           choices    -          params
# t1       created_at       -          -          created_at
# t2       confirmed_at     -          -          -
# t3       attended_at      -          -          -
COLUMNS = ("part", "relay_id", "sort", "id", "n1", "n2", "n3", "n4", "s1", "s2", "s3", "s4",
           "s5", "s6", "json", "t1", "t2", "t3")

RELAYS = bindparam("relay_ids", expanding=True)


def _part(**columns):
    """A select of COLUMNS in order: the given ones, NULL for the rest."""
    return select(*(columns[name].label(name) if name in columns
                    else literal_column("NULL").label(name) for name in COLUMNS))


def _entries():
    return (_part(
        part=case((RelayEntry.status == "confirmed", CONFIRMED), else_=WAITLISTED),
        relay_id=RelayEntry.relay_id,
        sort=case((RelayEntry.status == "confirmed", RelayEntry.confirmed_seq),
                  else_=RelayEntry.waitlist_seq),
        id=RelayEntry.id, n1=RelayEntry.slot_id, n2=RelayEntry.membership_id,
        n3=RelayEntry.guests, n4=RelayEntry.waitlist_seq, s1=RelayEntry.public_id,
        s2=RelayEntry.for_name, s3=RelayEntry.status, s4=RelayEntry.ticket_secret,
        s5=Membership.nickname, s6=Person.name, json=cast(RelayEntry.values, Text),
        t1=RelayEntry.created_at, t2=RelayEntry.confirmed_at, t3=RelayEntry.attended_at)
        .join(Membership, Membership.id == RelayEntry.membership_id)
        .join(Person, Person.id == Membership.person_id)
        .where(RelayEntry.relay_id.in_(RELAYS), RelayEntry.status.in_(ACTIVE_STATUSES)))


def _fields():
    return _part(part=literal_column(str(FIELD), Integer), relay_id=RelayField.relay_id,
                 sort=RelayField.position, id=RelayField.id,
                 n1=cast(RelayField.required, Integer), n2=cast(RelayField.private, Integer),
                 s1=RelayField.key, s2=RelayField.label, s3=RelayField.type,
                 s4=RelayField.pattern, s5=RelayField.hint,
                 json=cast(RelayField.choices, Text)).where(RelayField.relay_id.in_(RELAYS))


def _slots():
    return _part(part=literal_column(str(SLOT), Integer), relay_id=RelaySlot.relay_id,
                 sort=RelaySlot.position, id=RelaySlot.id, n1=RelaySlot.capacity,
                 n2=RelaySlot.taken, s1=RelaySlot.public_id,
                 s2=RelaySlot.label).where(RelaySlot.relay_id.in_(RELAYS))


def _log():
    """One relay's newest `log_limit` lines (its own LIMIT, read by its index)."""
    newest = (select(RelayLog.id, RelayLog.relay_id, RelayLog.kind,
                     cast(RelayLog.params, Text).label("params"), RelayLog.created_at,
                     RelayEntry.for_name, Membership.nickname, Person.name)
              .outerjoin(RelayEntry, RelayEntry.id == RelayLog.entry_id)
              .outerjoin(Membership, Membership.id == RelayEntry.membership_id)
              .outerjoin(Person, Person.id == Membership.person_id)
              .where(RelayLog.relay_id.in_(RELAYS))
              .order_by(RelayLog.id.desc()).limit(bindparam("log_limit")).subquery())
    return _part(part=literal_column(str(LOG), Integer), relay_id=newest.c.relay_id,
                 sort=-newest.c.id, s2=newest.c.for_name, s3=newest.c.kind,
                 s5=newest.c.nickname, s6=newest.c.name, json=newest.c.params,
                 t1=newest.c.created_at)


@cache
def reading_statement(entries=True, parts=False, log=False):
    """The statement, built once per process for each of its shapes: the relays'
    `entries`, their fields and slots (`parts`), and the newest `log_limit` lines of the
    `log` (of one relay: the LIMIT counts the lines of all the relays asked)."""
    chosen = [make() for wanted, make in ((entries, _entries), (parts, _fields),
                                         (parts, _slots), (log, _log)) if wanted]
    every = union_all(*chosen).subquery()
    return select(every).order_by(every.c.part, every.c.relay_id, every.c.sort)
