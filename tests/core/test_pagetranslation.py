"""Pages are translated when they are compiled, once per language (core.pagetranslation),
and say byte for byte what the runtime `_()` calls said."""
import re

import pytest
from flask import render_template_string, template_rendered
from flask_babel import force_locale

from grouptools.core.kept import forget_kept
from grouptools.core.timeutil import utcnow
from grouptools.core.widgets import registered_widgets
from tests.test_widget_contract import KINDS, World

LANGUAGES = ("zh-CN", "en-US")
CSRF = re.compile(rb'(name="csrf_token"[^>]*value=")[^"]+"')


def folded(app, source, language, **values):
    """`source` rendered by the language's own environment, and by the app's (which
    calls gettext when rendering)."""
    with app.test_request_context("/", headers={"Accept-Language": language}):
        own = app.jinja_env.language_environment()
        assert own is not None and own is not app.jinja_env
        return (own.from_string(source).render(values),
                app.jinja_env.from_string(source).render(values))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("source", [
    "{{ _('Skip to content') }}",
    "{{ gettext('Skip to content') }}",
    "{{ _('%(label)s: %(text)s', label=name, text='<i>') }}",  # the values escaped
    "{{ _('Skip to content')|length }}|{{ _('No such text, 100%%') }}",
    "{% set t = _('Skip to content') %}{{ t ~ name }}",
    "{% autoescape false %}{{ _('%(label)s: %(text)s', label=name, text='<i>') }}{% endautoescape %}",
    "{{ _(name) }}",  # left to runtime
    "{% for n in [0, 1, 2, 11] %}{{ ngettext('%(num)d voter', '%(num)d voters', n) }}|"
    "{{ ngettext('%(num)d day · streak %(streak)d', '%(num)d days · streak %(streak)d', "
    "n, streak=n + 1) }}|{{ ngettext('My entry', 'My entries', [name]|length) }}{% endfor %}",
    "{{ ngettext('%(num)s item', '%(num)s items', 1, num='<i>') }}",
])
def test_a_folded_call_says_what_the_runtime_call_said(app, source, language):
    own, runtime = folded(app, source, language, name="<b>A&B</b>")
    assert own == runtime
    if "label=name" in source and "autoescape false" not in source:
        assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in own and "&lt;i&gt;" in own


def test_each_language_compiles_its_own_page(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        chinese = app.jinja_env.get_template("base.html")
        assert "跳到正文" in render_template_string("{% extends 'base.html' %}")
    with app.test_request_context("/", headers={"Accept-Language": "en-US"}):
        english = app.jinja_env.get_template("base.html")
        assert "Skip to content" in render_template_string("{% extends 'base.html' %}")
    assert chinese is not english and chinese.environment is not english.environment


def test_a_language_forced_inside_a_request_gets_its_own_page(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert "跳到正文" in render_template_string("{% include '_site_header.html' %}")
        with force_locale("en"):
            assert "Skip to content" in render_template_string(
                "{% include '_site_header.html' %}")


def test_flasks_signal_still_names_the_template(client):
    seen = []

    def record(sender, template, context, **extra):
        seen.append(template.name)

    template_rendered.connect(record)
    try:
        client.get("/", headers={"Accept-Language": "zh-CN"})
    finally:
        template_rendered.disconnect(record)
    assert "home.html" in seen


def test_with_auto_reload_nothing_is_folded(app):
    """In development a template or catalogue changed shows without a restart."""
    app.jinja_env.auto_reload = True
    try:
        with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
            assert app.jinja_env.language_environment() is None
            assert app.jinja_env.get_template("base.html").environment is app.jinja_env
    finally:
        app.jinja_env.auto_reload = False


def test_a_new_catalogue_gets_a_new_language_environment(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        before = app.jinja_env.language_environment()
        assert app.jinja_env.language_environment() is before
    app.extensions["babel"].instance.domain_instance.cache.clear()  # what reloading the catalogue does
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert app.jinja_env.language_environment() is not before


@pytest.fixture(params=KINDS)
def world(request, app):
    kind = next(k for k in registered_widgets(app) if k.key == request.param)
    return World(app, kind)


def _page_paths(world, wid):
    app, kind = world.app, world.kind
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] != kind.pages or "GET" not in rule.methods:
            continue
        names = [m.group(2) for m in re.finditer(r"<(?:(\w+):)?(\w+)>", rule.rule)]
        if len(names) != 1 or not rule.rule.startswith(f"/{kind.path}/"):
            continue
        yield app.url_map.bind("localhost").build(rule.endpoint, {names[0]: wid})
    yield f"/g/{world.gid}"
    yield f"/g/{world.gid}/members"
    yield "/"
    yield "/me"


def _body(app, person, path, language):
    forget_kept(app)  # nothing kept from the other path
    response = person.get(path, headers={"Accept-Language": language})
    return response.status_code, CSRF.sub(rb'\1"', response.get_data())


def test_every_page_says_what_it_said_when_translated_on_each_request(world, monkeypatch):
    app, wid = world.app, world.sample()
    # The event's sign-in display shows a code and its seconds left: hold its clock still.
    still = utcnow()
    monkeypatch.setattr("grouptools.checkin.eventviews.utcnow", lambda: still)
    pages = 0
    for actor in ("manager", "member", "stranger"):
        person = world.people[actor]
        for path in _page_paths(world, wid):
            for language in LANGUAGES:
                status, once = _body(app, person, path, language)
                app.jinja_env.auto_reload = True  # the runtime gettext path
                try:
                    _, each_time = _body(app, person, path, language)
                finally:
                    app.jinja_env.auto_reload = False
                assert once == each_time, (actor, path, language)
                pages += status == 200 and b"<html" in once
    assert pages >= 8
