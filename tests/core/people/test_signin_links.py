"""Sign-in links and signing out everywhere: another device, a changed phone, a lost one."""
import re
from datetime import timedelta

from sqlalchemy import update

from grouptools.core.models import SigninLink
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from tests.conftest import bearer, csrf_headers


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def form_csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def open_link_and_confirm(device, url):
    """What a person does: open the link (a confirm page), then tap "Sign in"."""
    page = device.get(path_of(url))
    assert page.status_code == 200
    return device.post(path_of(url), data={"csrf_token": form_csrf(page)})


def test_personal_link_signs_in_another_device_only_after_confirming(app, user):
    person = user("张三")
    url = person.get("/api/v1/me/signin-link").get_json()["url"]
    phone = app.test_client()
    page = phone.get(path_of(url))
    assert "张三" in page.get_data(as_text=True)
    # Opening the link (as a chat app's preview bot does) signs nobody in.
    assert phone.get("/api/v1/me").status_code == 401
    signed_in = phone.post(path_of(url), data={"csrf_token": form_csrf(page)})
    assert signed_in.status_code == 303
    assert phone.get("/api/v1/me").get_json()["id"] == person.id


def test_personal_link_post_without_csrf_is_refused(app, user):
    url = user("张三").get("/api/v1/me/signin-link").get_json()["url"]
    phone = app.test_client()
    phone.get(path_of(url))
    assert phone.post(path_of(url)).status_code == 400
    assert phone.get("/api/v1/me").status_code == 401


def test_a_forged_link_is_404(client):
    assert client.get("/signin/WyJhYmMiLDFd.forged").status_code == 404
    assert client.get("/signin/once/made-up-secret").status_code == 404


def test_one_time_link_from_a_manager_works_once(app, group_with):
    gid, owner, people = group_with(members=["换手机的"])
    member, mid = people["换手机的"]
    issued = owner.post(f"/api/v1/groups/{gid}/members/{mid}/signin-link")
    assert issued.status_code == 201
    url = issued.get_json()["url"]

    new_phone = app.test_client()
    new_phone.get(path_of(url))  # the confirm page does not use the link up
    assert open_link_and_confirm(new_phone, url).status_code == 303
    assert new_phone.get("/api/v1/me").get_json()["id"] == member.id

    another = app.test_client()
    assert another.get(path_of(url)).status_code == 404
    assert another.post(path_of(url), data={"csrf_token": "x"}).status_code in (400, 404)


def test_a_one_time_link_expires(app, group_with):
    gid, owner, people = group_with(members=["甲"])
    url = owner.post(f"/api/v1/groups/{gid}/members/{people['甲'][1]}/signin-link").get_json()["url"]
    with app.app_context():
        db.session.execute(update(SigninLink).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert app.test_client().get(path_of(url)).status_code == 404


def test_managers_cannot_take_over_organisers(group_with, user):
    gid, owner, people = group_with(members=["甲"], admins=["管理员"])
    admin, admin_id = people["管理员"]
    owner_id = admin.get(f"/api/v1/groups/{gid}/members").get_json()[0]["member_id"]
    assert admin.post(f"/api/v1/groups/{gid}/members/{owner_id}/signin-link").status_code == 403
    assert owner.post(f"/api/v1/groups/{gid}/members/{admin_id}/signin-link").status_code == 403
    # 甲 owns another group: a link would hand that group over too.
    people["甲"][0].post("/api/v1/groups", json={"name": "甲的群"})
    assert owner.post(f"/api/v1/groups/{gid}/members/{people['甲'][1]}/signin-link").status_code == 403


def test_sign_out_everywhere_ends_other_sessions_the_old_token_and_the_old_link(app, user):
    person = user("丢了手机的人")
    old_link = person.get("/api/v1/me/signin-link").get_json()["url"]
    lost_phone, laptop = app.test_client(), app.test_client()
    open_link_and_confirm(lost_phone, old_link)
    open_link_and_confirm(laptop, old_link)
    assert lost_phone.get("/api/v1/me").status_code == 200

    response = laptop.post("/api/v1/me/signout-everywhere", headers=csrf_headers(laptop))
    assert response.status_code == 200
    new_token = response.get_json()["token"]

    assert laptop.get("/api/v1/me").status_code == 200  # the device that asked stays in
    assert lost_phone.get("/api/v1/me").status_code == 401
    assert app.test_client().get("/api/v1/me", headers=bearer(person.token)).status_code == 401
    assert app.test_client().get("/api/v1/me", headers=bearer(new_token)).status_code == 200
    assert app.test_client().get(path_of(old_link)).status_code == 404


def test_sign_out_everywhere_with_a_token(app, user):
    person = user()
    response = person.post("/api/v1/me/signout-everywhere")
    assert response.status_code == 200
    assert person.get("/api/v1/me").status_code == 401
    assert app.test_client().get("/api/v1/me", headers=bearer(response.get_json()["token"])).status_code == 200
