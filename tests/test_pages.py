"""The page foundation: layouts with no inline script or style and nothing from another
host, both languages, friendly error pages, the shared form macros, the static files."""
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import flash, render_template, render_template_string

from grouptools import create_app
from grouptools.core.avatars import Avatar

ZH = {"Accept-Language": "zh-CN"}


class PageAudit(HTMLParser):
    """Collects what the CSP would block or what would load from elsewhere."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline_scripts = []
        self.style_attributes = []
        self.style_elements = 0
        self.event_handlers = []
        self.javascript_urls = []
        self.asset_urls = []  # (tag, url) of everything the browser fetches by itself
        self.links = []
        self.html_lang = None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        for name, value in attrs.items():
            if name == "style":
                self.style_attributes.append((tag, value))
            if name.startswith("on"):
                self.event_handlers.append((tag, name))
            if value and value.strip().lower().startswith("javascript:"):
                self.javascript_urls.append((tag, value))
        if tag == "script":
            self._in_script = True
            if "src" in attrs:
                self.asset_urls.append((tag, attrs["src"]))
            else:
                self.inline_scripts.append("")
        elif tag == "style":
            self.style_elements += 1
        elif tag in ("img", "iframe", "source", "video", "audio", "embed") and attrs.get("src"):
            self.asset_urls.append((tag, attrs["src"]))
        elif tag == "link" and attrs.get("href"):
            self.asset_urls.append((tag, attrs["href"]))
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def audit(html):
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser


def assert_csp_clean(html):
    page = audit(html)
    assert page.inline_scripts == []
    assert page.style_attributes == []
    assert page.style_elements == 0
    assert page.event_handlers == []
    assert page.javascript_urls == []
    for tag, url in page.asset_urls:
        parts = urlsplit(url)
        if parts.scheme == "data":
            # Small drawn icons; the CSP allows data: for images only.
            assert tag in ("img", "link"), url
            continue
        assert not parts.scheme and not parts.netloc, f"{tag} loads {url} from another host"
        assert url.startswith("/"), url
    return page


def error_app(app_config):
    """An app of its own with a route that fails, to see the 500 page as a person would."""
    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/boom")
    def boom():
        raise RuntimeError("a bug")

    return app


PAGES = {
    "home": ("GET", "/", 200),
    "not-found": ("GET", "/no-such-page", 404),
    "bad-request": ("POST", "/", 400),  # no CSRF token: refused with the friendly page
}


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_no_inline_script_or_style_and_nothing_from_elsewhere(client, name):
    method, path, status = PAGES[name]
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = assert_csp_clean(response.get_data(as_text=True))
    fetched = [(tag, url.split("?v=")[0]) for tag, url in page.asset_urls]
    assert ("script", "/static/js/app.js") in fetched
    assert ("link", "/static/css/app.css") in fetched


def test_the_server_error_page_is_friendly_and_clean(app_config):
    response = error_app(app_config).test_client().get("/boom", headers=ZH)
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert_csp_clean(html)
    assert "服务器出了点问题" in html
    assert "Traceback" not in html and "a bug" not in html
    assert 'href="/boom"' in html  # "try again"


@pytest.mark.parametrize("accept, lang, words", [
    ("zh-CN", "zh-Hans", ["在群里，把事情办妥", "创建群组", "群投票"]),
    ("zh-TW", "zh-Hans", ["在群里，把事情办妥", "创建群组", "群接龙"]),
    ("zh-Hans-CN,zh;q=0.9", "zh-Hans", ["创建群组"]),
    ("en-US,en;q=0.9", "en", ["Get things done in your group chat", "Create a group"]),
])
def test_home_answers_in_the_readers_language(client, accept, lang, words):
    page = client.get("/", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert audit(page).html_lang == lang
    for word in words:
        assert word in page


@pytest.mark.parametrize("accept, lang, headline", [
    ("zh-CN", "zh-Hans", "页面不存在"),
    ("zh-TW", "zh-Hans", "页面不存在"),
    ("en-US", "en", "This page is not here"),
])
def test_error_pages_answer_in_the_readers_language(client, accept, lang, headline):
    response = client.get("/no-such-page", headers={"Accept-Language": accept})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert audit(page).html_lang == lang
    assert headline in page
    assert 'href="/"' in page  # a way back


def test_home_lists_every_widget_a_group_can_use(client):
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for name in ("Polls", "Sign-up relays", "Notices", "Check-ins", "Member cards"):
        assert name in english
    chinese = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    for name in ("群投票", "群接龙", "群通知", "群打卡", "群名片"):
        assert name in chinese


def test_home_links_to_creating_a_group_and_to_me(client):
    links = audit(client.get("/").get_data(as_text=True)).links
    assert "/groups/new" in links
    assert "/me" in links
    assert "/" in links


def test_my_groups_is_shown_only_when_given(app):
    with app.test_request_context("/"):
        assert "My groups" not in render_template("home.html")
        empty = render_template("home.html", my_groups=[])
        assert "My groups" in empty and "not in any group yet" in empty
        groups = [{"name": "<b>三年二班</b>", "url": "/g/abc", "role": "owner",
                   "avatar": Avatar("abcdefghij", "<", 3)}]
        html = render_template("home.html", my_groups=groups)
    assert 'href="/g/abc"' in html
    assert "&lt;b&gt;三年二班&lt;/b&gt;" in html and "<b>三年二班" not in html
    assert "Owner" in html
    assert '<span class="avatar avatar-c3" aria-hidden="true">&lt;</span>' in html
    assert_csp_clean(html)


def test_flash_messages_are_shown_with_their_category(app):
    with app.test_request_context("/"):
        flash("Saved <ok>", "success")
        flash("Plain")
        html = render_template("home.html")
    assert '<p class="flash flash-success" role="status">Saved &lt;ok&gt;</p>' in html
    assert 'class="flash flash-message"' in html


@pytest.mark.parametrize("path, content_type, marker", [
    ("/static/css/app.css", "text/css", ".btn-primary"),
    ("/static/js/app.js", "text/javascript", "data-copy"),
])
def test_static_files_are_served(client, path, content_type, marker):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == content_type
    assert marker in response.get_data(as_text=True)
    response.close()


def test_the_stylesheet_has_a_width_class_for_every_percent(client):
    response = client.get("/static/css/app.css")
    css = response.get_data(as_text=True)
    response.close()
    for percent in range(0, 101):
        assert f".w-{percent} " in css
    assert "@import" not in css and "url(http" not in css


# --- The form macros -----------------------------------------------------------------

def render_macro(app, call, **context):
    with app.test_request_context("/"):
        return render_template_string('{% import "_macros.html" as ui %}' + call, **context)


def test_a_text_field_keeps_the_typed_value_and_shows_its_error(app):
    html = render_macro(
        app,
        '{{ ui.text_field("name", "Your name", value=v, error=e, hint="As the group knows you",'
        ' required=true, maxlength=64, autocomplete="nickname") }}',
        v='张三 "><script>x</script>', e=["Too long."],
    )
    assert '<label class="field-label" for="f-name">Your name</label>' in html
    assert 'value="张三 &#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="f-name-error f-name-hint"' in html
    assert '<span class="field-error" id="f-name-error">Too long.</span>' in html
    assert ' required' in html and 'maxlength="64"' in html and 'autocomplete="nickname"' in html
    assert "<script>" not in html


def test_a_field_without_error_is_not_marked_invalid(app):
    html = render_macro(app, '{{ ui.text_field("name", "Name", value=none) }}')
    assert 'value=""' in html
    assert "aria-invalid" not in html and "field-error" not in html


def test_a_single_lazy_error_message_is_not_split_into_characters(app):
    from flask_babel import lazy_gettext

    html = render_macro(app, '{{ ui.text_field("x", "X", error=e) }}', e=lazy_gettext("Try again"))
    assert ">Try again</span>" in html


def test_textarea_select_checkbox_and_radio_keep_what_was_chosen(app):
    html = render_macro(
        app,
        '{{ ui.textarea_field("description", "About", value="第一行\\n<b>", error="Required.") }}'
        '{{ ui.select_field("timezone", "Time zone", [("Asia/Shanghai", "上海"), ("UTC", "UTC")], value="UTC") }}'
        '{{ ui.checkbox_field("members_can_create", "Members may create", checked=true, hint="h") }}'
        '{{ ui.radio_field("join_policy", "Who may join", [("open", "Anyone"), ("approval", "Approved", "You approve")],'
        ' value="approval") }}',
    )
    assert ">第一行\n&lt;b&gt;</textarea>" in html
    assert '<option value="UTC" selected>UTC</option>' in html
    assert '<option value="Asia/Shanghai">' in html
    assert 'name="members_can_create" value="1" checked' in html
    assert 'value="approval" checked' in html and 'value="open" checked' not in html
    assert_csp_clean(html)


def test_csrf_field_and_submit_button(app):
    html = render_macro(app, '<form method="post">{{ ui.csrf_field() }}{{ ui.submit_button("Save") }}</form>')
    assert 'type="hidden" name="csrf_token" value="' in html
    assert '<button type="submit" class="btn btn-primary btn-block">Save</button>' in html


def test_copy_field_works_without_js_and_names_its_target(app):
    html = render_macro(app, '{{ ui.copy_field("https://example.org/g/abc?x=1&y=2", "share-link", label="Link") }}')
    assert 'id="share-link" value="https://example.org/g/abc?x=1&amp;y=2" readonly' in html
    assert 'data-copy="share-link" hidden' in html
    assert 'data-copied="Copied"' in html


def test_bar_widths_are_classes_clamped_to_0_to_100(app):
    html = render_macro(app, "{{ ui.bar(37.4) }}{{ ui.bar(140) }}{{ ui.bar(-3) }}")
    assert "bar-fill w-37" in html and "bar-fill w-100" in html and "bar-fill w-0" in html
    assert_csp_clean(html)


def test_an_action_button_is_a_form_with_the_csrf_token_and_one_button(app):
    with app.test_request_context("/"):
        html = render_template_string(
            '{% import "_macros.html" as ui %}{{ ui.action_button("/p/x/close", label) }}|'
            '{{ ui.action_button("/leave", "Leave", variant="ghost", block=true) }}|'
            '{{ csrf_token() }}', label="Close <now>")
    forms, token = html.rsplit("|", 1)
    assert forms == (
        '<form class="inline-form" method="post" action="/p/x/close">\n'
        f'  <input type="hidden" name="csrf_token" value="{token}">\n'
        '  <button type="submit" class="btn btn-secondary">Close &lt;now&gt;</button>\n'
        '</form>|'
        '<form class="inline-form" method="post" action="/leave">\n'
        f'  <input type="hidden" name="csrf_token" value="{token}">\n'
        '  <button type="submit" class="btn btn-ghost btn-block">Leave</button>\n'
        '</form>')
