"""An event sign-in on phones, as a club's organiser and members use it: the organiser
creates it and puts the rotating code on the screen, a member scans it (the QR code in the screenshot
decodes to the event's page with the code), joins the group, taps "Sign in", and the
organiser sees who came and who is missing; meanwhile the screen has put the next code
in place without reloading. Every page fits 390 px and passes axe-core's
WCAG A/AA checks; screenshots event-*-zh/en."""
import re
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.core.test_share import zbar
from tests.e2e.conftest import Phone
from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone
from tests.e2e.test_notice import api_member, new_group, settle, submit

pytestmark = pytest.mark.browser

WORDS = {
    "zh": {"group": "周六读书会", "owner": "林老师", "member": "小周", "title": "第 12 期读书会签到",
           "others": ["阿杰", "小美", "老陈"], "join": "加入", "sign_in": "签到", "create": "创建",
           "signed": "你于", "missing": "未签到"},
    "en": {"group": "Saturday book club", "owner": "Ms Lin", "member": "Zhou",
           "title": "Book club #12 sign-in", "others": ["Jay", "May", "Chen"], "join": "Join",
           "sign_in": "Sign in here", "create": "Create", "signed": "You signed in at", "missing": "not yet"},
}


def screen_of(device):
    """Another tab of the same browser (the organiser's session), remembering its console."""
    page = device.page.context.new_page()
    screen = Phone(page=page, base_url=device.base_url)
    page.on("console", lambda message: screen.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: screen.page_errors.append(str(error)))
    return screen


def wait_for_a_fresh_code():
    """Start just after a code rotates, so no rotation (and meta refresh) interrupts."""
    while time.time() % 20 > 3:
        time.sleep(0.5)


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_the_display_and_a_member_signing_in(phone, live_server, accept_language, lang,
                                             tmp_path):
    words = WORDS[lang]
    owner = phone(accept_language)
    gid = new_group(owner, words["owner"], words["group"])
    others = [api_member(live_server, gid, name) for name in words["others"]]

    # The organiser creates the event on the phone, in the group's time zone.
    zone = ZoneInfo(owner.page.request.get(f"{live_server}/api/v1/groups/{gid}").json()["timezone"])
    now = datetime.now(zone).replace(second=0, microsecond=0)
    owner.open(f"/g/{gid}/events/new")
    owner.page.fill("#f-title", words["title"])
    for field, at in (("starts_at", now - timedelta(minutes=5)), ("ends_at", now + timedelta(hours=2)),
                      ("late_after", now + timedelta(hours=1))):
        owner.page.fill(f"#f-{field}", at.strftime("%Y-%m-%dT%H:%M"))
    settle(owner, f"event-create-{lang}")
    submit(owner, words["create"])
    assert owner.page.url.endswith("/display")
    eid = owner.page.url.split("/")[-2]
    wait_for_a_fresh_code()
    display = screen_of(owner)  # the organiser's screen in the room, signed in as them
    display.open(f"/e/{eid}/display")
    assert_fits_a_phone(display)
    display.page.evaluate("window.notReloaded = true")  # the next code comes in place
    [shown] = re.findall(r"\d{6}", display.page.locator(".event-code").inner_text())
    [scanned] = zbar(display.screenshot(f"event-display-{lang}").read_bytes(), tmp_path)
    assert scanned == f"{live_server}/e/{eid}?code={shown}"
    # One of the others signs in through the API with the code on the screen.
    assert requests.post(f"{live_server}/api/v1/events/{eid}/signin", json={"code": shown},
                         headers=others[0], timeout=30).status_code == 201

    # A member scans it with the phone's camera: joins the group, then signs in.
    member = phone(accept_language)
    path = scanned.replace(live_server, "")
    member.open(path)
    member.page.fill("#f-your_name", words["member"])
    submit(member, words["join"])
    member.open(path)
    assert parse_qs(urlparse(member.page.url).query)["code"] == [shown]
    button = member.page.get_by_role("button", name=words["sign_in"], exact=True)
    assert button.bounding_box()["height"] >= 56
    settle(member, f"event-scan-{lang}")
    submit(member, words["sign_in"])
    assert words["signed"] in member.page.locator(".event-done").inner_text()
    settle(member, f"event-signed-{lang}")

    # The organiser sees who came (the member, on time) and who is missing.
    owner.open(f"/e/{eid}")
    names = owner.page.locator("#attendance .list").first.inner_text()
    assert words["member"] in names and words["others"][0] in names
    reminder = owner.page.locator("#reminder").input_value()
    assert words["missing"] in reminder and f"@{words['others'][2]}" in reminder
    assert words["member"] not in reminder
    settle(owner, f"event-manager-{lang}")
    display.page.wait_for_function(
        f"() => !document.querySelector('.event-code').textContent.includes('{shown}')",
        timeout=30000)
    assert display.page.evaluate("window.notReloaded") is True
    assert display.csp_violations() == [] and display.console_errors() == []
