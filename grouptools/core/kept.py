"""Values kept per worker between requests, each store holding its newest few: a fragment
of a page (core.i18n.fragment), what every asker of a widget's version sees alike
(core.conditional.shared_by_askers). A key holds everything its value depends on, so
nothing kept is ever wrong, only dropped when newer keys come (docs/architecture.md#speed).

A store is bounded by how many values it holds, or, when its values differ in size (a
relay's list of 40 entries or of 1,000), by about how many bytes: the oldest go first."""
import dataclasses
import sys
from datetime import date, datetime

from flask import current_app

_FLAT = (str, bytes, int, float, bool, type(None), date, datetime)


def kept(store, key, make, most, weigh=None):
    """The value kept under `key` in this worker's `store`, or `make()` kept there now,
    the oldest of the store going while it holds more than `most`: values, or with
    `weigh` (a value's weight, such as `weight`) their weights. A value heavier than
    `most` on its own is answered and not kept."""
    stores = current_app.extensions.setdefault("grouptools.kept", {})
    held = stores.get(store)
    if held is None:
        held = stores[store] = _Store()
    found = held.values.get(key)
    if found is not None:
        return found[0]
    value = make()
    size = weigh(value) if weigh is not None else 1
    if size <= most:
        held.values[key] = (value, size)
        held.total += size
        while held.total > most:  # the oldest go (dicts keep their order)
            held.total -= held.values.pop(next(iter(held.values)))[1]
    return value


class _Store:
    __slots__ = ("values", "total")

    def __init__(self):
        self.values, self.total = {}, 0  # {key: (value, its weight)}, their weights' sum


def kept_now(store, key):
    """The value kept under `key` in this worker's `store`, or None."""
    held = current_app.extensions.get("grouptools.kept", {}).get(store)
    found = held.values.get(key) if held is not None else None
    return found[0] if found is not None else None


def weight(value):
    """About how many bytes `value` holds, with what it holds: for the plain values kept
    here (strings, numbers, times, and tuples, lists, dicts and dataclasses of them).
    Worked out once, when a value is kept."""
    size = sys.getsizeof(value)
    if isinstance(value, _FLAT):
        return size
    if isinstance(value, dict):
        items = (*value.keys(), *value.values())
    elif isinstance(value, (tuple, list, set, frozenset)):
        items = value
    elif dataclasses.is_dataclass(value):
        items = [getattr(value, f.name) for f in dataclasses.fields(value)]
    else:
        return size
    return size + sum(weight(item) for item in items)


def forget_kept(app):
    """Every store emptied (a test that changes what a key cannot see: the app's settings)."""
    app.extensions.pop("grouptools.kept", None)
