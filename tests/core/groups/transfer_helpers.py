"""Helpers of the group export/import tests: a group holding every kind built through
the API, the zip read back, and the database wiped between export and import."""
import io
import json
import zipfile

from sqlalchemy import func, select

from grouptools.core.models import Image
from grouptools.extensions import db
from tests.conftest import bearer, wipe_database  # noqa: F401 (the tests import it from here)
from tests.poll.conftest import png_bytes


def upload(person, gid, colour, size=(64, 48)):
    response = person.client.post(
        "/api/v1/images", headers=bearer(person.token),
        data={"file": (io.BytesIO(png_bytes(colour, size)), "photo.png"), "group_id": gid},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def export_zip(owner, gid):
    response = owner.get(f"/api/v1/groups/{gid}/export.zip")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    return response.get_data()


def read_zip(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    document = json.loads(archive.read("group.json"))
    pictures = {name: archive.read(name) for name in archive.namelist()
                if name.startswith("images/")}
    csvs = {name: archive.read(name).decode("utf-8") for name in archive.namelist()
            if name.startswith("csv/")}
    return document, pictures, csvs


def import_zip(person, data, name="group.zip"):
    return person.client.post(
        "/api/v1/groups/import", headers=bearer(person.token),
        data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def stored_counts(app):
    """{table: rows} of every table: what an import may not leave behind when refused."""
    with app.app_context():
        counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
                  for table in db.metadata.sorted_tables}
        counts["image bytes"] = db.session.scalar(
            select(func.coalesce(func.sum(func.length(Image.data)), 0)))
        db.session.remove()
    return counts


def without_times(value):
    """group.json apart from when it was written and the times rows carry."""
    if isinstance(value, dict):
        return {key: without_times(item) for key, item in value.items()
                if key != "exported_at" and not key.endswith("_at")}
    if isinstance(value, list):
        return [without_times(item) for item in value]
    return value
