"""`url_for` for pages, cheaper: the address of an endpoint is built by Werkzeug once
per shape (endpoint, the names of its values, the root path), with stand-ins for the
values; later calls of that shape put the values into the stand-ins' places. A page
builds a dozen addresses or more (back links, forms, one per option or entry), and
Flask's url_for cost about 20–40 µs each, mostly in finding the rule and quoting.

Only where the result is the same by construction: values are public ids, other plain
words or integers (which Werkzeug's quoting leaves as they are), every rule of the
endpoint takes its values with the default converters' `to_url` and has no defaults,
no query string is added, and nothing else is asked (`_external`, `_anchor`, …).
Anything else goes to Flask's url_for, as does a call outside a request, and static
files (whose address core.assets's url_defaults gives a version per file)."""
import re

from flask import current_app
from flask import url_for as flask_url_for
from flask.globals import _cv_request
from werkzeug.routing import BaseConverter

_plain = re.compile(r"[A-Za-z0-9_-]+\Z").match
_STAND_IN = "Zq{}StandIn{}qZ"

PATTERNS_KEPT = 4096


def page_url(endpoint, **values):
    """The path of `endpoint` with `values`, as `url_for(endpoint, **values)` gives it."""
    ctx = _cv_request.get(None)
    if ctx is None or endpoint[:1] == ".":
        return flask_url_for(endpoint, **values)
    patterns = ctx.app.extensions["grouptools.urlpatterns"]
    key = (endpoint, *values, ctx.request.root_path)
    pattern = patterns.get(key, False)
    if pattern is False:
        if len(patterns) >= PATTERNS_KEPT:  # root paths come from a proxy's header
            patterns.clear()
        pattern = patterns[key] = _pattern(endpoint, values)
    if pattern is None:
        return flask_url_for(endpoint, **values)
    form, names = pattern
    filled = []
    for name in names:
        value = values[name]
        if type(value) is int or (type(value) is str and _plain(value)):
            filled.append(value)
        else:
            return flask_url_for(endpoint, **values)
    return form % tuple(filled)


def _pattern(endpoint, values):
    """[literal, name, literal, …] of the endpoint's path for these names, or None
    when this shape must always go to Flask's url_for."""
    if not values or any(name.startswith("_") for name in values):
        return None
    # A static file's address carries its content's version (core.assets, the app's
    # one url_defaults function): a value of its own for each file.
    if endpoint == "static" or endpoint.endswith(".static"):
        return None
    rules = current_app.url_map._rules_by_endpoint.get(endpoint, ())
    for rule in rules:
        if rule.defaults or rule.host or any(
                type(c).to_url is not BaseConverter.to_url for c in rule._converters.values()):
            return None
    stand_ins = {name: _STAND_IN.format(i, i) for i, name in enumerate(values)}
    built = flask_url_for(endpoint, **stand_ins)
    if "?" in built or "#" in built:
        return None
    pieces = re.split("(" + "|".join(map(re.escape, stand_ins.values())) + ")", built)
    by_stand_in = {v: k for k, v in stand_ins.items()}
    names = pieces[1::2]
    if sorted(names) != sorted(stand_ins.values()):  # each exactly once
        return None
    form = "%s".join(piece.replace("%", "%%") for piece in pieces[0::2])
    return form, tuple(by_stand_in[s] for s in names)


def init_app(app):
    app.extensions["grouptools.urlpatterns"] = {}  # (endpoint, names, root) → pattern
    app.jinja_env.globals["url_for"] = page_url
