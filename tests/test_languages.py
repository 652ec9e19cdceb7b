"""Every page answers in Simplified Chinese for zh-CN and zh-TW readers and in English for
en-US readers, whoever is asking."""
import re

import pytest
from flask_babel import force_locale

from tests.core.groups.test_views import submit

READERS = [("zh-CN", "zh-Hans", "开源"), ("zh-TW", "zh-Hans", "开源"), ("en-US", "en", "open source")]


@pytest.fixture
def pages(app):
    """(client, path) for every page: a stranger's and an owner's view of each."""
    owner = app.test_client()
    created = submit(owner, "/groups/new", "/groups/new",
                     {"your_name": "群主", "name": "周末羽毛球", "join_policy": "approval",
                      "timezone": "Asia/Shanghai", "join_question": "水平如何？"})
    gid = created.headers["Location"].rsplit("/", 1)[1]
    link = re.search(r'value="(http://[^"]+/signin/[^"]+)"', owner.get("/me").get_data(as_text=True))
    signin_path = link.group(1).split("localhost", 1)[1]
    stranger = app.test_client()
    return [
        (stranger, "/"), (stranger, "/groups/new"), (stranger, "/me"),
        (stranger, f"/g/{gid}"), (stranger, signin_path), (stranger, "/no-such-page"),
        (owner, "/"), (owner, f"/g/{gid}"), (owner, f"/g/{gid}/members"),
        (owner, f"/g/{gid}/settings"), (owner, "/me"), (stranger, f"/g/{gid}/members"),
    ]


@pytest.mark.parametrize("accept, lang, footer", READERS)
def test_every_page_answers_in_the_readers_language(pages, accept, lang, footer):
    for client, path in pages:
        response = client.get(path, headers={"Accept-Language": accept})
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html, path
        assert footer in html, path


def test_a_template_speaks_the_language_it_is_rendered_in_even_within_one_request(app):
    # The page's catalogue is found once per request (core.i18n._catalogue), but a
    # language forced for part of it still gets its own.
    template = app.jinja_env.from_string(
        "{{ _('Skip to content') }}|{{ ngettext('%(num)d voter', '%(num)d voters', 2) }}")
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert template.render() == "跳到正文|2 人投了这一项"
        with force_locale("en"):
            assert template.render() == "Skip to content|2 voters"
        assert template.render() == "跳到正文|2 人投了这一项"
