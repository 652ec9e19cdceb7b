"""The "Me" page: name, groups, the sign-in link for another device, signing out elsewhere."""
import re

from tests.core.groups.test_views import submit


def test_me_without_a_name_explains_what_happens(client):
    page = client.get("/me", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "创建群组" in page


def test_me_shows_name_groups_and_a_working_sign_in_link(app):
    phone = app.test_client()
    submit(phone, "/groups/new", "/groups/new", {"your_name": "李老师", "name": "书法兴趣班",
                                                 "join_policy": "open", "timezone": "Asia/Shanghai"})
    response = phone.get("/me")
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert 'value="李老师"' in page and "书法兴趣班" in page
    link = re.search(r'value="(http://[^"]+/signin/[^"]+)"', page).group(1)
    laptop = app.test_client()
    path = link.split("localhost", 1)[1]
    assert submit(laptop, path, path, {}).status_code == 303
    assert laptop.get("/api/v1/me").get_json()["name"] == "李老师"


def test_renaming_on_me_with_an_error_keeps_the_typed_name(app):
    phone = app.test_client()
    submit(phone, "/groups/new", "/groups/new", {"your_name": "李老师", "name": "班",
                                                 "join_policy": "open", "timezone": "UTC"})
    bad = submit(phone, "/me", "/me", {"name": "长" * 65})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.get_data(as_text=True)
    good = submit(phone, "/me", "/me", {"name": "李老师（书法）"})
    assert good.status_code == 303
    assert phone.get("/api/v1/me").get_json()["name"] == "李老师（书法）"


def test_sign_out_everywhere_from_me_keeps_this_phone(app):
    phone, other = app.test_client(), app.test_client()
    submit(phone, "/groups/new", "/groups/new", {"your_name": "丢过手机", "name": "班",
                                                 "join_policy": "open", "timezone": "UTC"})
    link = re.search(r'value="(http://[^"]+/signin/[^"]+)"', phone.get("/me").get_data(as_text=True)).group(1)
    path = link.split("localhost", 1)[1]
    submit(other, path, path, {})
    assert other.get("/api/v1/me").status_code == 200
    assert submit(phone, "/me", "/me/signout-everywhere", {}).status_code == 303
    assert phone.get("/api/v1/me").status_code == 200
    assert other.get("/api/v1/me").status_code == 401
    assert other.get(path).status_code == 404
