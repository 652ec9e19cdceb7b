"""Deleting uploaded pictures nothing uses, after a day's grace.

A picture is "used" while any row of any table points at it: every foreign key to
image.id found in the metadata counts, so a widget's pictures are kept without core
knowing the widget. The grace lets a photo uploaded for a poll that is still being
written survive until the poll is created. A photo avatar is kept by its person_avatar
row; a picture without a group is kept only while something points at it, like any
other."""
import logging
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import SQLAlchemyError

from grouptools.core.models import Image
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db

GRACE = timedelta(days=1)
# After an upload, at most this many pictures are deleted, at most this often per worker:
# the upload stays quick, and `flask grouptools cleanup-images` does the rest from cron.
OPPORTUNISTIC_BATCH = 50
OPPORTUNISTIC_EVERY_SECONDS = 600

log = logging.getLogger(__name__)


def image_references():
    """Every column, in every table known to the app, that points at image.id."""
    image_id = Image.__table__.c.id
    return [fk.parent for table in db.metadata.tables.values()
            for fk in table.foreign_keys if fk.column is image_id]


def _unused(now):
    conditions = [Image.created_at < now - GRACE]
    conditions += [~exists().where(column == Image.id) for column in image_references()]
    return conditions


def delete_unused_images(batch=500, now=None):
    """Delete up to `batch` pictures older than the grace that nothing points at;
    returns how many. The DELETE repeats the test, so a picture that became used
    between the two statements stays."""
    now = now or utcnow()
    ids = select(Image.id).where(*_unused(now)).order_by(Image.id).limit(batch)
    ids = list(db.session.scalars(ids))
    if not ids:
        db.session.rollback()
        return 0
    result = db.session.execute(delete(Image).where(Image.id.in_(ids), *_unused(now)),
                                execution_options={"synchronize_session": False})
    db.session.commit()
    return result.rowcount


def delete_all_unused_images(batch=500, now=None):
    """Batch after batch until none is left; returns how many were deleted."""
    deleted = 0
    while True:
        count = delete_unused_images(batch, now)
        deleted += count
        if count < batch:
            return deleted


def delete_unused_images_now_and_then():
    """A small batch, now and then (an upload calls this after its own commit); a failure
    here is logged and never spoils the request that triggered it."""
    state = current_app.extensions.setdefault("image_cleanup", {})
    moment = time.monotonic()
    last = state.get("last")
    if last is not None and moment - last < OPPORTUNISTIC_EVERY_SECONDS:
        return
    state["last"] = moment
    try:
        delete_unused_images(OPPORTUNISTIC_BATCH)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("deleting unused pictures failed (%s); tried again later",
                    str(getattr(error, "orig", None) or error).strip().splitlines()[0])
