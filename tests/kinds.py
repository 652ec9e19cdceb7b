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
