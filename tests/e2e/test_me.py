""""Me" on a phone: what waits for me in all my groups (a poll, a notice, a check-in, a
place I moved up to), the relay page that tells me I moved up, and a photo avatar
uploaded from the page and then shown wherever my initial was."""
import io
from datetime import datetime, timedelta, timezone

import pytest
import requests
from PIL import Image

from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser

TEXT = {
    "zh": {"group": "周末羽毛球群", "other": "三年二班家长群", "me": "小明妈妈", "join": "加入",
           "poll": "下周六去哪儿打球？", "notice": "周日下午停课通知", "habit": "每天跳绳 10 分钟",
           "event": "家长会签到", "relay": "周六羽毛球 · 1 个名额", "first": "李雷",
           "moved": "你从候补转正了：1号", "items": "我在各群的事项", "use": "用这张照片",
           "done": "这张照片已是你在所有群里的头像。", "refused": "无法读取这个文件"},
    "en": {"group": "Weekend badminton", "other": "Class 2 parents", "me": "Ming's mum",
           "join": "Join", "poll": "Where do we play next Saturday?",
           "notice": "No class on Sunday afternoon", "habit": "Skip rope for 10 minutes",
           "event": "Parents' meeting sign-in", "relay": "Saturday badminton · 1 place",
           "first": "Lei", "moved": "You moved up from the waitlist: No. 1",
           "items": "Waiting for me in my groups", "use": "Use this photo",
           "done": "Your photo is your avatar now, in every group.",
           "refused": "This file is not a picture that can be read"},
}


def api(base, method, path, token=None, **body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.request(method, f"{base}{path}", json=body if method != "DELETE" else None,
                                headers=headers,
                                timeout=30)
    assert response.status_code < 400, (path, response.status_code, response.text)
    return response.json() if response.content else None


def person(base, name):
    return api(base, "POST", "/api/v1/people", name=name)["token"]


def join_on_the_page(device, gid, name, words):
    device.open(f"/g/{gid}")
    if device.page.locator("#f-your_name").count():  # the first time only: then known
        device.page.fill("#f-your_name", name)
    device.page.get_by_role("button", name=words["join"], exact=True).click()
    device.page.wait_for_load_state("load")


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_me_lists_my_things_and_the_relay_says_i_moved_up(phone, live_server, accept_language,
                                                         lang):
    words = TEXT[lang]
    owner, first = person(live_server, "群主"), person(live_server, words["first"])
    gid = api(live_server, "POST", "/api/v1/groups", owner, name=words["group"])["id"]
    other = api(live_server, "POST", "/api/v1/groups", owner, name=words["other"])["id"]
    api(live_server, "POST", f"/api/v1/groups/{gid}/join", first)
    relay = api(live_server, "POST", f"/api/v1/groups/{gid}/relays", owner,
                title=words["relay"], capacity=1)
    entry = api(live_server, "POST", f"/api/v1/relays/{relay['id']}/entries", first, values={})

    me = phone(accept_language)
    join_on_the_page(me, gid, words["me"], words)
    join_on_the_page(me, other, words["me"], words)
    me.open(f"/r/{relay['id']}")
    me.page.locator("#sign-up button[type=submit]").click()
    me.page.wait_for_load_state("load")

    api(live_server, "POST", f"/api/v1/groups/{gid}/habits", owner, title=words["habit"])
    now = datetime.now(timezone.utc)
    api(live_server, "POST", f"/api/v1/groups/{other}/events", owner, title=words["event"],
        starts_at=(now - timedelta(minutes=5)).isoformat(),
        ends_at=(now + timedelta(hours=2)).isoformat())
    api(live_server, "POST", f"/api/v1/groups/{other}/notices", owner, title=words["notice"],
        body="…")
    api(live_server, "POST", f"/api/v1/groups/{gid}/polls", owner, title=words["poll"],
        options=[{"text": "体育馆" if lang == "zh" else "Sports hall"},
                 {"text": "公园" if lang == "zh" else "The park"}])
    api(live_server, "DELETE", f"/api/v1/relays/{relay['id']}/entries/{entry['id']}", first)

    me.open("/me")
    assert_fits_a_phone(me)
    listed = me.page.locator(".me-items .list-item")
    assert listed.count() == 5
    titles = [listed.nth(i).locator(".list-title").inner_text() for i in range(5)]
    assert titles[0] == words["relay"]  # moved up just now: the newest
    assert set(titles) == {words["relay"], words["poll"], words["notice"], words["habit"],
                           words["event"]}
    assert words["moved"] in listed.nth(0).inner_text()
    assert words["other"] in me.page.locator(".me-items").inner_text()
    me.screenshot(f"me-items-{lang}")

    listed.nth(0).click()
    me.page.wait_for_load_state("load")
    assert_fits_a_phone(me)
    banner = me.page.locator(".relay-moved-up")
    assert banner.inner_text() == words["moved"]
    me.screenshot(f"relay-moved-up-{lang}")


def photo_file(tmp_path):
    path = tmp_path / "me.jpg"
    image = Image.new("RGB", (640, 480), (230, 120, 40))
    image.paste((40, 90, 200), (220, 140, 420, 340))
    image.save(path, "JPEG")
    return path


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_a_photo_avatar_uploaded_on_me_shows_everywhere(phone, live_server, tmp_path,
                                                       accept_language, lang):
    words = TEXT[lang]
    owner = person(live_server, "群主")
    gid = api(live_server, "POST", "/api/v1/groups", owner, name=words["group"])["id"]
    me = phone(accept_language)
    join_on_the_page(me, gid, words["me"], words)

    me.open("/me")
    initial = me.page.locator(".me-avatar .avatar")
    assert initial.inner_text() == words["me"][0].upper()
    # A file that is not a picture comes back on the field, nothing else lost.
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    me.page.set_input_files("#f-photo", str(text))
    me.page.get_by_role("button", name=words["use"]).click()
    me.page.wait_for_load_state("load")
    assert me.page.locator("#f-photo").get_attribute("aria-invalid") == "true"
    assert words["refused"] in me.page.locator(".me-avatar").inner_text()
    # The form came back with a 422 on purpose; the browser logs that as an error.
    me.console[:] = [line for line in me.console if "422" not in line[1]]
    assert_fits_a_phone(me)

    me.page.set_input_files("#f-photo", str(photo_file(tmp_path)))
    me.page.get_by_role("button", name=words["use"]).click()
    me.page.wait_for_load_state("load")
    assert words["done"] in me.page.locator(".flashes").inner_text()
    assert_fits_a_phone(me)
    photo = me.page.locator(".me-avatar .avatar img")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    source = photo.get_attribute("src")
    me.screenshot(f"me-avatar-{lang}")

    # The roster shows the same photo, round, beside the name.
    me.open(f"/g/{gid}/members")
    assert_fits_a_phone(me)
    row = me.page.locator("li.member-row", has_text=words["me"]).locator(".avatar img")
    assert row.get_attribute("src") == source
    assert row.evaluate("img => img.complete && img.naturalWidth > 0")
    me.screenshot(f"members-avatar-{lang}")
