"""Pages build their addresses through core.urlpatterns.page_url: the same address
Flask's url_for builds, for every route of the app."""
import re

import pytest
from flask import render_template_string, url_for

from grouptools.core.urlpatterns import page_url

VALUES = ["Abcdefgh_-", "ZZ00zz99aa", 7, 0]


def _rules(app):
    for rule in app.url_map.iter_rules():
        names = sorted(rule.arguments)
        yield rule.endpoint, names


@pytest.mark.parametrize("root", ["", "/prefix"])
def test_every_route_gets_the_address_url_for_gives(app, root):
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": root}):
        for endpoint, names in _rules(app):
            for value in VALUES:
                values = {name: value for name in names}
                try:
                    expected = url_for(endpoint, **values)
                except TypeError:  # a static file named 7
                    with pytest.raises(TypeError):
                        page_url(endpoint, **values)
                    continue
                for _ in range(2):  # the first call finds the pattern, the second uses it
                    assert page_url(endpoint, **values) == expected, endpoint


@pytest.mark.parametrize("values", [
    {"gid": "a b/ü?#"},            # quoted by Werkzeug
    {"gid": "Abcdefghij", "page": 2},  # a query string
    {"gid": "Abcdefghij", "_anchor": "members"},
    {"gid": "Abcdefghij", "_external": True},
    {"gid": None},
    {"gid": 1.5},
])
def test_what_the_pattern_cannot_say_goes_to_url_for(app, values):
    with app.test_request_context("/"):
        page_url("group_pages.show_group", gid="Abcdefghij")  # the pattern is kept
        try:
            expected = url_for("group_pages.show_group", **values)
        except Exception as refused:  # noqa: BLE001 - the same refusal, whatever it is
            with pytest.raises(type(refused)):
                page_url("group_pages.show_group", **values)
        else:
            assert page_url("group_pages.show_group", **values) == expected


def test_static_files_keep_their_version(app):
    with app.test_request_context("/"):
        built = page_url("static", filename="css/app.css")
        assert built == url_for("static", filename="css/app.css") and "?v=" in built


def test_no_url_defaults_function_but_the_static_files_version(app):
    """A url_defaults function may add a value per call: page_url would not see it
    (teach core.urlpatterns about a new one)."""
    from grouptools.core.assets import add_version

    assert app.url_default_functions == {None: [add_version]}


def test_templates_build_with_it(app):
    with app.test_request_context("/"):
        html = render_template_string("{{ url_for('group_pages.show_group', gid=g) }}",
                                      g="Abcdefghij")
    assert html == "/g/Abcdefghij"


def test_outside_a_request_it_is_url_for(app):
    app.config["SERVER_NAME"], before = "example.test", app.config.get("SERVER_NAME")
    try:
        with app.app_context():
            assert re.search("/g/Abcdefghij$", page_url("group_pages.show_group",
                                                        gid="Abcdefghij"))
    finally:
        app.config["SERVER_NAME"] = before
