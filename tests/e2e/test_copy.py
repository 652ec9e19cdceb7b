"""Copying a widget from its manage section on a phone, in Chinese and English: the form
offers the organiser's groups, works as a plain form, passes axe-core and fits 390 px,
and leads to the copy, open and without votes, in the group picked."""
import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_card import check
from tests.e2e.test_layout import LANGUAGES
from tests.e2e.test_relay import api

pytestmark = pytest.mark.browser

TEXT = {
    "zh": {"owner": "王老师", "groups": ["三年二班家长群", "四年一班家长群"],
           "poll": "春游去哪儿", "sign_in": "登录", "copy": "复制一份", "into": "复制到"},
    "en": {"owner": "Ms Wang", "groups": ["Class 3B parents", "Class 4A parents"],
           "poll": "Where to go in spring", "sign_in": "Sign in", "copy": "Make a copy",
           "into": "Copy into"},
}


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
@pytest.mark.parametrize("javascript", [True, False])
def test_copying_a_poll_into_another_group(phone, live_server, accept_language, lang,
                                           javascript):
    words = TEXT[lang]
    token = api(live_server, "POST", "/api/v1/people", name=words["owner"]).json()["token"]
    here, there = (api(live_server, "POST", "/api/v1/groups", token, name=name).json()["id"]
                   for name in words["groups"])
    poll = api(live_server, "POST", f"/api/v1/groups/{here}/polls", token, title=words["poll"],
               options=[{"text": "A"}, {"text": "B"}]).json()
    assert api(live_server, "POST", f"/api/v1/polls/{poll['id']}/votes", token,
               option_ids=[poll["options"][0]["id"]]).status_code == 201

    owner = phone(accept_language, javascript=javascript)
    link = api(live_server, "GET", "/api/v1/me/signin-link", token).json()["url"]
    owner.open("/signin/" + link.rsplit("/signin/", 1)[1])
    owner.page.get_by_role("button", name=words["sign_in"]).click()
    owner.page.wait_for_load_state("load")

    owner.open(f"/p/{poll['id']}")
    if javascript:
        check(owner)
    owner.page.get_by_role("link", name=words["copy"], exact=True).click()
    owner.page.wait_for_load_state("load")
    if javascript:
        check(owner)
    picker = owner.page.get_by_label(words["into"])
    assert picker.locator("option").all_inner_texts() == words["groups"]
    picker.select_option(there)
    picker.scroll_into_view_if_needed()
    if javascript:
        SCREENSHOTS.mkdir(exist_ok=True)
        owner.page.screenshot(path=str(SCREENSHOTS / f"copy-form-{lang}.png"))
    owner.page.get_by_role("button", name=words["copy"], exact=True).click()
    owner.page.wait_for_load_state("load")
    assert owner.page.url.split("/p/")[1] != poll["id"]
    body = owner.page.locator("body").inner_text()
    assert words["groups"][1] in body and words["poll"] in body
    if javascript:
        check(owner)
        owner.screenshot(f"copy-done-{lang}")
    copy = api(live_server, "GET", f"/api/v1/polls/{owner.page.url.split('/p/')[1]}",
               token).json()
    assert copy["voter_count"] == 0 and [o["text"] for o in copy["options"]] == ["A", "B"]
