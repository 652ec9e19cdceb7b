"""A habit (群打卡) on phones: a runner taps the habit's link in the chat, joins, checks
in, reaches the first milestone, sees their month calendar, the leaderboard and their
certificate, and opens the certificate's public verification page as anyone scanning it
would. Every page fits 390 px and passes axe-core's WCAG A/AA checks."""
import pytest
import requests

from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser

WORDS = {
    "zh": {"group": "晨跑打卡群", "owner": "李教练", "runner": "张小明", "title": "每天跑步 5 公里",
           "description": "跑完打卡，写一句今天的感受。", "join": "加入", "note": "今天 5.2 公里，配速 6 分",
           "others": ["王芳", "赵磊", "陈静"], "genuine": "此证书真实有效"},
    "en": {"group": "Morning runners", "owner": "Coach Li", "runner": "Ming Zhang",
           "title": "Run 5 km a day", "description": "Check in after your run with a line "
           "about it.", "join": "Join", "note": "5.2 km today, 6 min/km",
           "others": ["Fang Wang", "Lei Zhao", "Jing Chen"], "genuine": "This certificate is genuine"},
}


def settle(device, name):
    device.page.wait_for_load_state("load")
    assert_fits_a_phone(device)  # axe-core's WCAG 2 A/AA checks included
    device.screenshot(name)


def person(base, name):
    token = requests.post(f"{base}/api/v1/people", json={"name": name}, timeout=30).json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_a_habit_from_joining_to_a_certificate(phone, live_server, accept_language, lang):
    words = WORDS[lang]
    owner = person(live_server, words["owner"])
    gid = requests.post(f"{live_server}/api/v1/groups", json={"name": words["group"]},
                        headers=owner, timeout=30).json()["id"]
    habit = requests.post(f"{live_server}/api/v1/groups/{gid}/habits", headers=owner, timeout=30,
                          json={"title": words["title"], "description": words["description"],
                                "proof": "text", "milestones": [1, 7, 21]}).json()
    hid = habit["id"]
    for name in words["others"][:2]:  # two others have checked in already
        headers = person(live_server, name)
        requests.post(f"{live_server}/api/v1/groups/{gid}/join", json={}, headers=headers, timeout=30)
        requests.post(f"{live_server}/api/v1/habits/{hid}/checkins", json={"text": "✓"},
                      headers=headers, timeout=30)

    runner = phone(accept_language)
    runner.open(f"/h/{hid}")
    runner.page.fill("#f-your_name", words["runner"])
    with runner.page.expect_navigation():
        runner.page.get_by_role("button", name=words["join"], exact=True).click()
    assert runner.page.url.endswith(f"/h/{hid}")
    settle(runner, f"checkin-habit-{lang}")

    runner.page.fill("#f-text", words["note"])
    with runner.page.expect_navigation():
        runner.page.locator("form[action$='/checkin'] button[type=submit]").first.click()
    assert runner.page.locator(".habit-done").count() == 1
    settle(runner, f"checkin-done-{lang}")

    calendar = runner.page.locator("table.habit-calendar")
    assert calendar.locator("td.is-done").count() == 1
    assert calendar.locator("td[aria-current=date]").count() == 1
    calendar.scroll_into_view_if_needed()
    runner.page.screenshot(path=str(runner.screenshot(f"checkin-calendar-{lang}")))
    leaderboard = runner.page.locator(".habit-leaderboard li")
    assert leaderboard.count() == 3
    runner.page.locator("#leaderboard").screenshot(
        path=str(runner.screenshot(f"checkin-leaderboard-{lang}")))

    picture = runner.page.locator(".habit-certificates img")
    assert picture.count() == 1
    runner.page.wait_for_function(
        "() => document.querySelector('.habit-certificates img').naturalWidth === 1080")
    runner.page.locator("#certificates").screenshot(
        path=str(runner.screenshot(f"checkin-certificates-{lang}")))

    verify = runner.page.locator(".habit-certificates a[href^='/a/']").get_attribute("href")
    # "Me" lists it too, with the others of every group.
    runner.open("/me")
    assert runner.page.locator(".me-certificates img").count() == 1
    settle(runner, f"checkin-me-{lang}")

    # Whoever scans the certificate: no cookie, no name.
    scanner = phone(accept_language)
    scanner.open(verify)
    assert words["genuine"] in scanner.page.locator(".certificate-genuine").inner_text()
    assert words["runner"] in scanner.page.locator(".certificate-facts").inner_text()
    settle(scanner, f"checkin-certificate-{lang}")
