"""Values kept per worker between requests, each store holding its last few: a fragment
of a page (core.i18n.fragment), what every asker of a widget's version sees alike
(core.conditional.shared_by_askers). A key holds everything its value depends on, so
nothing kept is ever wrong, only dropped when newer keys come (docs/architecture.md#speed)."""
from flask import current_app


def kept(store, key, make, most):
    """The value kept under `key` in this worker's `store`, or `make()` kept there now
    (the oldest of the store going once it holds `most`)."""
    stores = current_app.extensions.setdefault("grouptools.kept", {})
    values = stores.get(store)
    if values is None:
        values = stores[store] = {}
    found = values.get(key)
    if found is None:
        found = make()
        if len(values) >= most:  # the oldest goes (dicts keep their order)
            values.pop(next(iter(values)), None)
        values[key] = found
    return found


def kept_now(store, key):
    """The value kept under `key` in this worker's `store`, or None."""
    return current_app.extensions.get("grouptools.kept", {}).get(store, {}).get(key)


def forget_kept(app):
    """Every store emptied (a test that changes what a key cannot see: the app's settings)."""
    app.extensions.pop("grouptools.kept", None)
