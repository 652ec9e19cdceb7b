"""The JSON routes every widget has, written once: create it in a group, read it, delete
it, close and reopen it (docs/api.md). A widget's api.py calls
`add_widget_api(blp, KIND, "polls/<pid:pid>", schema=PollSchema, state=…)` once, when
it is imported, and writes only its own routes (create, change, responses)."""
from marshmallow import fields

from grouptools.core.access import Action
from grouptools.core.closing import delete_widget
from grouptools.core.copying import copy_widget
from grouptools.core.groups.service import find_group
from grouptools.core.identity import require_person
from grouptools.core.loaders import load_widget
from grouptools.core.fields import Schema, public_id
from grouptools.core.ratelimits import rate_limited
from grouptools.core.widgetpages import widget_link


def _iso(moment):
    return moment.isoformat() if moment else None


class WidgetStateSchema(Schema):
    """What every widget's JSON begins with, read from a state object — the widget as one
    asker sees it — whose `widget` is the widget; a kind's schema adds its own fields."""

    id = fields.Function(lambda s: s.widget.public_id)
    title = fields.Function(lambda s: s.widget.title)
    deadline = fields.Function(lambda s: _iso(s.widget.deadline))
    url = fields.Function(lambda s: widget_link(s.widget))


class CopySchema(Schema):
    """Where a copy goes: another group the asker manages; the widget's own by default."""

    group_id = public_id(load_default=None, metadata={
        "description": "public id of the group to copy into (default: the widget's)"})


def add_widget_api(blp, kind, rule, *, schema, state, create_rule, create_schema, create,
                   update_schema, update):
    """Add to the widget's API blueprint `blp`:
    - POST `/<create_rule>` ("groups/<pid:gid>/polls"): `create(person, group, **data)`
      with what `create_schema` loaded → 201, rate limited as "create_widget";
    - GET, PATCH (managers: `update(person, widget, **data)` with what `update_schema`
      loaded) and DELETE `/<rule>`, POST `/<rule>/close`, `/<rule>/reopen` and
      `/<rule>/copy` (201, core.copying, rate limited as "create_widget"); `rule`
      names the widget's id with one argument ("polls/<pid:pid>", the name the API
      document shows).
    `state(person, widget)` → what `schema` dumps: the widget as that person sees it."""
    rule = "/" + rule
    noun = kind.key

    def create_widget(data, gid):
        person = require_person()
        return state(person, create(person, find_group(gid), **data))

    create_widget.__doc__ = f"A new {noun} in the group (whoever may create there)."
    # Flask-Limiter knows a route by its function's name: each kind's must be its own.
    _name(create_widget, f"create_{noun}")
    limited = rate_limited("create_widget")(create_widget)
    blp.route("/" + create_rule, methods=["POST"], endpoint=f"create_{noun}")(
        blp.response(201, schema)(blp.arguments(create_schema)(limited)))

    def get(**ids):
        (wid,) = ids.values()
        widget, person, _ = load_widget(kind.model, wid)
        return state(person, widget)

    @blp.arguments(update_schema)
    def patch(data, **ids):
        (wid,) = ids.values()
        widget, person, _ = load_widget(kind.model, wid, Action.MANAGE_WIDGET)
        return state(person, update(person, widget, **data))

    def delete(**ids):
        (wid,) = ids.values()
        widget, person, _ = load_widget(kind.model, wid, Action.MANAGE_WIDGET)
        delete_widget(person, widget)

    def close(**ids):
        return _set_closed(ids, True)

    def reopen(**ids):
        return _set_closed(ids, False)

    def _set_closed(ids, closed):
        (wid,) = ids.values()
        widget, person, _ = load_widget(kind.model, wid, Action.MANAGE_WIDGET)
        return state(person, kind.close(person, widget, closed))

    def copy(data, **ids):
        (wid,) = ids.values()
        widget, person, _ = load_widget(kind.model, wid, Action.MANAGE_WIDGET)
        group = find_group(data["group_id"]) if data.get("group_id") else None
        return state(person, copy_widget(person, widget, group))

    copy.__doc__ = (f"A new open {noun} with the same settings and no responses, in its "
                    "group or another the asker manages (managers).")
    _name(copy, f"copy_{noun}")
    limited = rate_limited("create_widget")(copy)
    blp.route(rule + "/copy", methods=["POST"], endpoint=f"copy_{noun}")(
        blp.response(201, schema)(blp.arguments(CopySchema)(limited)))

    get.__doc__ = f"The {noun} as the asker sees it."
    patch.__doc__ = f"Change the {noun}'s settings (managers)."
    delete.__doc__ = f"Delete the {noun} with everything in it (managers)."
    close.__doc__ = f"Close the {noun} now (managers)."
    reopen.__doc__ = f"Reopen the {noun} (managers)."
    routes = ((get, "", "GET", 200), (patch, "", "PATCH", 200), (delete, "", "DELETE", 204),
              (close, "/close", "POST", 200), (reopen, "/reopen", "POST", 200))
    for view, suffix, method, status in routes:
        endpoint = _name(view, f"{view.__name__}_{noun}")
        answered = blp.response(status, schema if status == 200 else None)(view)
        blp.route(rule + suffix, methods=[method], endpoint=endpoint)(answered)


def _name(view, name):
    view.__name__ = view.__qualname__ = name
    return name
