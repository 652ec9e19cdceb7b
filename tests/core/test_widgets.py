"""The group page lists whatever widgets registered themselves, for those who may see
them, and offers "create" links to those who may create."""
from datetime import datetime, timedelta, timezone

from grouptools.core.widgets import WidgetSummary, register_widget
from tests.conftest import bearer

NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)


def lister(group, person):
    return [
        WidgetSummary("poll", "投票", "周末去哪儿", "/p/x", NOW - timedelta(days=2), "3 人已投票"),
        WidgetSummary("poll", "投票", "已经结束的投票", "/p/y", NOW, closed=True),
        WidgetSummary("relay", "接龙", "周六羽毛球", "/r/z", NOW - timedelta(days=1), needs_me=True),
    ]


def test_registered_widgets_are_listed_open_first_newest_first(make_app):
    app = make_app()
    register_widget(app, lister, lambda group: ("发起投票", f"/g/{group.public_id}/polls/new"))
    client = app.test_client()
    token = client.post("/api/v1/people", json={"name": "群主"}).get_json()["token"]
    gid = client.post("/api/v1/groups", json={"name": "羽毛球群"}, headers=bearer(token)).get_json()["id"]
    member_token = client.post("/api/v1/people", json={"name": "成员"}).get_json()["token"]
    client.post(f"/api/v1/groups/{gid}/join", json={}, headers=bearer(member_token))

    html = client.get(f"/g/{gid}", headers=bearer(token)).get_data(as_text=True)
    titles = [t for t in ("周六羽毛球", "周末去哪儿", "已经结束的投票") if t in html]
    assert titles == ["周六羽毛球", "周末去哪儿", "已经结束的投票"]
    assert html.index("周六羽毛球") < html.index("周末去哪儿") < html.index("已经结束的投票")
    assert f'href="/g/{gid}/polls/new"' in html

    member_page = client.get(f"/g/{gid}", headers=bearer(member_token)).get_data(as_text=True)
    assert "周末去哪儿" in member_page
    assert f"/g/{gid}/polls/new" not in member_page  # members may not create here
