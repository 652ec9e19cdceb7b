"""A relay on phones, tried as people would: the organiser creates it with typed fields,
a stranger taps the link, joins and signs up in the form, the list fills up with a
waitlist, someone withdraws (the log says who moved up), and a ticket is checked in."""
import pytest
import requests

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser

TEXT = {
    "zh": {"owner": "王老师", "group": "周末羽毛球群", "title": "周六羽毛球 · 4 个名额",
           "description": "下午 2 点，体育馆 3 号场。AA 场地费 30 元。", "level": "水平",
           "choices": "新手 / 熟练 / 高手", "stranger": "小明妈妈", "create": "创建群组",
           "new": "发起接龙", "make": "发起接龙", "join": "加入", "sign_up": "接龙报名",
           "check_in": "签到", "names": ["李雷", "韩梅梅", "张伟", "王芳", "刘洋"]},
    "en": {"owner": "Ms Wang", "group": "Weekend badminton", "title": "Saturday badminton · 4 places",
           "description": "2 pm, sports hall court 3. Court fee shared, about 30 yuan.",
           "level": "Level", "choices": "Beginner / Regular / Expert", "stranger": "Ming's mum",
           "create": "Create the group", "new": "New sign-up list", "make": "Create the list",
           "join": "Join", "sign_up": "Sign up", "check_in": "Check in",
           "names": ["Lei", "Meimei", "Wei", "Fang", "Yang"]},
}


def api(base, method, path, token=None, **body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{base}{path}", json=body if method != "GET" else None,
                            headers=headers, timeout=30)


def settle(device):
    device.page.wait_for_load_state("load")
    assert_fits_a_phone(device)


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_a_relay_from_creation_to_the_door(phone, live_server, accept_language, lang):
    words = TEXT[lang]
    owner = phone(accept_language)
    owner.open("/groups/new")
    owner.page.fill("#f-your_name", words["owner"])
    owner.page.fill("#f-name", words["group"])
    owner.page.get_by_role("button", name=words["create"]).click()
    settle(owner)
    gid = owner.page.url.rsplit("/", 1)[1]

    # Creating, with a private phone number (the preset) and a choice.
    owner.page.get_by_role("link", name=words["new"]).click()
    settle(owner)
    owner.page.fill("#f-title", words["title"])
    owner.page.fill("#f-description", words["description"])
    owner.page.fill("#f-capacity", "4")
    owner.page.fill("#f-guests_max", "1")
    owner.page.fill("#f-field-2-label", words["level"])
    owner.page.select_option("#f-field-2-type", "choice")
    owner.page.locator("fieldset.relay-row").nth(1).locator("details summary").click()
    owner.page.fill("#f-field-2-choices", words["choices"])
    assert_fits_a_phone(owner)
    owner.screenshot(f"relay-create-{lang}")
    owner.page.get_by_role("button", name=words["make"]).click()
    settle(owner)
    relay_path = owner.page.url.replace(live_server, "")
    rid = relay_path.rsplit("/", 1)[1]

    # A stranger taps the link, joins with a name, and signs up in the form.
    stranger = phone(accept_language)
    stranger.open(relay_path)
    settle(stranger)
    stranger.page.fill("#f-your_name", words["stranger"])
    stranger.page.get_by_role("button", name=words["join"], exact=True).click()
    settle(stranger)
    assert stranger.page.url.endswith(relay_path)
    stranger.page.fill("#f-v-" + ("f1" if lang == "zh" else "phone"), "138 0013 8000")
    stranger.page.locator("#sign-up label.check").nth(1).click()
    stranger.page.select_option("#f-guests", "1")
    stranger.screenshot(f"relay-signup-{lang}")
    stranger.page.locator("#sign-up").get_by_role("button", name=words["sign_up"]).click()
    settle(stranger)
    assert stranger.page.locator(".relay-mine .relay-big-number").count() == 1

    # Five more reply at once: two get places, three wait; one then withdraws.
    keys = [f["key"] for f in api(live_server, "GET", f"/api/v1/relays/{rid}",
                                  _member(live_server, gid, "x")).json()["fields"]]
    tokens = []
    for i, name in enumerate(words["names"]):
        token = _member(live_server, gid, name)
        values = {keys[0]: f"1390000000{i}", keys[1]: words["choices"].split(" / ")[i % 3]}
        assert api(live_server, "POST", f"/api/v1/relays/{rid}/entries", token,
                   values=values).status_code == 201
        tokens.append(token)
    mine = api(live_server, "GET", f"/api/v1/relays/{rid}", tokens[0]).json()
    first = next(e for e in mine["entries"] if e["mine"])
    api(live_server, "DELETE", f"/api/v1/relays/{rid}/entries/{first['id']}", tokens[0])

    owner.open(relay_path)
    settle(owner)
    assert owner.page.locator(".relay-waitlist .relay-entry").count() == 2
    owner.screenshot(f"relay-list-{lang}")
    stranger.open(relay_path)
    settle(stranger)
    stranger.screenshot(f"relay-member-{lang}")

    owner.open(f"{relay_path}/log")
    settle(owner)
    owner.screenshot(f"relay-log-{lang}")
    assert ("退出 → 候补1 递补" if lang == "zh" else "withdrew → waitlist 1 promoted") in owner.page.content()

    # The stranger's ticket; the organiser opens it at the door and checks them in.
    stranger.open(relay_path)
    stranger.page.locator(".relay-mine a.btn-primary").click()
    settle(stranger)
    ticket_path = stranger.page.url.replace(live_server, "")
    stranger.page.wait_for_function("document.querySelector('.relay-ticket-qr').naturalWidth > 0")
    stranger.screenshot(f"relay-ticket-{lang}")
    owner.open(ticket_path)
    owner.page.get_by_role("button", name=words["check_in"], exact=True).click()
    settle(owner)
    owner.page.wait_for_function("document.querySelector('.relay-ticket-qr').naturalWidth > 0")
    owner.screenshot(f"relay-checked-in-{lang}")

    owner.open(f"{relay_path}/manage")
    settle(owner)
    owner.screenshot(f"relay-manage-{lang}")

    # Withdrawing takes a second tap; the first in line moves up.
    stranger.open(relay_path)
    stranger.page.locator(".relay-mine details.relay-confirm summary").click()
    assert_fits_a_phone(stranger)
    stranger.page.locator(".relay-mine").screenshot(path=str(SCREENSHOTS / f"relay-withdraw-{lang}.png"))
    stranger.page.locator(".relay-confirm-body button").click()
    settle(stranger)
    assert stranger.page.locator(".relay-mine").count() == 0
    assert stranger.page.locator(".relay-waitlist .relay-entry").count() == 0


def _member(base, gid, name):
    token = api(base, "POST", "/api/v1/people", name=name).json()["token"]
    api(base, "POST", f"/api/v1/groups/{gid}/join", token)
    return token
