"""Member cards on phones: the owner sets cards up with a display-name format, a
member fills in their card (pre-filled from another group) and shares it, the folder is
searched, a stranger opens the public card; the card picture draws Chinese. Every page
fits 390 px and passes axe-core's WCAG 2 A/AA checks."""
import pytest
import requests
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone
from tests.e2e.test_relay import api

pytestmark = pytest.mark.browser
AXE = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

TEXT = {
    "zh": {"owner": "王老师", "group": "创业者交流群", "member": "李雷", "company": "星辰科技",
           "city": "上海", "intro": "做教育产品，喜欢跑步。", "create": "创建群组",
           "save_settings": "保存设置", "save_card": "保存我的名片", "others": ["韩梅梅", "张伟"]},
    "en": {"owner": "Ms Wang", "group": "Founders' circle", "member": "Lei", "company": "Stellar",
           "city": "Shanghai", "intro": "Builds education products; runs on weekends.",
           "create": "Create the group", "save_settings": "Save settings",
           "save_card": "Save my card", "others": ["Meimei", "Wei"]},
}


def check(device):
    device.page.wait_for_load_state("load")
    assert_fits_a_phone(device)
    results = AXE.run(device.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                            "resultTypes": ["violations"]})
    problems = [f"{v['id']}: {v['help']} — " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
                for v in results.response["violations"]]
    assert problems == [], f"{device.page.url}\n" + "\n".join(problems)


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_member_cards_on_a_phone(phone, live_server, accept_language, lang):
    words = TEXT[lang]
    owner = phone(accept_language)
    owner.open("/groups/new")
    owner.page.fill("#f-your_name", words["owner"])
    owner.page.fill("#f-name", words["group"])
    owner.page.get_by_role("button", name=words["create"]).click()
    owner.page.wait_for_load_state("load")
    gid = owner.page.url.rsplit("/", 1)[1]

    # Settings: WeChat ID asked and private, the "公司-姓名" format.
    owner.open(f"/g/{gid}/cards/settings")
    check(owner)
    owner.page.locator("label[for='f-f2-use']").click()
    owner.page.locator("label[for='f-f2-private']").click()
    owner.page.fill("#f-display_name_format", "{company}-{name}")
    owner.screenshot(f"card-settings-{lang}")
    owner.page.get_by_role("button", name=words["save_settings"]).click()
    check(owner)

    # A member who has a card in another group finds this one pre-filled.
    token = api(live_server, "POST", "/api/v1/people", name=words["member"]).json()["token"]
    other = api(live_server, "POST", "/api/v1/groups", token, name="其他群").json()["id"]
    api(live_server, "PUT", f"/api/v1/groups/{other}/card-settings", token,
        fields=[{"key": "name"}, {"key": "company"}, {"key": "city"}])
    api(live_server, "PUT", f"/api/v1/groups/{other}/cards/me", token,
        values={"name": words["member"], "company": words["company"], "city": words["city"]})
    api(live_server, "POST", f"/api/v1/groups/{gid}/join", token)
    member = phone(accept_language)
    member.page.context.set_extra_http_headers({"Authorization": f"Bearer {token}",
                                                "Accept-Language": accept_language})
    member.open(f"/g/{gid}/cards/me")
    check(member)
    assert member.page.input_value("#f-v-company") == words["company"]
    member.page.fill("#f-v-phone", "138 0013 8000")
    member.page.fill("#f-v-wechat", "lilei_2024")
    member.page.fill("#f-v-intro", words["intro"])
    member.page.locator("label[for='f-public']").click()
    member.screenshot(f"card-mine-{lang}")
    member.page.get_by_role("button", name=words["save_card"]).click()
    check(member)

    for name in words["others"]:
        t = api(live_server, "POST", "/api/v1/people", name=name).json()["token"]
        api(live_server, "POST", f"/api/v1/groups/{gid}/join", t)
    owner.open(f"/g/{gid}/cards")
    check(owner)
    assert f"{words['company']}-{words['member']}" in owner.page.content()
    owner.screenshot(f"card-folder-{lang}")
    owner.open(f"/g/{gid}/cards?q={words['city']}")
    check(owner)
    assert owner.page.locator(".card-list .list-item").count() == 1
    owner.screenshot(f"card-folder-search-{lang}")

    cid = api(live_server, "GET", f"/api/v1/groups/{gid}/cards/me", token).json()["id"]
    stranger = phone(accept_language)
    stranger.open(f"/c/{cid}")
    for picture in (".contact-qr", ".card-picture img"):
        stranger.page.wait_for_function(f"document.querySelector('{picture}').naturalWidth > 0")
    check(stranger)
    content = stranger.page.content()
    assert words["intro"] in content and "13800138000" not in content and "lilei_2024" not in content
    stranger.screenshot(f"card-public-{lang}")
    picture = requests.get(f"{live_server}/c/{cid}/card.png", timeout=30,
                           headers={"Accept-Language": accept_language})
    assert picture.status_code == 200
    (SCREENSHOTS / f"card-picture-{lang}.png").write_bytes(picture.content)
