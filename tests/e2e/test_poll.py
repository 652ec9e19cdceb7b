"""Polls on a phone, as people use them: an organiser makes a picture poll from photos
picked at once (previews and captions at once, published in one tap), a parent taps the link, joins and votes in two taps, the results refresh
by themselves; a secret ballot says what it keeps secret; the results picture."""
import io

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser

WORDS = {
    "zh": {"group": "三年二班家长群", "owner": "王老师", "parent": "小明妈妈", "other": "小红爸爸",
           "title": "班服选哪一款？", "description": "运动会穿，每件 45 元。",
           "captions": ["红色款", "藏青款", "草绿款"], "create": "发起投票", "join": "加入",
           "vote": "投票", "secret": "无记名投票：任何人（包括组织者）都看不到谁选了什么",
           "secret_title": "班委选举", "secret_options": ["张老师推荐", "自荐", "轮流担任"],
           "voted_one": "1 人已投票", "voted_two": "2 人已投票"},
    "en": {"group": "Class 3B parents", "owner": "Ms Wang", "parent": "Ming's mum",
           "other": "Hong's dad", "title": "Which class T-shirt?",
           "description": "For sports day, 45 yuan each.",
           "captions": ["Red", "Navy", "Green"], "create": "Create the poll",
           "join": "Join", "vote": "Vote",
           "secret": "Votes are secret: nobody, organisers included, can see who chose what",
           "secret_title": "Class rep election", "secret_options": ["Ms Zhang's pick", "Volunteer", "Take turns"],
           "voted_one": "1 person voted", "voted_two": "2 people voted"},
}
COLOURS = [(0xC6, 0x28, 0x28), (0x1F, 0x3A, 0x68), (0x5B, 0x8C, 0x32)]


def t_shirt(colour, path):
    """A photo-like picture of a T-shirt, as a parent would take of a sample."""
    image = Image.new("RGB", (900, 1200), (236, 232, 226))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 900, 900, 1200), fill=(214, 206, 196))
    body = [(250, 260), (360, 200), (540, 200), (650, 260), (800, 420), (700, 500), (640, 450),
            (640, 980), (260, 980), (260, 450), (200, 500), (100, 420)]
    draw.polygon(body, fill=colour)
    draw.arc((380, 170, 520, 290), 0, 180, fill=(236, 232, 226), width=28)
    image.save(path, "JPEG", quality=88)
    return str(path)


def sign_up_group(owner, words):
    owner.open("/groups/new")
    owner.page.fill("#f-your_name", words["owner"])
    owner.page.fill("#f-name", words["group"])
    owner.page.locator("form.card button[type=submit]").click()
    owner.page.wait_for_load_state("load")
    return owner.page.url.replace(owner.base_url, "")


def submit(device, label):
    device.page.get_by_role("button", name=label, exact=True).click()
    device.page.wait_for_load_state("load")


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_a_picture_poll_from_creating_to_results(phone, accept_language, lang, tmp_path):
    words = WORDS[lang]
    owner = phone(accept_language)
    group_path = sign_up_group(owner, words)
    owner.open(group_path + "/polls/new")
    assert_fits_a_phone(owner)
    owner.page.fill("#f-title", words["title"])
    owner.page.fill("#f-description", words["description"])
    owner.page.set_input_files("#f-photos", [t_shirt(c, tmp_path / f"shirt{i}.jpg")
                                             for i, c in enumerate(COLOURS)])
    # With JavaScript each photo shows at once, a caption input beside it.
    owner.page.locator(".picked-previews img").nth(2).wait_for()
    for i, caption in enumerate(words["captions"]):
        owner.page.fill(f"#f-picked-{i}", caption)
    assert_fits_a_phone(owner)
    owner.screenshot(f"poll-create-{lang}")
    posts = []
    owner.page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    submit(owner, words["create"])
    # One tap published it: the photos and their captions went in one request.
    assert "/p/" in owner.page.url and len(posts) == 1
    assert posts[0].headers["content-type"].startswith("multipart/form-data")
    assert owner.page.locator(".poll-picture img").count() == 3
    poll_url = owner.page.url
    assert_fits_a_phone(owner)

    parent = phone(accept_language)
    parent.open(poll_url.replace(parent.base_url, ""))
    assert words["title"] in parent.page.content()
    parent.page.fill("#f-your_name", words["parent"])
    submit(parent, words["join"])
    assert parent.page.url == poll_url
    pictures = parent.page.locator(".poll-picture img")
    assert pictures.count() == 3
    box = pictures.first.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 300  # large enough to judge
    assert "/o/" in parent.page.locator(".poll-picture").first.get_attribute("href")
    assert_fits_a_phone(parent)
    parent.screenshot(f"poll-vote-{lang}")

    # Another parent joins but does not vote: the organiser will see them as missing.
    quiet = phone(accept_language)
    quiet.open(poll_url.replace(quiet.base_url, ""))
    quiet.page.fill("#f-your_name", words["other"])
    submit(quiet, words["join"])

    # Two taps: the option, then "vote".
    parent.page.get_by_text(words["captions"][1], exact=True).click()
    submit(parent, words["vote"])
    assert parent.page.locator(".result-winner").count() == 1
    assert_fits_a_phone(parent)

    # The organiser votes too; the parent's open page refreshes by itself.
    owner.page.reload()
    owner.page.get_by_text(words["captions"][1], exact=True).click()
    submit(owner, words["vote"])
    # The organiser's view: who has not voted, the reminder, the buttons to manage it.
    assert owner.page.locator("#manage").count() == 1
    reminder = owner.page.locator("#reminder").input_value()
    assert reminder.startswith("@" + words["other"]) and reminder.endswith(poll_url)
    assert_fits_a_phone(owner)
    owner.screenshot(f"poll-organiser-{lang}")
    parent.page.locator("[data-voters]").first.wait_for(state="attached")
    parent.page.wait_for_function(
        "text => document.querySelector('[data-voters]').textContent.indexOf(text) >= 0",
        arg=words["voted_two"], timeout=15000)
    parent.page.reload()
    parent.page.locator("#results").scroll_into_view_if_needed()
    assert_fits_a_phone(parent)
    parent.screenshot(f"poll-results-{lang}")
    # The voters' avatars lead to who voted for the option, on a page of its own.
    parent.page.locator(".result-winner a.result-voters").click()
    parent.page.wait_for_load_state("load")
    names = parent.page.locator(".voter-list li > span:not(.avatar)").all_text_contents()
    assert sorted(names) == sorted([words["owner"], words["parent"]])
    assert_fits_a_phone(parent)
    parent.screenshot(f"poll-voters-{lang}")
    parent.page.go_back()

    # The results picture, as it opens on the phone to be long-pressed and saved.
    parent.open(poll_url.replace(parent.base_url, "") + "/results.png")
    parent.page.screenshot(path=str(SCREENSHOTS / f"poll-results-picture-{lang}.png"))
    picture = parent.page.request.get(poll_url + "/results.png")
    assert picture.status == 200
    (SCREENSHOTS / f"poll-results-picture-full-{lang}.png").write_bytes(picture.body())
    assert Image.open(io.BytesIO(picture.body())).width == 1080


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_a_secret_ballot_says_what_stays_secret(phone, accept_language, lang):
    words = WORDS[lang]
    owner = phone(accept_language)
    group_path = sign_up_group(owner, words)
    owner.open(group_path + "/polls/new")
    owner.page.fill("#f-title", words["secret_title"])
    for i, option in enumerate(words["secret_options"]):
        owner.page.fill(f"#f-option-{i}", option)
    owner.page.check("#f-anonymous")
    owner.page.check("input[name=results_visibility][value=after_close]")
    submit(owner, words["create"])
    poll_path = owner.page.url.replace(owner.base_url, "")

    parent = phone(accept_language)
    parent.open(poll_path)
    parent.page.fill("#f-your_name", words["other"])
    submit(parent, words["join"])
    assert words["secret"] in parent.page.content()
    assert parent.page.locator("input[type=radio][name=option_ids]").count() == 3
    assert_fits_a_phone(parent)
    parent.screenshot(f"poll-secret-{lang}")
    parent.page.get_by_text(words["secret_options"][0], exact=True).click()
    submit(parent, words["vote"])
    assert parent.page.locator("input[name=option_ids]").count() == 0
    assert_fits_a_phone(parent)
    parent.screenshot(f"poll-secret-voted-{lang}")
