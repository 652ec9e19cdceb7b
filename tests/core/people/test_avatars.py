"""One avatar per person everywhere: the same colour and initial on every page and
picture, or the photo they uploaded on "Me" (page form and PUT/DELETE /api/v1/me/avatar),
checked like every other upload."""
import io
import re

from PIL import Image

from grouptools.core.avatars import avatar_colour
from tests.core.groups.test_views import submit


def png(colour=(200, 30, 30), size=(300, 200)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def put_avatar(person, data, name="me.png"):
    return person.call("PUT", "/api/v1/me/avatar",
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def avatar_spans(html):
    """[(colour class, inner html)] of every avatar on a page."""
    return re.findall(r'<span class="avatar[^"]*(avatar-c\d+)" aria-hidden="true">(.*?)</span>',
                      html, re.S)


def picture(response):
    assert response.status_code == 200, response.status_code
    return Image.open(io.BytesIO(response.data)).convert("RGB")


def test_the_same_person_looks_the_same_in_every_group_whatever_their_nickname(group_with, user):
    gid, owner, people = group_with(members=["Alice"])
    alice, member_id = people["Alice"]
    other = user("Bob").post("/api/v1/groups", json={"name": "二群"}).get_json()["id"]
    joined = alice.post(f"/api/v1/groups/{other}/join", json={"nickname": "Zed"}).get_json()
    first = avatar_spans(alice.get(f"/g/{gid}/members").get_data(as_text=True))
    roster = alice.get(f"/g/{other}/members").get_data(as_text=True)
    assert "Zed" in roster
    second = avatar_spans(roster)
    assert first and second
    mine_first = [span for span in first if span[1] == "A"]
    mine_second = [span for span in second if span[1] == "A"]
    assert len(mine_first) == 1 and mine_first == mine_second
    # The pictures the API names draw the same colour, in both groups.
    expected = avatar_colour(alice.id)
    for group, member in ((gid, member_id), (other, joined["member_id"])):
        drawn = picture(alice.get(f"/g/{group}/members/{member}/avatar.png?size=64"))
        assert drawn.getpixel((2, 2)) == expected


def test_a_photo_avatar_is_shown_on_pages_and_in_pictures(group_with):
    gid, owner, people = group_with(members=["小明"])
    member, member_id = people["小明"]
    answer = put_avatar(member, png((200, 30, 30)))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["photo"] is True and body["url"].startswith("http")
    photo_path = body["url"].split("localhost", 1)[1]
    assert owner.get(photo_path).status_code == 200
    # Pages: the photo wherever the initial was.
    roster = owner.get(f"/g/{gid}/members").get_data(as_text=True)
    assert f'<img src="{photo_path}"' in roster
    poll = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "去哪儿", "options": [{"text": "山"}, {"text": "海"}]}).get_json()
    member.post(f"/api/v1/polls/{poll['id']}/votes", json={"option_ids": [poll["options"][0]["id"]]})
    assert f'<img src="{photo_path}"' in owner.get(f"/p/{poll['id']}").get_data(as_text=True)
    # Pictures: the avatar address the API answers draws the photo.
    drawn = picture(owner.get(f"/g/{gid}/members/{member_id}/avatar.png?size=64"))
    assert all(abs(a - b) <= 4 for a, b in zip(drawn.getpixel((32, 32)), (200, 30, 30)))


def test_a_new_photo_replaces_the_old_one_and_removing_brings_the_initial_back(group_with):
    gid, owner, people = group_with(members=["小明"])
    member, member_id = people["小明"]
    old = put_avatar(member, png((200, 30, 30))).get_json()["url"].split("localhost", 1)[1]
    new = put_avatar(member, png((30, 30, 200))).get_json()["url"].split("localhost", 1)[1]
    assert old != new
    assert owner.get(old).status_code == 404  # the replaced photo is gone
    assert owner.get(new).status_code == 200
    removed = member.delete("/api/v1/me/avatar")
    assert removed.status_code == 200
    assert removed.get_json() == {**removed.get_json(), "photo": False, "url": None, "initial": "小"}
    assert owner.get(new).status_code == 404
    drawn = picture(owner.get(f"/g/{gid}/members/{member_id}/avatar.png?size=64"))
    assert drawn.getpixel((2, 2)) == avatar_colour(member.id)
    assert member.delete("/api/v1/me/avatar").status_code == 200  # removing none is fine


def test_the_api_refuses_what_is_not_a_picture(user):
    person = user("小明")
    assert put_avatar(person, b"hello, not a picture", "a.txt").status_code in (415, 422)
    assert person.call("PUT", "/api/v1/me/avatar", data="x",
                       content_type="text/plain").status_code == 415
    missing = person.call("PUT", "/api/v1/me/avatar", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert missing.get_json()["message"]
    assert user("路人").client.put("/api/v1/me/avatar").status_code == 401
    assert person.get("/api/v1/me/avatar").get_json()["photo"] is False


def test_the_me_page_form_uploads_and_shows_refusals_on_the_field(app):
    phone = app.test_client()
    submit(phone, "/groups/new", "/groups/new", {"your_name": "李老师", "name": "书法班",
                                                 "join_policy": "open", "timezone": "UTC"})
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      phone.get("/me").get_data(as_text=True)).group(1)

    def send(data, name="me.png", lang="en"):
        form = {"csrf_token": token}
        if data is not None:
            form["photo"] = (io.BytesIO(data), name)
        return phone.post("/me/avatar", data=form, content_type="multipart/form-data",
                          headers={"Accept-Language": lang})

    bad = send(b"not a picture", "a.txt")
    assert bad.status_code in (415, 422)
    page = bad.get_data(as_text=True)
    assert 'id="f-photo"' in page and 'aria-invalid="true"' in page
    assert "JPEG, PNG, WebP or GIF" in page
    zh = send(None, lang="zh-CN")
    assert zh.status_code == 422 and "请先选择一张照片。" in zh.get_data(as_text=True)
    good = send(png())
    assert good.status_code == 303
    page = phone.get("/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r'<span class="avatar avatar-large avatar-c\d+" aria-hidden="true"><img src="/images/', page)
    assert "Remove photo" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert phone.post("/me/avatar/delete", data={"csrf_token": token}).status_code == 303
    assert "Remove photo" not in phone.get("/me").get_data(as_text=True)
