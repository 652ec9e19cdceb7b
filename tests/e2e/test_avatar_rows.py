"""Rows of avatars beside a link ("See all members", "12 voters ›") on a phone: the row
gives way (it hides its last faces), the link keeps its whole text on one line, in both
languages, on the group page and beside a poll's results."""
import pytest

from tests.e2e.test_copy_boxes import WORDS, _api, _seed
from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser

# Each link beside a row of avatars: [its text, whole (nothing cut off), on one line].
LINKS = """sel => Array.from(document.querySelectorAll(sel)).map(l => [l.textContent.trim(),
    l.scrollWidth <= l.clientWidth + 1, l.getClientRects().length === 1
    && l.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(l).lineHeight)])"""


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_avatar_rows_leave_their_links_whole(phone, live_server, accept_language, lang):
    words = WORDS[lang]
    owner, _, poll = _seed(live_server, words, votes=True)
    device = phone(accept_language)
    link = _api(live_server, "GET", "/api/v1/me/signin-link", owner)["url"]
    device.page.goto(link, wait_until="load")
    device.page.get_by_role("button", name=words["sign_in"], exact=True).click()
    device.page.wait_for_load_state("load")

    assert device.open(f"/p/{poll}").status == 200
    device.page.locator(".result-voters").first.wait_for()
    links = device.page.evaluate(LINKS, ".avatars + .avatars-link")
    assert links and all(whole and one_line for _, whole, one_line in links), links
    assert any(text.startswith("14") for text, _, _ in links), links
    assert_fits_a_phone(device)

    group = device.page.locator("a.back-link").first.get_attribute("href")
    assert device.open(group).status == 200
    links = device.page.evaluate(LINKS, ".avatars + .list-main .list-title")
    assert len(links) == 1 and links[0][1] and links[0][2], links
    assert_fits_a_phone(device)
