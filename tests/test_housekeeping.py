"""Housekeeping a newcomer's server needs (issue 15): `flask grouptools cleanup` deletes
the photos of a poll that was never published once a day has passed (and `make run`
runs it as the server starts); `/favicon.ico`, an app icon and a web manifest let a
phone put the site on its home screen."""
import io
import json
import subprocess
from datetime import timedelta

import pytest
from PIL import Image as PillowImage
from sqlalchemy import update

from grouptools.core.models import Image
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from tests.conftest import ROOT
from tests.core.groups.test_views import ZH
from tests.poll.conftest import upload_picture
from tests.test_pages import assert_csp_clean

EN = {"Accept-Language": "en"}


def fetch(client, path, **kwargs):
    """A response read whole and closed (a static file's handle must not linger)."""
    with client.get(path, **kwargs) as answer:
        answer.get_data()
        return answer


def _age(app, image_ids, days):
    with app.app_context():
        db.session.execute(update(Image).where(Image.public_id.in_(image_ids))
                           .values(created_at=utcnow() - timedelta(days=days)))
        db.session.commit()


@pytest.mark.parametrize("command", ["cleanup", "cleanup-images"])
def test_photos_of_a_poll_never_published_are_deleted_after_a_day(app, group_with, command):
    gid, owner, _ = group_with()
    # Photos picked on the create form (uploaded at once by the page's script) …
    abandoned = [upload_picture(owner, gid, (30, 200, 30)), upload_picture(owner, gid)]
    today = upload_picture(owner, gid, (90, 90, 90))
    published = upload_picture(owner, gid, (200, 30, 30))
    owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "哪张好看", "options": [{"image_id": published}, {"text": "都不好看"}]})
    # … and the poll of the first two was never published.
    _age(app, [*abandoned, published], days=2)
    result = app.test_cli_runner().invoke(args=["grouptools", command])
    assert result.exit_code == 0, result.output
    assert "deleted 2 unused pictures older than a day" in result.output
    for image in abandoned:
        assert owner.get(f"/images/{image}").status_code == 404
    for image in (today, published):
        assert owner.get(f"/images/{image}").status_code == 200


def test_the_command_says_what_it_does():
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi",
                             "grouptools", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert "cleanup " in result.stdout and "cleanup-images" not in result.stdout


def test_make_run_cleans_up_before_the_server_starts():
    plan = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout
    assert "grouptools cleanup" in plan
    assert plan.index("db upgrade") < plan.index("grouptools cleanup") < plan.index("gunicorn")


def test_favicon_ico_is_the_brand_mark(client):
    answer = fetch(client, "/favicon.ico")
    assert answer.status_code == 200 and answer.mimetype == "image/vnd.microsoft.icon"
    icon = PillowImage.open(io.BytesIO(answer.data))
    assert icon.format == "ICO" and {(16, 16), (32, 32)} <= icon.info["sizes"]
    icon.size = (32, 32)
    green = icon.convert("RGB").getpixel((3, 16))
    assert green == pytest.approx((10, 127, 85), abs=12)


@pytest.mark.parametrize("headers, description", [
    (ZH, "群投票、接龙、群通知、群打卡和群名片"),
    (EN, "Polls, sign-ups, notices, check-ins and member cards"),
])
def test_the_web_manifest_names_the_app_in_the_readers_language(client, headers, description):
    answer = client.get("/manifest.webmanifest", headers=headers)
    assert answer.status_code == 200 and answer.mimetype == "application/manifest+json"
    manifest = json.loads(answer.data)
    assert manifest["name"] == "grouptools" and manifest["display"] == "standalone"
    assert description in manifest["description"]
    assert manifest["start_url"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        picture = fetch(client, icon["src"])
        assert picture.status_code == 200 and picture.mimetype == "image/png"
        width, height = PillowImage.open(io.BytesIO(picture.data)).size
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add((width, icon["purpose"]))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= sizes


def test_every_page_links_the_icons_and_the_manifest(client):
    page = client.get("/", headers=ZH).get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico" sizes="any">' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    touch = page.split('rel="apple-touch-icon" href="', 1)[1].split('"', 1)[0]
    picture = fetch(client, touch)
    assert picture.status_code == 200
    assert PillowImage.open(io.BytesIO(picture.data)).size == (180, 180)
    assert_csp_clean(page)
