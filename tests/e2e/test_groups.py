"""The group pages on a phone, tried as a new user would: create a group from the phone,
a stranger opens the link and joins in one screen, then "Me"."""
import pytest

from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser

WORDS = {
    "zh": {"create": "创建群组", "join": "加入", "name": "你的名字", "copy": "复制"},
    "en": {"create": "Create the group", "join": "Join", "name": "Your name", "copy": "Copy"},
}


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_create_join_and_me_on_a_phone(phone, accept_language, lang):
    words = WORDS[lang]
    owner = phone(accept_language)
    owner.open("/groups/new")
    assert_fits_a_phone(owner)
    owner.screenshot(f"group-create-{lang}")

    owner.page.fill("#f-your_name", "王老师" if lang == "zh" else "Ms Wang")
    owner.page.fill("#f-name", "三年二班家长群" if lang == "zh" else "Class 3B parents")
    owner.page.fill("#f-description", "班级通知、活动报名和家长投票。" if lang == "zh"
                    else "Class notices, sign-ups and parent polls.")
    owner.page.fill("#f-join_question", "孩子叫什么名字？" if lang == "zh" else "Your child's name?")
    owner.page.get_by_role("button", name=words["create"]).click()
    owner.page.wait_for_load_state("load")
    assert "/g/" in owner.page.url
    assert_fits_a_phone(owner)
    owner.screenshot(f"group-owner-{lang}")
    group_url = owner.page.url

    # The copy button copies the group link (a real click, in the browser).
    owner.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    owner.page.locator('button[data-copy="share-link"]').click()
    assert owner.page.evaluate("navigator.clipboard.readText()") == group_url
    owner.page.locator("details.share-pictures summary").click()
    owner.page.locator(".share-poster img").scroll_into_view_if_needed()
    poster_width = "() => document.querySelector('.share-poster img').naturalWidth"
    for _ in range(50):
        if owner.page.evaluate(poster_width):
            break
        owner.page.wait_for_timeout(100)
    assert owner.page.evaluate(poster_width) == 1080
    assert_fits_a_phone(owner)
    owner.screenshot(f"group-share-{lang}")

    stranger = phone(accept_language)
    stranger.open(group_url.replace(stranger.base_url, ""))
    assert_fits_a_phone(stranger)
    stranger.screenshot(f"group-stranger-{lang}")
    stranger.page.fill("#f-your_name", "小明妈妈" if lang == "zh" else "Ming's mum")
    stranger.page.fill("#f-answer", "小明" if lang == "zh" else "Ming")
    stranger.page.get_by_role("button", name=words["join"], exact=True).click()
    stranger.page.wait_for_load_state("load")
    assert "班级通知" in stranger.page.content() or "Class notices" in stranger.page.content()
    assert_fits_a_phone(stranger)
    stranger.screenshot(f"group-joined-{lang}")

    owner.open(group_url.replace(owner.base_url, "") + "/members")
    owner.page.locator("details.member-manage summary").first.click()
    assert_fits_a_phone(owner)
    owner.screenshot(f"group-members-{lang}")

    owner.open("/me")
    assert_fits_a_phone(owner)
    owner.screenshot(f"me-{lang}")
