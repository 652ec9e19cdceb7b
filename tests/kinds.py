"""A widget kind for tests that register one more kind beside the app's own: every
field a registration needs, filled with stand-ins the test does not exercise."""
from grouptools.core.widgets import WidgetKind, WidgetTexts


class StandInWidget:
    """A model no row is ever an instance of: core.widgets.kind_of never picks it."""


def stand_in_kind(**fields):
    defaults = dict(
        label="通告", lister=lambda group, person: [], model=StandInWidget,
        path="stand-in", pages="stand_in_pages", page=lambda widget, **values: "/",
        close=lambda person, widget, closed: widget, api="stand_in_api",
        sample=lambda person, group: None,
        texts=WidgetTexts(in_group="", closed="", reopened="", confirm_delete="", refused=""),
    )
    return WidgetKind(**{**defaults, **fields})


def poster_facts_of(app, key, public_id, language="en"):
    """What the poster of the `key` kind's widget `public_id` says beneath its title,
    in `language`: [(text, has a picture)]."""
    from grouptools.core.widgets import registered_widgets

    kind = next(kind for kind in registered_widgets(app) if kind.key == key)
    with app.test_request_context(f"/?lang={language}"):
        widget = kind.model.find(public_id)
        return [(fact.text, fact.picture is not None) for fact in kind.poster_facts(widget)]
