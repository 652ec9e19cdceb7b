"""The change log of a relay: every sign-up, withdrawal, promotion and setting change,
stored as a kind and its numbers, written out in the reader's language when shown
("3号 退出 → 候补1 递补" / "No. 3 withdrew → waitlist 1 promoted").

It carries names and numbers only — what every member sees on the list — never a field's
value, so it is safe to show to everyone who may read the relay."""
import json
import weakref
from dataclasses import dataclass
from datetime import datetime

from flask_babel import get_translations
from markupsafe import Markup, escape
from sqlalchemy import Text, bindparam, cast, select

from grouptools.core.database import first_of_each
from grouptools.core.i18n import current_language, format_local, gettext
from grouptools.core.models import Membership, Person
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.relay.models import RelayEntry, RelayLog

LOG_SHOWN = 200  # the change log page and GET /api/v1/relays/{rid}/log
LOG_RECENT = 8  # on the relay's page and in its JSON: what changed last


@dataclass
class LogLine:
    at: datetime
    kind: str
    text: str  # "No. 3 withdrew → waitlist 1 promoted"
    names: str  # "张三 → 李四": who it was about, as the list shows them


WHEN_KEPT = 4096
_WHEN = {}


def timed(lines, group):
    """[(line, its time as the group reads it)] for a page: each time written out once
    per worker, language, zone and year (core.i18n.format_local; the last WHEN_KEPT of
    them), not on every page that shows it."""
    locale, year = current_language(), utcnow().year
    timed_lines = []
    for line in lines:
        key = (line.at, group.timezone, locale, year)
        when = _WHEN.get(key)
        if when is None:
            if len(_WHEN) >= WHEN_KEPT:
                _WHEN.clear()
            when = _WHEN[key] = format_local(group, line.at)
        timed_lines.append((line, when))
    return timed_lines


def log_items(timed_lines):
    """The log as relay/_relay.html's `log_list` shows it, written here (a Jinja loop
    body costs several times as much per line, and the whole log has up to LOG_SHOWN):
    each line's text, whom it was about, and its time (`timed_lines`: timed's)."""
    out = ['<ol class="list relay-log">']
    for line, when in timed_lines:
        names = f"{escape(line.names)} · " if line.names else ""
        out.append(f'\n  <li class="list-item">\n    <span class="list-main">'
                   f'\n      <span class="relay-log-text">{escape(line.text)}</span>'
                   f'\n      <span class="list-meta">{names}<time datetime="'
                   f'{escape(line.at.isoformat())}">{escape(when)}</time></span>'
                   f'\n    </span>\n  </li>')
    out.append("\n</ol>")
    return Markup("".join(out))


def record(relay, kind, entry=None, actor=None, **params):
    """Add a log line to the current transaction (it commits with the change itself)."""
    db.session.add(RelayLog(relay_id=relay.id, kind=kind, params=params,
                            entry_id=entry.id if entry is not None else None,
                            actor_id=actor.id if actor is not None else None))


def promoted_params(promoted):
    """[(waitlist position, entry)] as the log stores them: positions, new numbers, ids."""
    return [{"position": position, "number": number, "entry": entry.public_id}
            for position, number, entry in promoted]


def _place(params, gettext=gettext):
    """"No. 3" or "waitlist 2": where the entry stood when it happened."""
    if params.get("number"):
        return gettext("No. %(number)d", number=params["number"])
    if params.get("position"):
        return gettext("waitlist %(position)d", position=params["position"])
    return gettext("an entry")


def _promotions(params, gettext=gettext):
    promoted = params.get("promoted") or []
    if not promoted:
        return ""
    positions = gettext(", ").join(str(p["position"]) for p in promoted)
    return gettext(" → waitlist %(positions)s promoted", positions=positions)


def _capitalised(text):
    return text[:1].upper() + text[1:]


# The kinds whose line says where the entry stood ("No. 3 withdrew").
_ABOUT_A_PLACE = {"withdrew", "removed", "left_group", "removed_from_group", "edited",
                  "attended", "unattended"}


def _text(kind, params, gettext=gettext):
    """The line in the reader's language; `gettext`: flask_babel's, or _translator's."""
    place = _place(params, gettext) if kind in _ABOUT_A_PLACE else None
    promotions = _promotions(params, gettext)
    slot = params.get("slot")
    if kind == "joined":
        text = (gettext("added as No. %(number)d by an organiser", number=params["number"])
                if params.get("added") else
                gettext("signed up as No. %(number)d", number=params["number"]))
    elif kind == "waitlisted":
        text = (gettext("added to the waitlist (waitlist %(position)d) by an organiser",
                        position=params["position"])
                if params.get("added") else
                gettext("joined the waitlist (waitlist %(position)d)", position=params["position"]))
    elif kind == "withdrew":
        text = gettext("%(place)s withdrew", place=place) + promotions
    elif kind == "removed":
        text = gettext("%(place)s was removed by an organiser", place=place) + promotions
    elif kind == "left_group":
        text = gettext("%(place)s left the group", place=place) + promotions
    elif kind == "removed_from_group":
        text = gettext("%(place)s was removed from the group", place=place) + promotions
    elif kind == "edited":
        text = gettext("%(place)s changed their entry", place=place) + promotions
    elif kind == "capacity":
        old = params.get("old")
        new = params.get("new")
        unlimited = gettext("no limit")
        text = gettext("Places changed from %(old)s to %(new)s",
                       old=unlimited if old is None else old,
                       new=unlimited if new is None else new) + promotions
    elif kind == "attended":
        text = gettext("%(place)s checked in", place=place)
    elif kind == "unattended":
        text = gettext("%(place)s: check-in undone", place=place)
    elif kind == "imported":
        text = gettext("An organiser imported %(created)d entries from chat text",
                       created=params.get("created", 0))
    elif kind == "field_added":
        text = gettext("An organiser added the field “%(field)s”", field=params.get("label"))
    elif kind == "field_removed":
        text = gettext("An organiser removed the field “%(field)s” (its answers stay in the "
                       "download)", field=params.get("label"))
    elif kind == "closed":
        text = gettext("An organiser closed the list")
    elif kind == "reopened":
        text = gettext("An organiser reopened the list")
    elif kind == "created":
        text = gettext("The list was created")
    else:
        text = kind
    text = _capitalised(text)
    return f"{slot} · {text}" if slot else text


def log_lines(relay, limit=LOG_SHOWN):
    """The newest lines first, written out for the reader."""
    return log_lines_of([relay], limit)[relay.id]


# A log line with the name of the entry it is about (as the list shows it), as plain rows;
# its numbers as their stored text, written out once per text and language (_written).
_LINE_COLUMNS = (RelayLog.relay_id, RelayLog.kind, cast(RelayLog.params, Text),
                 RelayLog.created_at, RelayEntry.for_name, Membership.nickname, Person.name)


def _with_names(query):
    return (query.outerjoin(RelayEntry, RelayEntry.id == RelayLog.entry_id)
            .outerjoin(Membership, Membership.id == RelayEntry.membership_id)
            .outerjoin(Person, Person.id == Membership.person_id))


# One relay's newest lines (built once: every relay page and answer reads it).
_NEWEST = (_with_names(select(*_LINE_COLUMNS))
           .where(RelayLog.relay_id == bindparam("relay_id"))
           .order_by(RelayLog.id.desc()).limit(bindparam("limit")))
# The names of entries promoted from the waitlist that are no longer on the list.
_PROMOTED_NAMES = (select(RelayEntry.public_id, RelayEntry.for_name, Membership.nickname,
                          Person.name)
                   .join(Membership, Membership.id == RelayEntry.membership_id)
                   .join(Person, Person.id == Membership.person_id)
                   .where(RelayEntry.public_id.in_(bindparam("ids", expanding=True))))


def log_lines_of(relays, limit=LOG_SHOWN, known_names=None):
    """{relay id: its newest `limit` lines, newest first}, read together for many relays:
    one statement, and one more for the names of promoted entries that `known_names`
    ({entry public id: name}, the entries on the list) does not hold."""
    if len(relays) == 1:
        rows = db.session.connection().execute(
            _NEWEST, {"relay_id": relays[0].id, "limit": limit}).all()
    else:
        newest = first_of_each([select(RelayLog.id).where(RelayLog.relay_id == relay.id)
                                .order_by(RelayLog.id.desc()) for relay in relays], limit)
        rows = [row for ids in newest for row in db.session.execute(
            _with_names(select(*_LINE_COLUMNS)).where(RelayLog.id.in_(select(ids)))
            .order_by(RelayLog.id.desc()))]
    return lines_of_rows(relays, rows, known_names)


def lines_of_rows(relays, rows, known_names=None):
    """log_lines_of from rows read elsewhere (relay.readrows reads one relay's with its
    list): (relay id, kind, params as text, created_at, for_name, nickname, name), newest
    first."""
    gettext = _translator()
    translations = get_translations()
    written = [_written(translations, gettext, kind, params) for _, kind, params, *_ in rows]
    names = dict(known_names or {})
    missing = {public_id for _, promoted in written for public_id in promoted} - names.keys()
    if missing:
        names.update((public_id, for_name or nickname or name) for public_id, for_name, nickname,
                     name in db.session.connection().execute(_PROMOTED_NAMES,
                                                             {"ids": list(missing)}))
    lines = {relay.id: [] for relay in relays}
    for (relay_id, kind, _, created_at, for_name, nickname, name), (text, promoted) in zip(
            rows, written):
        about = [for_name or nickname or name] if name is not None else []
        about += [names[public_id] for public_id in promoted if public_id in names]
        lines[relay_id].append(LogLine(created_at, kind, text, " → ".join(about)))
    return lines


WRITTEN_KEPT = 4096


def _written(translations, gettext, kind, params):
    """(the line's text, the public ids of the entries it promoted) from its stored
    `params` text: a line's text depends only on its kind, its numbers and the language,
    so each is written out once per worker (the last WRITTEN_KEPT of them), not on every
    page and answer that shows the log."""
    key = (kind, params)
    kept = _WRITTEN.get(translations)
    if kept is None:
        kept = _WRITTEN[translations] = {}
    found = kept.get(key)
    if found is None:
        if len(kept) >= WRITTEN_KEPT:
            kept.clear()
        values = json.loads(params)
        found = kept[key] = (_text(kind, values, gettext),
                             tuple(p["entry"] for p in values.get("promoted") or ()))
    return found


# {a language's catalogue: {(kind, stored params): (text, promoted ids)}}
_WRITTEN = weakref.WeakKeyDictionary()


def _translator():
    """gettext for many lines of one answer: the reader's catalogue looked up once
    (flask_babel.gettext finds it again for every message)."""
    translations = get_translations()

    def translated(string, **variables):
        text = translations.ugettext(string)
        return text % variables if variables else text

    return translated
