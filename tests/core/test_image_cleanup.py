"""Pictures nothing uses are deleted after a day's grace: by the `cleanup-images` command
and, a few at a time, after uploads; a picture a poll shows, or one uploaded today for a
poll still being written, stays."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from grouptools.core.image_cleanup import delete_unused_images, image_references
from grouptools.core.models import Image
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from tests.poll.conftest import upload_picture


@pytest.fixture
def pictures(app, group_with):
    """A group's owner with four pictures: one shown by a poll and three that nothing uses;
    all but `fresh` uploaded two days ago."""
    gid, owner, _ = group_with()
    ids = {name: upload_picture(owner, gid, colour) for name, colour in (
        ("used", (200, 30, 30)), ("orphan", (30, 200, 30)), ("orphan2", (30, 30, 200)),
        ("fresh", (90, 90, 90)))}
    created = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "哪张好看", "options": [{"image_id": ids["used"]}, {"text": "都不好看"}]})
    assert created.status_code == 201, created.get_json()
    with app.app_context():
        db.session.execute(update(Image).where(Image.public_id != ids["fresh"])
                           .values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    return owner, gid, ids, created.get_json()["id"]


def shown(owner, image_id):
    return owner.get(f"/images/{image_id}").status_code == 200


def test_the_command_deletes_old_unused_pictures_and_keeps_the_rest(app, pictures):
    owner, _, ids, pid = pictures
    result = app.test_cli_runner().invoke(args=["grouptools", "cleanup-images"])
    assert result.exit_code == 0, result.output
    assert "deleted 2 unused pictures older than a day" in result.output
    assert not shown(owner, ids["orphan"]) and not shown(owner, ids["orphan2"])
    assert shown(owner, ids["used"]) and shown(owner, ids["fresh"])
    option = owner.get(f"/api/v1/polls/{pid}").get_json()["options"][0]
    assert option["image_url"].endswith(f"/images/{ids['used']}")
    again = app.test_cli_runner().invoke(args=["grouptools", "cleanup-images"])
    assert "deleted 0 unused pictures" in again.output


def test_a_batch_is_bounded(app, pictures):
    with app.app_context():
        assert delete_unused_images(batch=1) == 1
        assert delete_unused_images(batch=1) == 1
        assert delete_unused_images(batch=1) == 0


def test_an_upload_deletes_a_few_old_unused_pictures_as_it_goes(app, pictures):
    owner, gid, ids, _ = pictures
    app.extensions.pop("image_cleanup", None)  # as in a worker that has not cleaned yet
    upload_picture(owner, gid)
    assert not shown(owner, ids["orphan"]) and shown(owner, ids["used"])
    # Not again at once: the next upload in this worker leaves the work to later.
    with app.app_context():
        db.session.execute(update(Image).values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    upload_picture(owner, gid)
    assert shown(owner, ids["fresh"])


def test_uses_are_found_from_every_foreign_key_to_image(app):
    with app.app_context():
        columns = {f"{c.table.name}.{c.name}" for c in image_references()}
    assert "poll_option.image_id" in columns
