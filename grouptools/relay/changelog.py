"""The change log of a relay: every sign-up, withdrawal, promotion and setting change,
stored as a kind and its numbers, written out in the reader's language when shown
("3号 退出 → 候补1 递补" / "No. 3 withdrew → waitlist 1 promoted").

It carries names and numbers only — what every member sees on the list — never a field's
value, so it is safe to show to everyone who may read the relay."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grouptools.core.database import first_of_each
from grouptools.core.models import Membership
from grouptools.extensions import db
from grouptools.relay.models import RelayEntry, RelayLog

LOG_SHOWN = 200


@dataclass
class LogLine:
    at: datetime
    kind: str
    text: str  # "No. 3 withdrew → waitlist 1 promoted"
    names: str  # "张三 → 李四": who it was about, as the list shows them


def record(relay, kind, entry=None, actor=None, **params):
    """Add a log line to the current transaction (it commits with the change itself)."""
    db.session.add(RelayLog(relay_id=relay.id, kind=kind, params=params,
                            entry_id=entry.id if entry is not None else None,
                            actor_id=actor.id if actor is not None else None))


def promoted_params(promoted):
    """[(waitlist position, entry)] as the log stores them: positions, new numbers, ids."""
    return [{"position": position, "number": number, "entry": entry.public_id}
            for position, number, entry in promoted]


def _place(params):
    """"No. 3" or "waitlist 2": where the entry stood when it happened."""
    if params.get("number"):
        return gettext("No. %(number)d", number=params["number"])
    if params.get("position"):
        return gettext("waitlist %(position)d", position=params["position"])
    return gettext("an entry")


def _promotions(params):
    promoted = params.get("promoted") or []
    if not promoted:
        return ""
    positions = gettext(", ").join(str(p["position"]) for p in promoted)
    return gettext(" → waitlist %(positions)s promoted", positions=positions)


def _capitalised(text):
    return text[:1].upper() + text[1:]


def _text(kind, params):
    place = _place(params)
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
        text = gettext("%(place)s withdrew", place=place) + _promotions(params)
    elif kind == "removed":
        text = gettext("%(place)s was removed by an organiser", place=place) + _promotions(params)
    elif kind == "left_group":
        text = gettext("%(place)s left the group", place=place) + _promotions(params)
    elif kind == "removed_from_group":
        text = gettext("%(place)s was removed from the group", place=place) + _promotions(params)
    elif kind == "edited":
        text = gettext("%(place)s changed their entry", place=place) + _promotions(params)
    elif kind == "capacity":
        old = params.get("old")
        new = params.get("new")
        unlimited = gettext("no limit")
        text = gettext("Places changed from %(old)s to %(new)s",
                       old=unlimited if old is None else old,
                       new=unlimited if new is None else new) + _promotions(params)
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


def log_lines_of(relays, limit=LOG_SHOWN):
    """{relay id: its newest `limit` lines, newest first}, read together for many relays."""
    newest = first_of_each([select(RelayLog.id).where(RelayLog.relay_id == relay.id)
                            .order_by(RelayLog.id.desc()) for relay in relays], limit)
    rows = [row for ids in newest for row in db.session.scalars(
        select(RelayLog).where(RelayLog.id.in_(select(ids)))
        .options(joinedload(RelayLog.entry).joinedload(RelayEntry.membership)
                 .joinedload(Membership.person))
        .order_by(RelayLog.id.desc()))]
    promoted_ids = {p["entry"] for row in rows for p in row.params.get("promoted") or []}
    promoted_names = {}
    if promoted_ids:
        promoted_names = {e.public_id: e.name for e in db.session.scalars(
            select(RelayEntry).where(RelayEntry.public_id.in_(promoted_ids))
            .options(joinedload(RelayEntry.membership).joinedload(Membership.person)))}
    lines = {relay.id: [] for relay in relays}
    for row in rows:
        names = [row.entry.name] if row.entry is not None else []
        names += [promoted_names[p["entry"]] for p in row.params.get("promoted") or []
                  if p["entry"] in promoted_names]
        lines[row.relay_id].append(LogLine(row.created_at, row.kind, _text(row.kind, row.params),
                                           " → ".join(names)))
    return lines
