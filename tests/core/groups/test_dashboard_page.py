"""The dashboard page (/g/<gid>/dashboard): the chart drawn by the server with its
numbers for screen readers, sort links, quiet members chosen by days with a message to
paste, one-tap removal that comes back to the dashboard, and no page for members."""
import re
from datetime import datetime, timedelta, timezone

from tests.core.groups.test_dashboard import _set_times
from tests.core.groups.test_views import ZH, browser_owner, csrf_of, submit  # noqa: F401
from tests.test_pages import assert_csp_clean


def names_in_order(html):
    section = html[html.index('id="members"'):]
    return [name.strip() for name in re.findall(r'<span class="list-title">([^<]+)', section)]


def test_the_dashboard_page_draws_the_chart_sorts_and_lists_the_quiet(app, browser_owner, user):
    phone, gid = browser_owner
    keen, idle = user("热心家长"), user("潜水家长")
    for person in (keen, idle):
        person.post(f"/api/v1/groups/{gid}/join", json={})
    now = datetime.now(timezone.utc)
    _set_times(app, gid, "潜水家长", now - timedelta(days=40), now - timedelta(days=30))

    response = phone.get(f"/g/{gid}/dashboard", headers=ZH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_csp_clean(html)
    assert "<svg" in html and 'role="img"' in html and "<desc" in html
    assert html.count('class="chart-bar') == 12
    assert "潜水家长" in html[html.index('id="quiet"'):html.index('id="members"')]
    assert "热心家长" not in html[html.index('id="quiet"'):html.index('id="members"')]
    assert f"/g/{gid}" in html[html.index('id="quiet-message"'):]
    assert names_in_order(html) == ["潜水家长", "王老师", "热心家长"]  # by joining

    by_name = phone.get(f"/g/{gid}/dashboard?sort=name&order=desc", headers=ZH).get_data(as_text=True)
    assert names_in_order(by_name) == sorted(names_in_order(by_name), key=str.casefold, reverse=True)
    longer = phone.get(f"/g/{gid}/dashboard?quiet_days=31", headers=ZH).get_data(as_text=True)
    assert "潜水家长" not in longer[longer.index('id="quiet"'):longer.index('id="members"')]
    wrong = phone.get(f"/g/{gid}/dashboard?quiet_days=0", headers=ZH)
    assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.get_data(as_text=True)


def test_removing_a_quiet_member_comes_back_to_the_dashboard(app, browser_owner, user):
    phone, gid = browser_owner
    idle = user("潜水家长")
    member_id = idle.post(f"/api/v1/groups/{gid}/join", json={}).get_json()["member_id"]
    now = datetime.now(timezone.utc)
    _set_times(app, gid, "潜水家长", now - timedelta(days=40), now - timedelta(days=30))
    page = phone.get(f"/g/{gid}/dashboard")
    html = page.get_data(as_text=True)
    back = re.search(r'name="next" value="([^"]+)"', html).group(1)
    assert back.startswith(f"/g/{gid}/dashboard")
    removed = phone.post(f"/g/{gid}/members/{member_id}",
                         data={"csrf_token": csrf_of(page), "action": "remove", "next": back.replace("&amp;", "&")})
    assert removed.status_code == 303 and removed.headers["Location"].startswith(f"/g/{gid}/dashboard")
    assert idle.get(f"/api/v1/groups/{gid}").get_json()["my_status"] == "removed"
    elsewhere = phone.post(f"/g/{gid}/members/{member_id}", data={
        "csrf_token": csrf_of(page), "action": "restore", "next": "https://evil.example/"})
    assert elsewhere.headers["Location"] == f"/g/{gid}/members"


def test_members_cannot_open_the_dashboard(app, browser_owner, user):
    phone, gid = browser_owner
    assert "/dashboard" in phone.get(f"/g/{gid}").get_data(as_text=True)
    member = user("普通成员")
    member.post(f"/api/v1/groups/{gid}/join", json={})
    assert member.get(f"/g/{gid}/dashboard").status_code == 403
    assert "/dashboard" not in member.get(f"/g/{gid}").get_data(as_text=True)
    assert user("路人").get(f"/g/{gid}/dashboard").status_code == 404


def test_a_big_group_is_paged_by_links(app, browser_owner):
    from tests.core.groups.test_dashboard import add_members

    phone, gid = browser_owner
    add_members(app, gid, 25)
    first = phone.get(f"/g/{gid}/dashboard?sort=name&order=asc").get_data(as_text=True)
    assert len(names_in_order(first)) == 20 and "Page 1 of 2" in first
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "sort=name" in next_link and "order=asc" in next_link
    second = phone.get(next_link).get_data(as_text=True)
    assert len(names_in_order(second)) == 6
    assert set(names_in_order(first)).isdisjoint(names_in_order(second))
