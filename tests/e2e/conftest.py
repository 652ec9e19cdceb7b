"""Browser fixtures: Debian's Chromium driven by Playwright, sized and dressed like a
phone inside WeChat, against the real gunicorn server (`live_server`)."""
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# What WeChat's built-in browser (XWEB) on Android says it is: pages must work there.
WECHAT_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; V2118A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "screenshots"


@pytest.fixture(scope="session")
def browser():
    # A missing browser is a broken set-up, not a reason to pass: fail loudly.
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium package")
    from playwright import sync_api
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Phone:
    """A page on a phone-sized screen that remembers what the console said."""

    page: object
    base_url: str
    console: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)

    def open(self, path):
        return self.page.goto(self.base_url + path, wait_until="load")

    def csp_violations(self):
        return [text for kind, text in self.console if "Content Security Policy" in text]

    def console_errors(self):
        return [text for kind, text in self.console if kind == "error"]

    def horizontal_overflow(self):
        """How many CSS pixels the page is wider than the screen (0 when it fits)."""
        width = self.page.evaluate("document.scrollingElement.scrollWidth")
        return max(0, width - PHONE["width"])

    def screenshot(self, name):
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def phone(browser, live_server):
    """Factory: `phone("zh-CN")` is a fresh phone (no cookies) reading that language;
    `phone("en-US", javascript=False)` one on which none of the site's scripts runs (each
    comes back empty: our pages have no other script, and Playwright's own evaluate, which
    the accessibility check needs, stalls in a context with JavaScript switched off)."""
    contexts = []

    def open_phone(accept_language="zh-CN", javascript=True):
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
            user_agent=WECHAT_USER_AGENT, locale=accept_language,
            extra_http_headers={"Accept-Language": accept_language},
        )
        contexts.append(context)
        if not javascript:
            # Scripts are addressed with their content version (…/app.js?v=…).
            context.route(re.compile(r"\.js(\?|$)"), lambda route: route.fulfill(
                status=200, content_type="text/javascript", body=""))
        page = context.new_page()
        device = Phone(page=page, base_url=live_server)
        page.on("console", lambda message: device.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: device.page_errors.append(str(error)))
        return device

    yield open_phone
    for context in contexts:
        context.close()
