"""Group pages used the way a phone in a chat app uses them: plain form posts, no JS."""
import re

import pytest
from sqlalchemy import func, select

from grouptools.core.models import Group, Membership
from grouptools.extensions import db
from tests.test_pages import assert_csp_clean

ZH = {"Accept-Language": "zh-CN"}


def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def submit(client, page_path, action_path, fields, **kwargs):
    """Open a page, then post its form with the page's CSRF token, as a browser does."""
    page = client.get(page_path, **kwargs)
    assert page.status_code == 200, page_path
    return client.post(action_path, data={"csrf_token": csrf_of(page), **fields}, **kwargs)


def count(model, app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def browser_owner(app):
    """A phone that created a group through the page: (client, gid)."""
    phone = app.test_client()
    created = submit(phone, "/groups/new", "/groups/new",
                     {"your_name": "王老师", "name": "三年二班家长群", "join_policy": "open",
                      "timezone": "Asia/Shanghai", "description": "班级通知和活动"}, headers=ZH)
    assert created.status_code == 303
    gid = created.headers["Location"].rsplit("/", 1)[1]
    return phone, gid


def test_creating_a_group_from_a_phone_in_one_form(app, browser_owner):
    phone, gid = browser_owner
    page = phone.get(f"/g/{gid}", headers=ZH).get_data(as_text=True)
    assert "三年二班家长群" in page and "班级通知和活动" in page
    assert "群主" in page  # the owner's badge
    assert "登录链接" in page  # the prompt to keep the sign-in link
    assert phone.get("/api/v1/me").get_json()["name"] == "王老师"
    assert_csp_clean(page)


def test_a_form_with_an_error_shows_it_and_keeps_what_was_typed(app):
    phone = app.test_client()
    response = submit(phone, "/groups/new", "/groups/new",
                      {"your_name": "王老师", "name": "", "description": "我写了很长的介绍",
                       "join_policy": "approval", "timezone": "Asia/Tokyo",
                       "join_question": "孩子叫什么？"}, headers=ZH)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="王老师"' in html and "我写了很长的介绍" in html and 'value="孩子叫什么？"' in html
    assert re.search(r'id="f-name"[^>]*aria-invalid="true"', html)
    assert "此项不能为空白。" in html
    assert re.search(r'value="approval"\s+checked', html)
    assert re.search(r'<option value="Asia/Tokyo" selected>', html)
    assert count(Group, app) == 0


def test_a_reload_after_creating_does_not_create_twice(app, browser_owner):
    phone, gid = browser_owner
    # The post answered 303; a reload repeats the GET it led to, never the POST.
    for _ in range(2):
        assert phone.get(f"/g/{gid}").status_code == 200
    assert count(Group, app) == 1


def test_a_stranger_joins_an_open_group_with_name_and_join_in_one_screen(app, browser_owner):
    _, gid = browser_owner
    stranger = app.test_client()
    page = stranger.get(f"/g/{gid}", headers=ZH).get_data(as_text=True)
    assert "三年二班家长群" in page
    # Strangers see the public card: the introduction helps them decide (issue 15) …
    assert "班级通知和活动" in page and "群主：王老师" in page
    assert "群里的内容" not in page  # … not what is in the group
    assert 'name="your_name"' in page
    joined = submit(stranger, f"/g/{gid}", f"/g/{gid}/join", {"your_name": "小明妈妈"}, headers=ZH)
    assert joined.status_code == 303
    after = stranger.get(joined.headers["Location"], headers=ZH).get_data(as_text=True)
    assert "班级通知和活动" in after
    assert "欢迎加入三年二班家长群" in after or "三年二班家长群" in after
    assert count(Membership, app) == 2


def test_joining_shows_field_errors_and_keeps_the_answer(app, user):
    owner = user("群主")
    gid = owner.post("/api/v1/groups", json={"name": "小区团购", "join_question": "哪一栋？"}).get_json()["id"]
    stranger = app.test_client()
    response = submit(stranger, f"/g/{gid}", f"/g/{gid}/join", {"your_name": "", "answer": "3栋"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert ">3栋</textarea>" in html
    assert re.search(r'id="f-your_name"[^>]*aria-invalid="true"', html)
    assert count(Membership, app) == 1


def test_an_approval_group_shows_the_waiting_screen_and_the_owner_approves(app, browser_owner):
    owner_phone, gid = browser_owner
    submit(owner_phone, f"/g/{gid}/settings", f"/g/{gid}/settings",
           {"name": "三年二班家长群", "join_policy": "approval", "timezone": "Asia/Shanghai",
            "join_question": "孩子叫什么？", "description": "班级通知和活动"})
    parent = app.test_client()
    submit(parent, f"/g/{gid}", f"/g/{gid}/join", {"your_name": "小红爸爸", "answer": "小红"})
    waiting = parent.get(f"/g/{gid}", headers=ZH).get_data(as_text=True)
    assert "等待审核" in waiting

    members_page = owner_phone.get(f"/g/{gid}/members", headers=ZH).get_data(as_text=True)
    assert "孩子叫什么？ — 小红" in members_page
    member_id = re.search(r'/g/%s/members/([\w-]{10})"' % gid, members_page).group(1)
    approved = owner_phone.post(f"/g/{gid}/members/{member_id}",
                                data={"csrf_token": csrf_of(owner_phone.get(f"/g/{gid}/members")),
                                      "action": "approve"})
    assert approved.status_code == 303
    assert "班级通知和活动" in parent.get(f"/g/{gid}").get_data(as_text=True)


def test_members_page_buttons_change_roles_and_remove(app, browser_owner, user):
    owner_phone, gid = browser_owner
    helper = user("热心家长")
    helper.post(f"/api/v1/groups/{gid}/join", json={})
    member_id = helper.get(f"/api/v1/groups/{gid}/members").get_json()[1]["member_id"]

    def press(action):
        token = csrf_of(owner_phone.get(f"/g/{gid}/members"))
        return owner_phone.post(f"/g/{gid}/members/{member_id}", data={"csrf_token": token, "action": action})

    assert press("admin").status_code == 303
    assert helper.get(f"/api/v1/groups/{gid}").get_json()["role"] == "admin"
    link_page = press("member") and press("signin-link")
    assert link_page.status_code == 200
    assert "/signin/once/" in link_page.get_data(as_text=True)
    assert link_page.headers["Cache-Control"] == "no-store"
    assert press("remove").status_code == 303
    assert helper.get(f"/api/v1/groups/{gid}").get_json()["my_status"] == "removed"
    assert press("bogus").status_code == 422


def test_a_member_cannot_open_settings_and_a_stranger_cannot_see_members(app, browser_owner, user):
    _, gid = browser_owner
    member = app.test_client()
    submit(member, f"/g/{gid}", f"/g/{gid}/join", {"your_name": "普通成员"})
    assert member.get(f"/g/{gid}/settings").status_code == 403
    stranger = app.test_client()
    submit(stranger, "/groups/new", "/groups/new", {"your_name": "路人", "name": "别的群",
                                                    "join_policy": "open", "timezone": "UTC"})
    assert stranger.get(f"/g/{gid}/members").status_code == 404
    assert app.test_client().get(f"/g/{gid}/members").status_code == 401


def test_deleting_needs_the_confirm_box(app, browser_owner):
    phone, gid = browser_owner
    unconfirmed = submit(phone, f"/g/{gid}/settings", f"/g/{gid}/delete", {})
    assert unconfirmed.status_code == 303 and count(Group, app) == 1
    deleted = submit(phone, f"/g/{gid}/settings", f"/g/{gid}/delete", {"confirm": "1"})
    assert deleted.status_code == 303 and count(Group, app) == 0
    assert phone.get(f"/g/{gid}").status_code == 404


def test_leaving_from_the_group_page(app, browser_owner):
    _, gid = browser_owner
    member = app.test_client()
    submit(member, f"/g/{gid}", f"/g/{gid}/join", {"your_name": "要走的人"})
    left = submit(member, f"/g/{gid}", f"/g/{gid}/leave", {})
    assert left.status_code == 303
    assert 'name="nickname"' in member.get(f"/g/{gid}").get_data(as_text=True)  # may join again
