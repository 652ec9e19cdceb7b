"""A habit (群打卡) on phones: a runner taps the habit's link in the chat, joins, checks
in, reaches the first milestone, sees their month calendar, the leaderboard and their
certificate, and opens the certificate's public verification page as anyone scanning it
would; a habit that asks for words and a photo takes a photo picked on the phone, and the
calendar's day opens to it. Every page fits 390 px and passes axe-core's WCAG A/AA checks."""
from datetime import timedelta

import pytest
import requests
from PIL import Image, ImageDraw
from sqlalchemy import select, update

from grouptools.core.models import Membership, Person
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db

from tests.e2e.conftest import SCREENSHOTS
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
    if name:
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


def sunrise(path):
    """A photo-like picture of a morning run: sky, sun, a road."""
    image = Image.new("RGB", (1200, 900), (250, 196, 120))
    draw = ImageDraw.Draw(image)
    for band in range(0, 450, 30):
        draw.rectangle((0, band, 1200, band + 30), fill=(250 - band // 6, 170 + band // 10, 110 + band // 5))
    draw.ellipse((480, 230, 720, 470), fill=(255, 236, 170))
    draw.rectangle((0, 450, 1200, 900), fill=(70, 120, 80))
    draw.polygon([(560, 450), (640, 450), (900, 900), (300, 900)], fill=(90, 90, 96))
    image.save(path, "JPEG", quality=88)
    return str(path)


PHOTO_WORDS = {
    "zh": {"title": "晨跑拍照打卡", "check_in": "今日打卡", "done": "你今天已打卡。",
           "make_up": "补卡", "makeup": "那天下雨，在跑步机上跑的"},
    "en": {"title": "Morning run, with a photo", "check_in": "Check in today",
           "done": "You checked in today.", "make_up": "Make up",
           "makeup": "Rained that day: treadmill instead"},
}


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_checking_in_with_a_photo_and_opening_the_day(app, phone, live_server, accept_language,
                                                      lang, tmp_path):
    words, photo_words = WORDS[lang], PHOTO_WORDS[lang]
    owner = person(live_server, words["owner"])
    gid = requests.post(f"{live_server}/api/v1/groups", json={"name": words["group"]},
                        headers=owner, timeout=30).json()["id"]
    hid = requests.post(f"{live_server}/api/v1/groups/{gid}/habits", headers=owner, timeout=30,
                        json={"title": photo_words["title"], "proof": "text_photo",
                              "milestones": [1, 7]}).json()["id"]
    runner = phone(accept_language)
    runner.open(f"/h/{hid}")
    runner.page.fill("#f-your_name", words["runner"])
    with runner.page.expect_navigation():
        runner.page.get_by_role("button", name=words["join"], exact=True).click()

    # Without the photo the form comes back with the field marked; the words stay.
    runner.page.fill("#f-text", words["note"])
    with runner.page.expect_navigation():
        runner.page.get_by_role("button", name=photo_words["check_in"], exact=True).click()
    assert runner.page.locator("#f-photos[aria-invalid=true]").count() == 1
    assert runner.page.input_value("#f-text") == words["note"]
    # The 422 document itself is logged as a failed load; anything else is a real error.
    runner.console[:] = [(kind, text) for kind, text in runner.console if "422" not in text]
    settle(runner, f"checkin-photo-missing-{lang}")

    runner.page.set_input_files("#f-photos", [sunrise(tmp_path / "run.jpg")])
    settle(runner, f"checkin-photo-picked-{lang}")
    posts = []
    runner.page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    with runner.page.expect_navigation():
        runner.page.get_by_role("button", name=photo_words["check_in"], exact=True).click()
    runner.page.wait_for_load_state("load")
    # photos.js sent the photo on its own to the upload API; the form brought its id.
    uploads = [r for r in posts if r.url.endswith("/api/v1/images")]
    assert len(uploads) == 1 and uploads[0].response().status == 201
    assert photo_words["done"] in runner.page.locator(".habit-done").inner_text()
    photo = runner.page.locator("#today img.habit-photo")
    assert photo.count() == 1
    runner.page.wait_for_function(
        "() => document.querySelector('#today img.habit-photo').naturalWidth > 0")
    assert words["note"] in runner.page.locator("#today").inner_text()
    settle(runner, f"checkin-photo-done-{lang}")

    # The calendar: today opens to its check-in, with the photo.
    today = runner.page.locator("table.habit-calendar td[aria-current=date] a")
    with runner.page.expect_navigation():
        today.click()
    day = runner.page.locator("#day")
    assert words["note"] in day.inner_text()
    assert day.locator("img").count() == 1
    runner.page.wait_for_function("() => document.querySelector('#day img').naturalWidth > 0")
    settle(runner, None)
    runner.page.locator("#calendar").scroll_into_view_if_needed()
    runner.page.screenshot(path=str(runner.screenshot(f"checkin-photo-day-{lang}")))
    runner.page.locator("#calendar").screenshot(
        path=str(runner.screenshot(f"checkin-photo-calendar-{lang}")))

    # A member of a month's standing makes up a missed day, with its photo; the calendar
    # marks the day made up and opens it.
    with app.app_context():
        db.session.execute(update(Membership).where(Membership.person_id.in_(
            select(Person.id).where(Person.name == words["runner"])))
            .values(joined_at=utcnow() - timedelta(days=30)))
        db.session.commit()
    runner.open(f"/h/{hid}")
    runner.page.locator("details.habit-makeup summary").click()
    missed = runner.page.locator("#f-date option").first.get_attribute("value")
    runner.page.fill("#f-makeup-text", photo_words["makeup"])
    runner.page.set_input_files("#f-makeup-photos", [sunrise(tmp_path / "missed.jpg")])
    with runner.page.expect_navigation():
        runner.page.get_by_role("button", name=photo_words["make_up"], exact=True).click()
    runner.page.wait_for_load_state("load")
    runner.open(f"/h/{hid}?day={missed}")
    day = runner.page.locator("#day")
    assert photo_words["makeup"] in day.inner_text() and day.locator(".habit-makeup-mark").count() == 1
    assert runner.page.locator("td.is-makeup").count() == 1
    runner.page.wait_for_function("() => document.querySelector('#day img').naturalWidth > 0")
    settle(runner, None)
    runner.page.locator("#calendar").screenshot(
        path=str(runner.screenshot(f"checkin-photo-makeup-day-{lang}")))
    runner.open(f"/h/{hid}")

    # The certificate the first milestone earned: the picture itself, as shared.
    card = runner.page.locator(".habit-certificates img").get_attribute("src")
    picture = runner.page.request.get(f"{live_server}{card}")
    assert picture.status == 200 and picture.headers["content-type"] == "image/png"
    (SCREENSHOTS / f"checkin-certificate-card-{lang}.png").write_bytes(picture.body())


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_a_busy_morning_shows_the_newest_check_ins_and_the_rest_a_tap_away(
        phone, live_server, accept_language, lang):
    words = WORDS[lang]
    owner = person(live_server, words["owner"])
    gid = requests.post(f"{live_server}/api/v1/groups", json={"name": words["group"]},
                        headers=owner, timeout=30).json()["id"]
    hid = requests.post(f"{live_server}/api/v1/groups/{gid}/habits", headers=owner, timeout=30,
                        json={"title": words["title"], "proof": "none"}).json()["id"]
    for n in range(12):
        headers = person(live_server, f"{words['others'][n % 3]} {n + 1}")
        requests.post(f"{live_server}/api/v1/groups/{gid}/join", json={}, headers=headers,
                      timeout=30)
        assert requests.post(f"{live_server}/api/v1/habits/{hid}/checkins",
                             json={"text": words["note"]}, headers=headers,
                             timeout=30).status_code == 201
    runner = phone(accept_language)
    runner.open(f"/h/{hid}")
    runner.page.fill("#f-your_name", words["runner"])
    with runner.page.expect_navigation():
        runner.page.get_by_role("button", name=words["join"], exact=True).click()
    assert runner.page.locator("#today li").count() == 10
    more = runner.page.locator("#today a[href$='/today']")
    assert more.count() == 1
    settle(runner, f"checkin-busy-{lang}")
    runner.page.locator("#today").screenshot(path=str(runner.screenshot(f"checkin-feed-{lang}")))
    with runner.page.expect_navigation():
        more.click()
    assert runner.page.locator("li.list-item").count() == 12
    settle(runner, f"checkin-today-{lang}")
