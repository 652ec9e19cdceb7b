"""Picture polls for a newcomer, with JavaScript and without: photos picked show at once
and publish in one tap (two plain steps without script), the secret ballot says why its
results wait, a stranger sees what will be voted on before joining, and a tap on a
picture opens it large — in a viewer, or on its own page — with the vote."""
import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone
from tests.e2e.test_poll import COLOURS, WORDS, sign_up_group, submit, t_shirt

pytestmark = pytest.mark.browser

MORE = {
    "zh": {"step": "第 2 步（共 2 步）：填写图片说明，然后发布。", "publish": "发布投票",
           "why": "票数随每一票变化", "count": "第 2 张，共 3 张", "close": "关闭",
           "voted": "你的投票已计入。", "viewer": "选项图片", "choose_from": "成员从以下选项中选择"},
    "en": {"step": "Step 2 of 2: add captions, then publish.", "publish": "Publish the poll",
           "why": "counts that move with each vote", "count": "Picture 2 of 3", "close": "Close",
           "voted": "Your vote was counted.", "viewer": "Pictures of the options",
           "choose_from": "What members choose from"},
}
VIEWER_PICTURE_SHOWN = """() => { const i = document.querySelector('.viewer-image');
                                 return i && i.complete && i.naturalWidth > 0; }"""
BOTH = [(language, lang, javascript) for language, lang in LANGUAGES for javascript in (True, False)]


def picture_poll(owner, words, tmp_path):
    """A three-picture poll made on the page with JavaScript: its path."""
    group_path = sign_up_group(owner, words)
    owner.open(group_path + "/polls/new")
    owner.page.fill("#f-title", words["title"])
    owner.page.set_input_files("#f-photos", [t_shirt(c, tmp_path / f"shirt{i}.jpg")
                                             for i, c in enumerate(COLOURS)])
    owner.page.locator(".picked-previews img").nth(2).wait_for()
    for i, caption in enumerate(words["captions"]):
        owner.page.fill(f"#f-picked-{i}", caption)
    submit(owner, words["create"])
    return owner.page.url.replace(owner.base_url, "")


def join(device, path, name, words):
    device.open(path)
    device.page.fill("#f-your_name", name)
    submit(device, words["join"])


def pictures_loaded(device, selector):
    return device.page.evaluate(
        "s => Array.from(document.querySelectorAll(s)).map(i => i.complete && i.naturalWidth > 0)",
        selector)


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_without_javascript_the_photos_come_back_for_captions_step_2_of_2(phone, accept_language,
                                                                          lang, tmp_path):
    words, more = WORDS[lang], MORE[lang]
    owner = phone(accept_language, javascript=False)
    owner.open(sign_up_group(owner, words) + "/polls/new")
    owner.page.fill("#f-title", words["title"])
    owner.page.set_input_files("#f-photos", [t_shirt(c, tmp_path / f"s{i}.jpg")
                                             for i, c in enumerate(COLOURS)])
    submit(owner, words["create"])
    # The poll is not out yet, and the page says so plainly.
    assert owner.page.locator("#poll-step").inner_text().startswith(more["step"])
    assert pictures_loaded(owner, ".photo-thumb img") == [True] * 3
    for i, caption in enumerate(words["captions"]):
        owner.page.fill(f"#f-photo-{i}", caption)
    assert_fits_a_phone(owner)
    owner.screenshot(f"poll-step2-nojs-{lang}")
    submit(owner, more["publish"])
    assert "/p/" in owner.page.url
    for caption in words["captions"]:
        assert owner.page.get_by_text(caption, exact=True).count() == 1


@pytest.mark.parametrize("accept_language, lang, javascript", BOTH)
def test_ticking_secret_says_why_the_results_wait(phone, accept_language, lang, javascript):
    words, more = WORDS[lang], MORE[lang]
    owner = phone(accept_language, javascript=javascript)
    owner.open(sign_up_group(owner, words) + "/polls/new")
    why = owner.page.locator("#secret-why")
    assert not why.is_visible()
    owner.page.check("#f-anonymous")
    assert why.is_visible() and more["why"] in why.inner_text()
    assert_fits_a_phone(owner)
    owner.page.uncheck("#f-anonymous")
    assert not why.is_visible()


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_a_stranger_sees_the_pictures_then_a_member_views_them_and_votes(phone, accept_language,
                                                                        lang, tmp_path):
    words, more = WORDS[lang], MORE[lang]
    owner = phone(accept_language)
    poll_path = picture_poll(owner, words, tmp_path)

    parent = phone(accept_language)
    parent.open(poll_path)
    # Before joining: what will be voted on, pictures included.
    items = parent.page.get_by_role("list", name=more["choose_from"])
    for caption in words["captions"]:
        assert items.get_by_text(caption, exact=True).count() == 1
    assert pictures_loaded(parent, ".public-item img") == [True] * 3
    assert_fits_a_phone(parent)
    parent.screenshot(f"poll-stranger-{lang}")
    parent.page.fill("#f-your_name", words["parent"])
    submit(parent, words["join"])

    # A tap on a picture opens the viewer over the page.
    first = parent.page.locator(".poll-picture").first
    first.click()
    viewer = parent.page.get_by_role("dialog", name=more["viewer"])
    viewer.wait_for()
    assert parent.page.evaluate("!!document.activeElement.closest('.viewer')")
    parent.page.wait_for_function(VIEWER_PICTURE_SHOWN)
    parent.page.keyboard.press("ArrowRight")
    assert more["count"] in viewer.inner_text()
    parent.page.wait_for_function(VIEWER_PICTURE_SHOWN)
    assert viewer.get_by_role("heading").inner_text() == words["captions"][1]
    assert_fits_a_phone(parent)
    # The viewer covers the screen: the screen is what is shown, not the page beneath.
    SCREENSHOTS.mkdir(exist_ok=True)
    parent.page.screenshot(path=str(SCREENSHOTS / f"poll-viewer-{lang}.png"))
    # Escape closes it and gives the focus back to the picture it came from.
    parent.page.keyboard.press("Escape")
    assert not viewer.is_visible()
    assert parent.page.evaluate("document.activeElement.classList.contains('poll-picture')")
    # The buttons, and the vote cast from the viewer.
    first.click()
    viewer.get_by_role("button", name=more["close"]).wait_for()
    viewer.locator(".viewer-nav").nth(1).click()
    assert more["count"] in viewer.inner_text()
    with parent.page.expect_navigation():
        viewer.locator(".viewer-action").click()
    assert more["voted"] in parent.page.content()
    assert parent.page.locator(".result-winner").count() == 1


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_without_javascript_a_picture_opens_its_page_with_the_vote(phone, accept_language, lang,
                                                                  tmp_path):
    words, more = WORDS[lang], MORE[lang]
    owner = phone(accept_language)
    poll_path = picture_poll(owner, words, tmp_path)

    parent = phone(accept_language, javascript=False)
    parent.open(poll_path)
    assert pictures_loaded(parent, ".public-item img") == [True] * 3
    assert_fits_a_phone(parent)
    join(parent, poll_path, words["parent"], words)
    parent.page.locator(".poll-picture").nth(1).click()
    parent.page.wait_for_load_state("load")
    assert "/o/" in parent.page.url and more["count"] in parent.page.content()
    assert pictures_loaded(parent, ".poll-picture-large") == [True]
    assert_fits_a_phone(parent)
    parent.screenshot(f"poll-picture-page-nojs-{lang}")
    parent.page.locator("a[rel=next]").click()
    parent.page.wait_for_load_state("load")
    assert parent.page.get_by_role("heading", level=1).inner_text() == words["captions"][2]
    submit_button = parent.page.locator("form button[type=submit]")
    assert words["captions"][2] in submit_button.inner_text()
    submit_button.click()
    parent.page.wait_for_load_state("load")
    assert more["voted"] in parent.page.content()
