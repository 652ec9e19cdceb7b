"""The group dashboard on a phone, in Chinese and English: members who took part in a
poll, a sign-up list and a check-in, a quiet member with the message to paste and the
removal that asks first; the chart drawn by the server. Every page fits 390 px and
passes axe-core's WCAG 2 A/AA checks."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.core.groups.test_dashboard import _set_times
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_card import check
from tests.e2e.test_layout import LANGUAGES
from tests.e2e.test_relay import api

pytestmark = pytest.mark.browser

TEXT = {
    "zh": {"owner": "王老师", "group": "三年二班家长群", "create": "创建群组",
           "members": ["李雷", "韩梅梅", "张伟", "潜水的家长"], "poll": "春游去哪儿",
           "relay": "运动会志愿者", "habit": "每日阅读", "quiet": "潜水成员",
           "show": "查看潜水成员"},
    "en": {"owner": "Ms Wang", "group": "Class 3B parents", "create": "Create the group",
           "members": ["Lei", "Meimei", "Wei", "Quiet parent"], "poll": "Where to go in spring",
           "relay": "Sports day helpers", "habit": "Daily reading", "quiet": "Quiet members",
           "show": "Show quiet members"},
}


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_the_dashboard_on_a_phone(app, phone, live_server, accept_language, lang):
    words = TEXT[lang]
    owner = phone(accept_language)
    owner.open("/groups/new")
    owner.page.fill("#f-your_name", words["owner"])
    owner.page.fill("#f-name", words["group"])
    owner.page.get_by_role("button", name=words["create"]).click()
    owner.page.wait_for_load_state("load")
    gid = owner.page.url.rsplit("/", 1)[1]

    tokens = []
    for name in words["members"]:
        token = api(live_server, "POST", "/api/v1/people", name=name).json()["token"]
        assert api(live_server, "POST", f"/api/v1/groups/{gid}/join", token).status_code == 201
        tokens.append(token)
    # The first member is made an admin and sets up the widgets the others take part in.
    admin = tokens[0]
    _make_admin(app, gid, words["members"][0])
    poll = api(live_server, "POST", f"/api/v1/groups/{gid}/polls", admin, title=words["poll"],
               options=[{"text": "A"}, {"text": "B"}]).json()
    relay = api(live_server, "POST", f"/api/v1/groups/{gid}/relays", admin,
                title=words["relay"], fields=[]).json()
    habit = api(live_server, "POST", f"/api/v1/groups/{gid}/habits", admin,
                title=words["habit"]).json()
    for n, token in enumerate(tokens[:3]):
        api(live_server, "POST", f"/api/v1/polls/{poll['id']}/votes", token,
            option_ids=[poll["options"][n % 2]["id"]])
        if n < 2:
            api(live_server, "POST", f"/api/v1/relays/{relay['id']}/entries", token, values={})
        api(live_server, "POST", f"/api/v1/habits/{habit['id']}/checkins", token)
    now = datetime.now(timezone.utc)
    _set_times(app, gid, words["members"][3], now - timedelta(days=40), now - timedelta(days=20))

    owner.open(f"/g/{gid}/dashboard")
    check(owner)
    assert owner.page.locator("svg.week-chart rect.chart-bar").count() == 12
    assert words["members"][3] in owner.page.locator("#quiet ~ ul").first.inner_text()
    owner.screenshot(f"dashboard-{lang}")

    # Quiet for 14 days, the least active first; the removal asks before it removes.
    owner.open(f"/g/{gid}/dashboard?sort=last&order=asc#quiet")
    owner.page.get_by_role("spinbutton").fill("14")
    owner.page.get_by_role("button", name=words["show"]).click()
    owner.page.wait_for_load_state("load")
    owner.page.locator("#quiet ~ ul details.confirm-box summary").first.click()
    check(owner)
    owner.page.locator("#quiet").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(exist_ok=True)
    owner.page.screenshot(path=str(SCREENSHOTS / f"dashboard-quiet-{lang}.png"))
    owner.page.locator("#quiet ~ ul form button[value=remove]").first.click()
    owner.page.wait_for_load_state("load")
    assert "/dashboard" in owner.page.url
    check(owner)
    assert owner.page.locator("#quiet ~ ul").count() == 0  # nobody quiet any more


def _make_admin(app, gid, name):
    from sqlalchemy import select

    from grouptools.core.models import Group, Membership
    from grouptools.extensions import db
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        for membership in db.session.scalars(select(Membership).where(
                Membership.group_id == group.id)):
            if membership.display_name == name:
                membership.role = "admin"
        db.session.commit()
