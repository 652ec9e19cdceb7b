"""The group page's lines of every kind in one statement (core.widgets.widgets_for_group;
docs/architecture.md#statement-budget).

Every kind's `GroupLines.columns` fills some of the same typed slots, so their selects
make one UNION ALL; its `line` turns a row back into a WidgetSummary. The slots every
widget has come from WidgetMixin; the others are the kind's own (a poll's voter count
in `n1`, …), NULL where a kind leaves them empty."""
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

from flask import current_app, request, url_for
from sqlalchemy import (Boolean, Date, Integer, String, bindparam, cast, desc, literal, null,
                        select, type_coerce, union_all)

from grouptools.core.access import Action, can, membership_of
from grouptools.core.i18n import current_language
from grouptools.core.plainrows import plain_rows
from grouptools.core.timeutil import UTCDateTime, local_today, utcnow

COMMON_SLOTS = (("id", Integer), ("public_id", String), ("title", String),
                ("created_at", UTCDateTime), ("closed_at", UTCDateTime),
                ("deadline", UTCDateTime), ("created_by_id", Integer))
OWN_SLOTS = (("n1", Integer), ("n2", Integer), ("n3", Integer), ("n4", Integer),
             ("n5", Integer), ("t1", UTCDateTime), ("t2", UTCDateTime), ("t3", UTCDateTime),
             ("d1", Date), ("d2", Date), ("d3", Date),
             ("b1", Boolean), ("b2", Boolean), ("b3", Boolean), ("b4", Boolean))


@dataclass(frozen=True)
class LineParams:
    """The bound parameters a kind's `columns` may use: the group's id, the reader's
    membership id and person id, and the time of the request."""

    group_id: object = bindparam("line_group_id")
    membership_id: object = bindparam("line_membership_id")
    person_id: object = bindparam("line_person_id")
    now: object = bindparam("line_now", type_=UTCDateTime)


LINE_PARAMS = LineParams()


@dataclass(frozen=True)
class GroupLines:
    """A kind's lines on the group page, read with every other kind's in one statement.

    - `columns(params)` → {slot: SQL expression correlated with the kind's model}, for
      the slots of OWN_SLOTS the kind uses (`params`: LINE_PARAMS, the group, the
      reader and the time as bound parameters); built once per process.
    - `line(row, reader)` → the WidgetSummary of one row (its WidgetMixin columns by
      name, the kind's own by slot), or None when the reader may not see it; `reader`
      is a LineReader.
    - `empty(reader)`, if given, is told when the group has no widget of the kind."""

    columns: Callable
    line: Callable
    empty: Callable | None = None


@dataclass
class LineReader:
    """Who reads the group page, and when: what a kind's `line` decides with."""

    group: object
    person: object
    membership: object
    now: datetime
    _today: object = None

    def today(self):
        """The group's local date (core.timeutil.local_today), worked out once."""
        if self._today is None:
            self._today = local_today(self.group)
        return self._today

    def url(self, endpoint, name, public_id):
        """url_for(endpoint, **{name: public_id}), the route built once per process for
        each app and script root (the page's links are relative: nothing else of the
        request goes in)."""
        key = (current_app.name, id(current_app.url_map), request.script_root, endpoint)
        pattern = _URL_PATTERNS.get(key)
        if pattern is None:
            pattern = url_for(endpoint, **{name: _URL_HOLE}).split(_URL_HOLE)
            if len(_URL_PATTERNS) >= 256:  # test apps come and go: keep a few
                _URL_PATTERNS.clear()
            _URL_PATTERNS[key] = pattern
        return public_id.join(pattern)

    def sees(self, row, addressed):
        """Whether the reader sees a widget addressed to some members only: those it is
        addressed to, and those who manage it (core.access: its creator, managers)."""
        return bool(addressed) or self.membership.is_manager or (
            row.created_by_id is not None and row.created_by_id == self.person.id)

    def closed(self, model, row):
        """model.is_closed for a row: closed by hand, or past a deadline that closes."""
        if row.closed_at is not None or not model.DEADLINE_CLOSES:
            return row.closed_at is not None
        return row.deadline is not None and row.deadline <= self.now


_URL_HOLE = "--line-public-id--"
_URL_PATTERNS = {}
_LINE_STATEMENTS = {}


def _kind_select(index, kind):
    model = kind.model
    own = kind.lines.columns(LINE_PARAMS)
    unknown = set(own) - {name for name, _type in OWN_SLOTS}
    if unknown:
        raise ValueError(f"widget {kind.key!r}: no line slots {sorted(unknown)}")
    columns = [literal(index, Integer).label("kind_index")]
    columns += [type_coerce(getattr(model, name), type_).label(name)
                for name, type_ in COMMON_SLOTS]
    columns += [type_coerce(own[name], type_).label(name) if name in own
                else cast(null(), type_).label(name) for name, type_ in OWN_SLOTS]
    return select(*columns).where(model.group_id == LINE_PARAMS.group_id)


def lines_statement(kinds):
    """The UNION ALL of `kinds`' lines, built once per set of kinds."""
    return _lines_built(kinds)[1]


def _lines_built(kinds):
    """(kinds, their lines' statement, {language: their labels}), once per set of kinds.
    Keyed by the registrations' ids, not the registrations: hashing a WidgetKind hashes
    every field, lazy translations included. The entry keeps its kinds alive, so their
    ids are not reused while it is there."""
    key = tuple(map(id, kinds))
    built = _LINE_STATEMENTS.get(key)
    if built is None:
        selects = [_kind_select(index, kind) for index, kind in enumerate(kinds)]
        # Each kind's newest first, kinds in registration order: what the listers gave.
        statement = union_all(*selects).order_by("kind_index", desc("created_at"), desc("id"))
        built = _LINE_STATEMENTS.setdefault(key, (kinds, statement, {}))
    return built


def _labels(kinds):
    """The kinds' labels in the reader's language, translated once per language (a lazy
    translation finds its catalogue again each time it is read)."""
    labels = _lines_built(kinds)[2]
    language = current_language()
    found = labels.get(language)
    if found is None:
        found = labels[language] = [str(kind.label) for kind in kinds]
    return found


def lines_together(kinds, group, person):
    """The lines of `kinds` (registrations with `lines`) the person may see in the group,
    read in one statement, each with its kind's key and label (core.widgets orders them)."""
    membership = membership_of(person, group)
    if membership is None or not can(person, Action.VIEW_GROUP, group, membership):
        return []
    reader = LineReader(group, person, membership, utcnow())
    rows = plain_rows(lines_statement(kinds), {
        "line_group_id": group.id, "line_membership_id": membership.id,
        "line_person_id": person.id, "line_now": reader.now}).all()
    labels = _labels(kinds)
    items, seen = [], set()
    for row in rows:
        index = row.kind_index
        seen.add(index)
        item = kinds[index].lines.line(row, reader)
        if item is not None:
            items.append(replace(item, kind=kinds[index].key, kind_label=labels[index]))
    for index, kind in enumerate(kinds):
        if index not in seen and kind.lines.empty is not None:
            kind.lines.empty(reader)
    return items
