"""A damaged, oversized or foreign file is refused with what is wrong, and nothing is
stored: every table holds as many rows after the refusal as before."""
import hashlib
import io
import json
import zipfile

import pytest

from grouptools.core.groups import importzip
from tests.core.groups.transfer_helpers import export_zip, import_zip, stored_counts
from tests.core.groups.test_transfer import build_group


@pytest.fixture
def exported(group_with):
    gid, owner, _ = build_group(group_with)
    return export_zip(owner, gid)


def rezip(data, change=None, extra=(), skip=()):
    """The export with group.json changed by `change(document)`, `extra` entries added
    and those named in `skip` left out."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name in skip:
                continue
            body = source.read(name)
            if name == "group.json" and change is not None:
                document = json.loads(body)
                change(document)
                body = json.dumps(document).encode()
            target.writestr(name, body)
        for name, body in extra:
            target.writestr(name, body)
    return out.getvalue()


def refused(app, person, data):
    """The answer to importing `data`, checked to have stored nothing."""
    before = stored_counts(app)
    answer = import_zip(person, data)
    assert stored_counts(app) == before
    return answer


def test_a_truncated_zip_is_refused(app, user, exported):
    answer = refused(app, user("新群主"), exported[: len(exported) // 2])
    assert answer.status_code == 422
    assert "damaged or incomplete" in answer.get_json()["message"]
    assert answer.get_json()["errors"]["json"]["file"]


def test_a_file_that_is_no_zip_at_all_is_refused(app, user):
    answer = refused(app, user("新群主"), "name,phone\n张三,138\n".encode())
    assert answer.status_code == 422 and "damaged or incomplete" in answer.get_json()["message"]


@pytest.mark.parametrize("names", [["group.json", "hello.txt"], ["hello.txt"]])
def test_a_zip_from_another_app_is_refused(app, user, names):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, json.dumps({"format": "other-app", "items": []})
                             if name == "group.json" else "hello")
    answer = refused(app, user("新群主"), out.getvalue())
    assert answer.status_code == 422
    assert "not a group exported from grouptools" in answer.get_json()["message"]


def test_group_json_nested_without_end_is_refused(app, user):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("group.json", "[" * 5000 + "]" * 5000)
    answer = refused(app, user("新群主"), out.getvalue())
    assert answer.status_code == 422


def test_a_newer_format_version_is_refused(app, user, exported):
    data = rezip(exported, lambda d: d.update(version=2))
    answer = refused(app, user("新群主"), data)
    assert answer.status_code == 422 and "version 2" in answer.get_json()["message"]


@pytest.mark.parametrize("path", ["../evil.txt", "/etc/cron.d/evil", "images/../../x",
                                  "C:/evil.txt"])
def test_a_path_outside_the_archive_is_refused(app, user, exported, path):
    answer = refused(app, user("新群主"), rezip(exported, extra=[(path, b"x")]))
    assert answer.status_code == 422
    assert "outside its folder" in answer.get_json()["message"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app, user, exported):
    bomb = rezip(exported, extra=[("csv/bomb.csv", b"\0" * (20 * 1024 * 1024))])
    assert len(bomb) < len(exported) + 200_000
    answer = refused(app, user("新群主"), bomb)
    assert answer.status_code == 422 and "more than is allowed" in answer.get_json()["message"]


def test_everything_read_out_of_the_archive_is_capped(app, user, exported, monkeypatch):
    # Headers declaring little are not trusted: what is actually read counts too.
    monkeypatch.setattr(importzip, "MAX_UNCOMPRESSED", 4096)
    monkeypatch.setattr(importzip.Archive, "__init__", _trusting_init(importzip.Archive.__init__))
    answer = refused(app, user("新群主"), exported)
    assert answer.status_code == 422 and "more than is allowed" in answer.get_json()["message"]


def _trusting_init(original):
    """The archive's declared sizes waved through, as if its headers lied."""
    def init(self, fileobj):
        limit = importzip.MAX_UNCOMPRESSED
        importzip.MAX_UNCOMPRESSED = 10 ** 12
        try:
            original(self, fileobj)
        finally:
            importzip.MAX_UNCOMPRESSED = limit
    return init


def test_group_json_that_fails_its_schema_is_refused_with_the_field(app, user, exported):
    def spoil(document):
        document["group"]["name"] = "x" * 500
        document["members"][1]["role"] = "king"
    answer = refused(app, user("新群主"), rezip(exported, spoil))
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]["json"]["group_json"]
    assert "name" in errors["group"] and "role" in errors["members"]["1"]


def test_a_widget_that_fails_its_columns_rolls_everything_back(app, user, exported):
    def spoil(document):
        relay = next(w for w in document["widgets"] if w["kind"] == "relay")
        relay["data"]["title"] = "\x00"
    answer = refused(app, user("新群主"), rezip(exported, spoil))
    assert answer.status_code == 422
    assert "title" in str(answer.get_json()["errors"]["json"]["group_json"]["widgets"])


def test_contradicting_rows_are_refused_with_nothing_stored(app, user, exported):
    def spoil(document):
        relay = next(w for w in document["widgets"] if w["kind"] == "relay")
        relay["data"]["entries"][1]["status"] = "confirmed"
        relay["data"]["entries"][1]["confirmed_seq"] = relay["data"]["entries"][0]["confirmed_seq"]
    answer = refused(app, user("新群主"), rezip(exported, spoil))
    assert answer.status_code == 422 and "contradict" in answer.get_json()["message"]


def test_a_picture_that_is_not_a_picture_is_refused(app, user, exported):
    fake = b"<html>not a picture</html>"
    digest = hashlib.sha256(fake).hexdigest()
    first = json.loads(zipfile.ZipFile(io.BytesIO(exported)).read("group.json"))["images"][0]

    def swap(document):
        entry = document["images"][0]
        old = entry["ref"]
        entry.update(ref=digest, file=f"images/{digest}.jpg")
        for widget in document["widgets"]:
            for option in widget["data"].get("options", []):
                if option.get("image") == old:
                    option["image"] = digest
    data = rezip(exported, swap, extra=[(f"images/{digest}.jpg", fake)], skip=[first["file"]])
    answer = refused(app, user("新群主"), data)
    assert answer.status_code == 422 and f"images/{digest}.jpg" in answer.get_json()["message"]


def test_a_picture_that_does_not_match_its_hash_is_refused(app, user, exported):
    source = zipfile.ZipFile(io.BytesIO(exported))
    name = next(n for n in source.namelist() if n.startswith("images/"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.namelist():
            target.writestr(entry, source.read(entry)[:-10] if entry == name else source.read(entry))
    answer = refused(app, user("新群主"), out.getvalue())
    assert answer.status_code == 422 and "missing or damaged" in answer.get_json()["message"]


def test_an_oversized_upload_is_refused(app, user, exported):
    limits = app.config["BODY_LIMITS"]
    saved = limits["groups.import_group"]
    limits["groups.import_group"] = len(exported) // 2
    try:
        answer = refused(app, user("新群主"), exported)
    finally:
        limits["groups.import_group"] = saved
    assert answer.status_code == 413


def test_import_needs_a_person_and_a_file(app, user, client):
    assert client.post("/api/v1/groups/import", data={},
                       content_type="multipart/form-data").status_code in (400, 401)
    person = user("新群主")
    answer = person.client.post("/api/v1/groups/import", headers={"Authorization": f"Bearer {person.token}"},
                                data={}, content_type="multipart/form-data")
    assert answer.status_code == 422 and answer.get_json()["errors"]["json"]["file"]
    answer = person.post("/api/v1/groups/import", json={"file": "x"})
    assert answer.status_code == 415
