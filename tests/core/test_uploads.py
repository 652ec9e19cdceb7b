"""Uploading pictures over HTTP: what comes back is safe to show, bad files get clear
4xx answers, pictures are served with ETags to those who may see them and go with
their group."""
import io
import time

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from grouptools.core.models import Image as ImageRow
from grouptools.extensions import db
from tests.core.test_images import GPS, GPS_IFD, ORIENTATION, encode, no_metadata, noisy, png_header_claiming, photo


def upload(person, data, filename="photo.jpg", group_id=None):
    """A multipart upload as a phone's browser sends it. The body is encoded up front:
    the test client would otherwise spool large bodies to a file it never closes."""
    form = {"file": FileStorage(io.BytesIO(data), filename=filename,
                                content_type="application/octet-stream")}
    if group_id:
        form["group_id"] = group_id
    boundary, body = encode_multipart(form)
    return person.call("POST", "/api/v1/images", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def member(group_with):
    gid, owner, people = group_with(members=["拍照的人"])
    return gid, owner, people["拍照的人"][0]


def test_a_photo_with_gps_comes_back_without_exif(member):
    gid, _, person = member
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[GPS_IFD] = GPS
    response = upload(person, encode(photo(), "JPEG", exif=exif.tobytes()), group_id=gid)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "url", "thumb_url", "width", "height"}
    served = person.get(body["url"].replace("http://localhost", ""))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    no_metadata(served.data)


def test_a_sideways_photo_comes_back_upright(member):
    gid, _, person = member
    picture = photo((600, 400))
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera was turned: display rotated 90° clockwise
    body = upload(person, encode(picture, "JPEG", exif=exif.tobytes()), group_id=gid).get_json()
    assert (body["width"], body["height"]) == (400, 600)
    thumb = person.get(body["thumb_url"].replace("http://localhost", ""))
    assert Image.open(io.BytesIO(thumb.data)).size == (267, 400)


@pytest.mark.parametrize("data, filename, status", [
    (encode(photo(), "BMP"), "photo.bmp", 415),
    (png_header_claiming(20000, 20000), "bomb.png", 422),
    (b"this is not a picture at all" * 10, "notes.jpg", 422),
    (encode(noisy((400, 400)), "PNG")[:5000], "cut.png", 422),
    (b"\xff\xd8" + b"x" * (11 * 1024 * 1024), "huge.jpg", 413),
], ids=["bmp", "bomb", "text-named-jpg", "truncated-png", "11mb"])
def test_bad_files_get_clear_answers_and_nothing_is_stored(app, member, data, filename, status):
    gid, _, person = member
    response = upload(person, data, filename, group_id=gid)
    assert response.status_code == status
    assert response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImageRow)) == 0


def test_not_multipart_is_415_and_no_file_is_422(member):
    _, _, person = member
    assert person.post("/api/v1/images", json={"file": "x"}).status_code == 415
    empty = person.call("POST", "/api/v1/images", data={"other": "x"}, content_type="multipart/form-data")
    assert empty.status_code == 422


def test_uploading_needs_a_name_and_a_group_membership(client, member, user):
    gid, _, _ = member
    assert client.post("/api/v1/images", data={"file": (io.BytesIO(b"x"), "a.jpg")},
                       content_type="multipart/form-data").status_code == 401
    stranger = user("路人")
    assert upload(stranger, encode(photo(), "JPEG"), group_id=gid).status_code == 404


def test_served_pictures_have_an_etag_long_cache_and_304(member):
    gid, _, person = member
    body = upload(person, encode(photo(), "PNG"), "a.png", group_id=gid).get_json()
    path = body["url"].replace("http://localhost", "")
    first = person.get(path)
    assert "max-age=31536000" in first.headers["Cache-Control"]
    assert person.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_a_groups_pictures_are_for_its_members_only(member, user, client):
    gid, owner, person = member
    body = upload(person, encode(photo(), "JPEG"), group_id=gid).get_json()
    path = body["url"].replace("http://localhost", "")
    assert owner.get(path).status_code == 200
    assert user("路人").get(path).status_code == 404
    assert client.get(path).status_code == 404


def test_deleting_the_group_deletes_its_pictures(app, member):
    gid, owner, person = member
    upload(person, encode(photo(), "JPEG"), group_id=gid)
    upload(person, encode(photo(), "JPEG"))  # no group: stays with its uploader
    assert owner.delete(f"/api/v1/groups/{gid}").status_code == 204
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImageRow)) == 1


def test_a_browser_uploads_a_large_photo_with_its_cookie_and_csrf_token(app, group_with):
    """A cookie request's CSRF check reads the form before the view runs: the upload's
    own size limit must already apply then."""
    gid, owner, _ = group_with()
    phone = app.test_client()
    link = owner.get("/api/v1/me/signin-link").get_json()["url"].replace("http://localhost", "")
    page = phone.get(link)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    phone.post(link, data={"csrf_token": token})
    big = encode(noisy((1400, 1400)), "PNG")
    assert len(big) > 2 * 1024 * 1024
    boundary, body = encode_multipart({
        "file": FileStorage(io.BytesIO(big), filename="big.png", content_type="image/png"),
        "group_id": gid,
    })
    response = phone.post("/api/v1/images", data=body, headers={"X-CSRFToken": token},
                          content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 201, response.get_json()


def test_one_huge_but_allowed_picture_is_shrunk_quickly(app, member):
    gid, _, person = member
    out = io.BytesIO()
    Image.new("RGB", (7900, 5000), (40, 120, 60)).save(out, "PNG")
    started = time.monotonic()
    response = upload(person, out.getvalue(), "big.png", group_id=gid)
    assert response.status_code == 201
    assert time.monotonic() - started < 5
    assert (response.get_json()["width"], response.get_json()["height"]) == (1600, 1013)
