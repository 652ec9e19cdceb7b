"""A notice on phones, as a class teacher and parents use it: the teacher publishes it
with two pictures (sent one request each by the page's script), a parent taps the link,
joins and confirms with the big button, the teacher sees who confirmed, who only opened
it and who has not opened it, then publishes a revision that the parent is asked to
confirm again. Every page fits 390 px and passes axe-core's WCAG A/AA checks."""
import pytest
import requests
from PIL import Image, ImageDraw

from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser

WORDS = {
    "zh": {"group": "三年二班家长群", "owner": "王老师", "parent": "小明妈妈",
           "title": "周五开放日通知", "body": "本周五上午九点开放日，请家长九点前到校。\n"
           "停车请走东门。报名表：https://example.org/open-day", "revised": "改为本周五下午两点，地点不变。",
           "publish": "发布", "join": "加入", "confirm": "确认收到", "save": "保存",
           "others": ["小红爸爸", "小刚奶奶", "小丽妈妈", "小军爸爸", "小芳妈妈", "小龙爸爸"],
           "confirmed": "你已于", "again": "请重新确认", "history": "历史版本"},
    "en": {"group": "Class 3B parents", "owner": "Ms Wang", "parent": "Ming's mum",
           "title": "Open day on Friday", "body": "Open day this Friday at 9 am: please arrive by "
           "9.\nPark at the east gate. Sign-up sheet: https://example.org/open-day",
           "revised": "Moved to Friday 2 pm, same place.", "publish": "Publish", "join": "Join",
           "confirm": "Confirm receipt", "save": "Save",
           "others": ["Hong's dad", "Gang's grandma", "Li's mum", "Jun's dad", "Fang's mum",
                      "Long's dad"],
           "confirmed": "You confirmed on", "again": "please confirm again",
           "history": "Earlier versions"},
}


def picture(path, colour, label):
    """A photo-like picture (a school notice board) with a large number on it."""
    image = Image.new("RGB", (1200, 900), (240, 236, 228))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 120, 1080, 780), fill=colour)
    draw.ellipse((480, 330, 720, 570), fill=(250, 250, 250))
    draw.text((590, 440), label, fill=(20, 20, 20))
    image.save(path, "JPEG", quality=88)
    return str(path)


def settle(device, name=None):
    device.page.wait_for_load_state("load")
    assert_fits_a_phone(device)  # axe-core's WCAG 2 A/AA checks included
    if name:
        device.screenshot(name)


def submit(device, label):
    with device.page.expect_navigation():
        device.page.get_by_role("button", name=label, exact=True).click()


def new_group(device, your_name, name):
    """The group's id, made on `device` from the new-group page by `your_name`."""
    device.open("/groups/new")
    device.page.fill("#f-your_name", your_name)
    device.page.fill("#f-name", name)
    device.page.locator("form.card button[type=submit]").click()
    device.page.wait_for_load_state("load")
    return device.page.url.rsplit("/", 1)[1]


def api_member(base, gid, name):
    token = requests.post(f"{base}/api/v1/people", json={"name": name}, timeout=30).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.post(f"{base}/api/v1/groups/{gid}/join", json={}, headers=headers,
                         timeout=30).status_code == 201
    return headers


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_a_notice_from_publishing_to_a_revision(phone, live_server, accept_language, lang,
                                               tmp_path):
    words = WORDS[lang]
    owner = phone(accept_language)
    gid = new_group(owner, words["owner"], words["group"])
    others = [api_member(live_server, gid, name) for name in words["others"]]

    # Publishing, with two pictures picked at once.
    owner.open(f"/g/{gid}/notices/new")
    owner.page.fill("#f-title", words["title"])
    owner.page.fill("#f-body", words["body"])
    owner.page.set_input_files("#f-photos", [
        picture(tmp_path / "board.jpg", (46, 94, 170), "1"),
        picture(tmp_path / "map.jpg", (214, 120, 40), "2")])
    settle(owner, f"notice-create-{lang}")
    posts = []
    owner.page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    submit(owner, words["publish"])
    uploads = [r for r in posts if r.url.endswith("/api/v1/images")]
    assert len(uploads) == 2 and all(r.response().status == 201 for r in uploads)
    assert "/n/" in owner.page.url
    notice_path = owner.page.url.replace(live_server, "")
    nid = notice_path.rsplit("/", 1)[1]
    assert owner.page.locator(".notice-images img").count() == 2

    # A parent taps the link in the chat, joins, reads and confirms.
    parent = phone(accept_language)
    parent.open(notice_path)
    parent.page.fill("#f-your_name", words["parent"])
    submit(parent, words["join"])
    assert parent.page.url.endswith(notice_path)
    link = parent.page.locator(".notice-body a")
    assert link.get_attribute("href") == "https://example.org/open-day"
    pictures = parent.page.locator(".notice-images img")
    assert pictures.count() == 2
    parent.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.notice-images img')).every(i => i.naturalWidth > 0)")
    button = parent.page.get_by_role("button", name=words["confirm"], exact=True)
    assert button.bounding_box()["height"] >= 56
    settle(parent, f"notice-member-{lang}")
    submit(parent, words["confirm"])
    assert words["confirmed"] in parent.page.locator(".notice-confirmed").inner_text()
    settle(parent, f"notice-confirmed-{lang}")

    # Of the others: two confirm, two only open it, two never do.
    for headers in others[:2]:
        requests.post(f"{live_server}/api/v1/notices/{nid}/confirm", headers=headers, timeout=30)
    for headers in others[2:4]:
        requests.get(f"{live_server}/api/v1/notices/{nid}", headers=headers, timeout=30)
    owner.open(notice_path)
    counts = {key: owner.page.locator(f"#{key} .notice-name").count()
              for key in ("confirmed", "viewed", "not-viewed")}
    assert counts == {"confirmed": 3, "viewed": 3, "not-viewed": 2}  # the teacher opened it
    reminder = owner.page.locator("#reminder").input_value()
    assert reminder.startswith("@") and words["others"][5] in reminder and words["parent"] not in reminder
    settle(owner, f"notice-sender-{lang}")

    # A revision: everyone, the parent included, is asked to confirm again.
    owner.open(f"{notice_path}/edit")
    owner.page.fill("#f-body", words["revised"])
    owner.page.locator("label[for=f-new_revision]").click()
    settle(owner, f"notice-edit-{lang}")
    submit(owner, words["save"])
    parent.open(notice_path)
    assert words["again"] in parent.page.locator(".notice-revised").inner_text()
    assert parent.page.get_by_role("button", name=words["confirm"], exact=True).count() == 1
    settle(parent, f"notice-revised-{lang}")
    parent.page.get_by_role("link", name=words["history"]).click()
    settle(parent, f"notice-history-{lang}")
    assert parent.page.locator(".notice-revision").count() == 2
