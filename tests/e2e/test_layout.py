"""The layout on a phone: fits a 390 px screen without sideways scrolling, breaks no CSP
rule, has thumb-sized tap targets, passes axe-core's WCAG 2 A/AA rules, and switches
language from the footer."""
import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

LANGUAGES = [("zh-CN", "zh"), ("en-US", "en")]

# Every visible control a thumb must hit, except the skip link (shown on keyboard focus).
SMALL_TAP_TARGETS = """
() => Array.from(document.querySelectorAll('a, button, input, select, textarea, label.check'))
  .filter(el => !el.classList.contains('skip-link'))
  // A radio or checkbox is tapped through its whole label row, which is checked itself.
  .filter(el => !(el.matches('input[type=radio], input[type=checkbox]') && el.closest('label.check')))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 0 && r.height > 0)
  .filter(([el, r]) => r.height < 44)
  .map(([el, r]) => el.outerHTML.slice(0, 80) + ' ' + Math.round(r.height) + 'px')
"""


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()


def assert_accessible(device):
    """No WCAG 2 A/AA violation that axe-core finds on the page as it is now."""
    results = AXE.run(device.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                            "resultTypes": ["violations"]})
    problems = [f"{v['id']}: {v['help']} — " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
                for v in results.response["violations"]]
    assert problems == [], f"{device.page.url}\n" + "\n".join(problems)


def assert_fits_a_phone(device):
    assert_accessible(device)
    assert device.horizontal_overflow() == 0
    assert device.csp_violations() == []
    assert device.console_errors() == []
    assert device.page_errors == []
    assert device.page.evaluate(SMALL_TAP_TARGETS) == []
    # The stylesheet really applied (a CSP or path mistake would leave browser defaults).
    background = device.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(244, 246, 245)"


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_home_on_a_phone(phone, accept_language, lang):
    device = phone(accept_language)
    response = device.open("/")
    assert response.status == 200
    assert_fits_a_phone(device)
    create = device.page.locator("a.btn-primary", has_text="创建群组" if lang == "zh" else "Create a group")
    assert create.get_attribute("href") == "/groups/new"
    box = create.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300
    device.screenshot(f"home-{lang}")


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_error_page_on_a_phone(phone, accept_language, lang):
    device = phone(accept_language)
    response = device.open("/no-such-page")
    assert response.status == 404
    # The 404 document itself is logged as a failed load; anything else is a real error.
    device.console[:] = [(kind, text) for kind, text in device.console if "404" not in text]
    assert_fits_a_phone(device)
    device.screenshot(f"error-404-{lang}")


def test_the_footer_switch_changes_language_and_remembers_it(phone):
    device = phone("en-US")
    device.open("/")
    assert device.page.get_attribute("html", "lang") == "en"
    device.page.click(".lang-switch a[hreflang='zh-Hans']")
    device.page.wait_for_load_state("load")
    assert device.page.url.endswith("/")
    assert device.page.get_attribute("html", "lang") == "zh-Hans"
    device.open("/no-such-page")
    assert device.page.get_attribute("html", "lang") == "zh-Hans"
