"""The boxes of text to paste back into the chat show the whole text, however long and
however its lines wrap on a phone, with JavaScript and without: a relay's `#接龙` list
(with its time and place, which a stranger reads before joining too) and a poll's
reminder naming many members on one line."""
import pytest
import requests

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser

BOTH = [(language, lang, javascript) for language, lang in LANGUAGES for javascript in (True, False)]
WORDS = {
    "zh": {"owner": "王老师", "group": "周末羽毛球群", "title": "周六羽毛球",
           "description": "下午两点在体育馆三号场集合，AA 场地费每人三十元，请自带球拍和水，"
                          "迟到超过半小时的名额让给候补的朋友。",
           "place": "朝阳体育馆三号场", "when": "时间：", "where": "地点：", "sign_in": "登录",
           "poll": "下周几打球？", "members": [f"羽毛球爱好者{n}号" for n in range(1, 15)]},
    "en": {"owner": "Ms Wang", "group": "Weekend badminton", "title": "Saturday badminton",
           "description": "We meet at 2 pm at court 3 of the sports hall; the court fee is "
                          "shared, about 30 yuan each; bring a racket and water, and if you "
                          "are more than half an hour late your place goes to the waitlist.",
           "place": "Chaoyang sports hall, court 3", "when": "When: ", "where": "Where: ",
           "sign_in": "Sign in", "poll": "Which day next week?",
           "members": [f"Badminton friend {n}" for n in range(1, 15)]},
}
# Whether a read-only box shows all of its text: nothing hidden to scroll within it.
SHOWS_ALL = "id => { const t = document.getElementById(id); return t.scrollHeight <= t.clientHeight + 2; }"
# The same in a browser that cannot size a box to its content (CSS field-sizing came with
# Chrome 123; WeChat's XWEB of the fixtures says Chrome 116): the rows the page gives, or
# app.js's fitting when the screen turns, must show it all.
SHOWS_ALL_IN_AN_OLD_BROWSER = """id => { const t = document.getElementById(id);
    t.style.fieldSizing = 'fixed'; window.dispatchEvent(new Event('resize'));
    return t.scrollHeight <= t.clientHeight + 2; }"""
NO_FIELD_SIZING = """(() => { const supports = CSS.supports.bind(CSS);
    CSS.supports = (a, b) => String(a).indexOf('field-sizing') === -1 && supports(a, b); })()"""


def _api(base, method, path, token=None, **body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.request(method, f"{base}{path}", json=body, headers=headers, timeout=30)
    assert answer.status_code < 300, answer.text
    return answer.json()


def _seed(base, words, votes=False):
    """A group whose owner has a relay everyone signed up for and a poll nobody voted in
    (or, with `votes`, every member for its first option): (owner's token, relay id,
    poll id)."""
    owner = _api(base, "POST", "/api/v1/people", name=words["owner"])["token"]
    gid = _api(base, "POST", "/api/v1/groups", owner, name=words["group"])["id"]
    relay = _api(base, "POST", f"/api/v1/groups/{gid}/relays", owner, title=words["title"],
                 description=words["description"], place=words["place"],
                 starts_at="2027-03-06T06:00:00+00:00", capacity=10, waitlist=True)["id"]
    poll = _api(base, "POST", f"/api/v1/groups/{gid}/polls", owner, title=words["poll"],
                options=[{"text": "6"}, {"text": "7"}])
    first, poll = poll["options"][0]["id"], poll["id"]
    for name in words["members"]:
        token = _api(base, "POST", "/api/v1/people", name=name)["token"]
        _api(base, "POST", f"/api/v1/groups/{gid}/join", token)
        _api(base, "POST", f"/api/v1/relays/{relay}/entries", token, values={})
        if votes:
            _api(base, "POST", f"/api/v1/polls/{poll}/votes", token, option_ids=[first])
    return owner, relay, poll


@pytest.mark.parametrize("accept_language, lang, javascript", BOTH)
def test_the_text_to_paste_shows_whole(phone, live_server, accept_language, lang, javascript):
    words = WORDS[lang]
    owner, relay, poll = _seed(live_server, words)
    js = "js" if javascript else "nojs"
    # Before joining, a stranger on the link reads when and where.
    stranger = phone(accept_language, javascript=javascript)
    assert stranger.open(f"/r/{relay}").status == 200
    facts = stranger.page.locator(".public-facts").inner_text()
    assert words["when"] in facts and words["where"] + words["place"] in facts
    assert stranger.page.locator("#f-your_name").is_visible()
    assert_fits_a_phone(stranger)
    stranger.page.screenshot(path=str(SCREENSHOTS / f"relay-public-card-{lang}-{js}.png"))

    device = phone(accept_language, javascript=javascript)
    device.page.add_init_script(NO_FIELD_SIZING)
    link = _api(live_server, "GET", "/api/v1/me/signin-link", owner)["url"]
    device.page.goto(link, wait_until="load")
    device.page.get_by_role("button", name=words["sign_in"], exact=True).click()
    device.page.wait_for_load_state("load")

    assert device.open(f"/r/{relay}").status == 200
    text = device.page.input_value("#relay-text")
    assert words["when"] in text and words["where"] + words["place"] in text
    assert text.rstrip().endswith(f"/r/{relay}") and "10. " in text
    assert device.page.evaluate(SHOWS_ALL, "relay-text"), text
    assert device.page.evaluate(SHOWS_ALL_IN_AN_OLD_BROWSER, "relay-text"), text
    assert device.page.locator('button[data-copy="relay-text"]').is_visible() == javascript
    assert_fits_a_phone(device)
    device.page.locator("#relay-text").scroll_into_view_if_needed()
    device.page.screenshot(path=str(SCREENSHOTS / f"copy-box-relay-{lang}-{js}.png"))

    assert device.open(f"/p/{poll}").status == 200
    reminder = device.page.input_value("#reminder")
    assert reminder.count("@") == len(words["members"]) + 1 and reminder.endswith(f"/p/{poll}")
    assert device.page.evaluate(SHOWS_ALL, "reminder"), reminder
    assert device.page.evaluate(SHOWS_ALL_IN_AN_OLD_BROWSER, "reminder"), reminder
    assert_fits_a_phone(device)
    device.page.locator("#reminder").scroll_into_view_if_needed()
    device.page.screenshot(path=str(SCREENSHOTS / f"copy-box-reminder-{lang}-{js}.png"))
