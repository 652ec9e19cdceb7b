"""Every QR code kind the app serves decodes back to its exact URL; pictures carry ETags
and answer 304; link previews show only the public card."""
import re

import pytest

from tests.core.groups.test_views import submit
from tests.core.test_share import png_bytes, rasterise_svg, zbar


@pytest.fixture
def group(user):
    owner = user("群主")
    body = owner.post("/api/v1/groups", json={"name": "周末爬山群", "description": "内部介绍，不外传"}).get_json()
    return owner, body


def test_the_group_qr_png_and_svg_decode_to_the_group_link(client, group, tmp_path):
    _, body = group
    gid, url = body["id"], body["url"]
    png = client.get(f"/g/{gid}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert zbar(png.data, tmp_path) == [url]
    big = client.get(f"/g/{gid}/qr.png?size=100000")
    assert big.status_code == 200 and zbar(big.data, tmp_path, "big.png") == [url]
    svg = client.get(f"/g/{gid}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    assert zbar(png_bytes(rasterise_svg(svg.data)), tmp_path, "svg.png") == [url]


def test_the_poster_qr_decodes_and_the_poster_is_phone_sized(client, group, tmp_path):
    _, body = group
    poster = client.get(f"/g/{body['id']}/poster.png")
    assert poster.status_code == 200
    assert zbar(poster.data, tmp_path) == [body["url"]]
    from PIL import Image
    import io
    assert Image.open(io.BytesIO(poster.data)).size == (1080, 1440)


def test_links_use_the_configured_base_url(app, group, tmp_path):
    _, body = group
    app.config["BASE_URL"] = "https://groups.example.org"
    try:
        png = app.test_client().get(f"/g/{body['id']}/qr.png")
        assert zbar(png.data, tmp_path) == [f"https://groups.example.org/g/{body['id']}"]
    finally:
        app.config["BASE_URL"] = None


def test_pictures_answer_304_to_their_etag(client, group):
    _, body = group
    for path in (f"/g/{body['id']}/qr.png", f"/g/{body['id']}/qr.svg", f"/g/{body['id']}/poster.png"):
        first = client.get(path)
        etag = first.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
        assert {"Cookie", "Accept-Language"} <= {
            name.strip() for name in again.headers["Vary"].split(",")}
        assert "Content-Type" not in again.headers  # no body, no type


def test_the_poster_etag_changes_when_the_group_is_renamed(client, group):
    owner, body = group
    before = client.get(f"/g/{body['id']}/poster.png").headers["ETag"]
    owner.patch(f"/api/v1/groups/{body['id']}", json={"name": "周末徒步群"})
    after = client.get(f"/g/{body['id']}/poster.png", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before


def test_link_preview_tags_show_the_public_card_only(client, group):
    _, body = group
    html = client.get(f"/g/{body['id']}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    image = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert image == f"http://localhost/g/{body['id']}/poster.png"
    assert '<meta property="og:title" content="周末爬山群">' in html
    assert 'name="twitter:card" content="summary_large_image"' in html
    # The page shows strangers the introduction (issue 15); the preview says how to join.
    tags = "\n".join(re.findall(r"<meta (?:property|name)=\"(?:og|twitter):[^>]+>", html))
    assert "og:title" in tags and "内部介绍" not in tags


def test_the_member_page_has_the_share_sheet(app):
    phone = app.test_client()
    created = submit(phone, "/groups/new", "/groups/new",
                     {"your_name": "群主", "name": "读书会", "join_policy": "open", "timezone": "UTC"})
    gid = created.headers["Location"].rsplit("/", 1)[1]
    html = phone.get(f"/g/{gid}").get_data(as_text=True)
    assert f'src="/g/{gid}/qr.png"' in html and f'src="/g/{gid}/poster.png"' in html
    assert f'href="/g/{gid}/qr.svg"' in html


def test_the_me_page_qr_is_the_personal_sign_in_link(app, tmp_path):
    phone = app.test_client()
    submit(phone, "/groups/new", "/groups/new",
           {"your_name": "群主", "name": "读书会", "join_policy": "open", "timezone": "UTC"})
    link = re.search(r'value="(http://[^"]+/signin/[^"]+)"', phone.get("/me").get_data(as_text=True)).group(1)
    qr = phone.get("/me/qr.png")
    assert qr.headers["Cache-Control"] == "no-store"
    assert zbar(qr.data, tmp_path) == [link]
    assert app.test_client().get("/me/qr.png").status_code == 401


def test_member_avatars_are_pictures_for_members_only(client, group_with, user):
    gid, owner, people = group_with(members=["小明"])
    mid = people["小明"][1]
    avatar = owner.get(f"/g/{gid}/members/{mid}/avatar.png?size=64")
    assert avatar.status_code == 200 and avatar.mimetype == "image/png"
    assert user("路人").get(f"/g/{gid}/members/{mid}/avatar.png").status_code == 404
