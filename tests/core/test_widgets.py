"""The group page, the group's export and a member's departure reach every widget through
its registration, and nothing else: a new kind shows up without core changing."""
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from grouptools.core.widgets import (
    WidgetSummary,
    group_order,
    register_widget,
    registered_widgets,
)
from tests.kinds import stand_in_kind
from tests.conftest import bearer

NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)


def lister(group, person):
    return [
        WidgetSummary(title="周末去哪儿", url="/n/x", created_at=NOW - timedelta(days=2),
                      status="3 人已读"),
        WidgetSummary(title="已经结束的通知", url="/n/y", created_at=NOW, closed=True),
        WidgetSummary(title="周六羽毛球", url="/n/z", created_at=NOW - timedelta(days=1),
                      needs_me=True),
    ]


def _group_with_member(client):
    token = client.post("/api/v1/people", json={"name": "群主"}).get_json()["token"]
    gid = client.post("/api/v1/groups", json={"name": "羽毛球群"}, headers=bearer(token)).get_json()["id"]
    member_token = client.post("/api/v1/people", json={"name": "成员"}).get_json()["token"]
    client.post(f"/api/v1/groups/{gid}/join", json={}, headers=bearer(member_token))
    return gid, token, member_token


def test_a_registered_kind_is_listed_under_its_label_waiting_then_open_then_closed(make_app):
    app = make_app()
    register_widget(app, stand_in_kind(
        key="bulletin", label="通知", lister=lister,
        create_link=lambda group: ("发布通知", f"/g/{group.public_id}/bulletins/new")))
    client = app.test_client()
    gid, token, member_token = _group_with_member(client)

    html = client.get(f"/g/{gid}", headers=bearer(token)).get_data(as_text=True)
    assert html.index("周六羽毛球") < html.index("周末去哪儿") < html.index("已经结束的通知")
    # Every line carries its kind's label and CSS modifier, whatever the lister said.
    assert len(re.findall(r'<span class="widget-kind widget-kind-bulletin">通知</span>', html)) == 3
    assert f'href="/g/{gid}/bulletins/new"' in html

    member_page = client.get(f"/g/{gid}", headers=bearer(member_token)).get_data(as_text=True)
    assert "周末去哪儿" in member_page
    assert f"/g/{gid}/bulletins/new" not in member_page  # members may not create here


def ordered_lister(group, person):
    """Lines whose "needs me" depends on the reader: 已参与 has signed up for 周六羽毛球."""
    return [
        WidgetSummary(title="新的通知", url="/n/new", created_at=NOW - timedelta(hours=1)),
        WidgetSummary(title="群规", url="/n/rules", created_at=NOW - timedelta(days=30),
                      pinned=True),
        WidgetSummary(title="周六羽毛球", url="/n/sat", created_at=NOW - timedelta(days=3),
                      needs_me=person.name != "已参与"),
        # Closed (and newest): last, and never "your turn" even if a lister says so.
        WidgetSummary(title="上周的投票", url="/n/old", created_at=NOW, closed=True,
                      needs_me=True),
    ]


def _titles_in_order(html, titles):
    return sorted(titles, key=html.index)


def test_pinned_lines_stay_on_top_and_a_member_sees_what_waits_for_them_next(make_app):
    app = make_app()
    register_widget(app, stand_in_kind(key="bulletin", label="通知", lister=ordered_lister))
    client = app.test_client()
    gid, token, waiting_token = _group_with_member(client)
    acted_token = client.post("/api/v1/people", json={"name": "已参与"}).get_json()["token"]
    client.post(f"/api/v1/groups/{gid}/join", json={}, headers=bearer(acted_token))
    titles = ["群规", "新的通知", "周六羽毛球", "上周的投票"]
    zh = {"Accept-Language": "zh-CN"}

    waiting = client.get(f"/g/{gid}", headers={**bearer(waiting_token), **zh}).get_data(as_text=True)
    # The pinned line, 30 days old, above newer ones; what waits for me above what does not.
    assert _titles_in_order(waiting, titles) == ["群规", "周六羽毛球", "新的通知", "上周的投票"]
    assert waiting.count("置顶</span>") == 1
    assert waiting.index("群规") < waiting.index("置顶") < waiting.index("周六羽毛球")
    assert waiting.count('<span class="badge badge-warning">待你参与</span>') == 1
    assert waiting.index("周六羽毛球") < waiting.index("待你参与") < waiting.index("新的通知")

    acted = client.get(f"/g/{gid}", headers={**bearer(acted_token), **zh}).get_data(as_text=True)
    # Once they have acted, the line takes its place by date again.
    assert _titles_in_order(acted, titles) == ["群规", "新的通知", "周六羽毛球", "上周的投票"]
    assert "待你参与" not in acted and acted.count("置顶</span>") == 1

    english = client.get(f"/g/{gid}?lang=en", headers=bearer(waiting_token)).get_data(as_text=True)
    assert english.count(">Pinned</span>") == 1 and english.count(">Your turn</span>") == 1


def test_the_order_of_lines_pinned_then_waiting_then_open_then_closed_newest_first():
    def line(title, age_days, **flags):
        return WidgetSummary(title=title, url="/", created_at=NOW - timedelta(days=age_days),
                             **flags)

    lines = [line("closed new", 0, closed=True), line("open old", 5), line("open new", 1),
             line("waiting old", 9, needs_me=True), line("pinned closed", 20, pinned=True,
                                                         closed=True),
             line("pinned old", 30, pinned=True), line("closed waiting", 2, closed=True,
                                                       needs_me=True)]
    assert [item.title for item in sorted(lines, key=group_order)] == [
        "pinned old", "pinned closed", "waiting old", "open new", "open old", "closed new",
        "closed waiting"]


def test_a_registered_kind_is_exported_and_told_when_a_member_leaves(make_app):
    app = make_app()
    departures = []
    register_widget(app, stand_in_kind(
        key="bulletin", label="通知", lister=lambda group, person: [],
        exporter=lambda group, person: ("bulletins", [{"title": "周末去哪儿"}]),
        on_member_gone=lambda membership, reason: departures.append(
            (membership.person.name, reason))))
    client = app.test_client()
    gid, token, member_token = _group_with_member(client)

    exported = client.get(f"/api/v1/groups/{gid}/export.json", headers=bearer(token)).get_json()
    assert exported["widgets"]["bulletins"] == [{"title": "周末去哪儿"}]
    assert {"polls", "relays", "notices", "habits", "events"} <= set(exported["widgets"])

    assert client.delete(f"/api/v1/groups/{gid}/members/me",
                         headers=bearer(member_token)).status_code == 204
    assert departures == [("成员", "left")]


def test_the_app_registers_its_widgets_with_labels_in_the_readers_language(app):
    kinds = {kind.key: kind for kind in registered_widgets(app)}
    assert list(kinds) == ["poll", "relay", "notice", "checkin", "event", "card"]
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert [str(kind.label) for kind in kinds.values()] == [
            "投票", "接龙", "通知", "打卡", "活动签到", "群名片"]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert [str(kind.label) for kind in kinds.values()] == [
            "Poll", "Sign-up", "Notice", "Check-in", "Event sign-in", "Member cards"]
    static = Path(app.static_folder)
    for kind in kinds.values():
        assert callable(kind.lister) and callable(kind.exporter) and callable(kind.create_link)
        assert kind.assets and all((static / asset).is_file() for asset in kind.assets), kind.key


def test_registering_refuses_what_would_break_later(make_app):
    app = make_app()
    relay = next(kind for kind in registered_widgets(app) if kind.key == "relay")
    with pytest.raises(ValueError, match="registered already"):
        register_widget(app, relay)
    with pytest.raises(TypeError):
        register_widget(app, lister)  # the old tuple-of-functions call
    with pytest.raises(re.error):
        stand_in_kind(key="bulletin", label="通知", lister=lister, secret_paths=(r"/n/+([a-z/+",))
    with pytest.raises(ValueError, match="widget key"):
        stand_in_kind(key="Notice board", label="通知", lister=lister)
    assert [kind.key for kind in registered_widgets(app)] == [
        "poll", "relay", "notice", "checkin", "event", "card"]
