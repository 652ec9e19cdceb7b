"""The stranger's join screen on a phone (issue 15): opening a poll link of a group they
are not in, a person sees what the group is — its introduction, how many members, who
runs it — above "your name → join", and the screen fits 390 px and passes axe-core."""
import pytest
import requests

from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser

WORDS = {
    "zh": {"group": "三年二班家长群", "owner": "王老师", "poll": "春游去哪里？",
           "intro": "班级通知、活动报名和家长投票。请用“孩子姓名+妈妈/爸爸”做群昵称。",
           "members": "4 位成员", "owned": "群主：王老师", "options": ["植物园", "科技馆"]},
    "en": {"group": "Class 3B parents", "owner": "Ms Wang", "poll": "Where shall the trip go?",
           "intro": "Class notices, sign-ups and parent polls. Use your child's name as "
                    "your nickname.",
           "members": "4 members", "owned": "Group owner: Ms Wang",
           "options": ["Botanic garden", "Science museum"]},
}


def _api(base, method, path, token=None, **body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.request(method, f"{base}{path}", json=body, headers=headers, timeout=30)
    assert answer.status_code < 300, answer.text
    return answer.json()


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_a_stranger_on_a_poll_link_sees_the_group_before_joining(phone, live_server,
                                                                  accept_language, lang):
    words = WORDS[lang]
    owner = _api(live_server, "POST", "/api/v1/people", name=words["owner"])["token"]
    gid = _api(live_server, "POST", "/api/v1/groups", owner, name=words["group"],
               description=words["intro"])["id"]
    for name in ("甲", "乙", "丙"):
        token = _api(live_server, "POST", "/api/v1/people", name=name)["token"]
        _api(live_server, "POST", f"/api/v1/groups/{gid}/join", token)
    poll = _api(live_server, "POST", f"/api/v1/groups/{gid}/polls", owner, title=words["poll"],
                options=[{"text": text} for text in words["options"]])

    stranger = phone(accept_language)
    assert stranger.open(f"/p/{poll['id']}").status == 200
    intro = stranger.page.locator(".group-intro")
    assert words["group"] in intro.inner_text() and words["intro"] in intro.inner_text()
    assert words["members"] in intro.inner_text() and words["owned"] in intro.inner_text()
    assert stranger.page.locator("#f-your_name").is_visible()
    assert_fits_a_phone(stranger)
    stranger.screenshot(f"join-screen-poll-{lang}")

    assert stranger.open(f"/g/{gid}").status == 200
    intro = stranger.page.locator(".group-intro")
    assert words["members"] in intro.inner_text() and words["owned"] in intro.inner_text()
    assert_fits_a_phone(stranger)
    stranger.screenshot(f"join-screen-group-{lang}")
