"""The reply format revised after people replied: what may change, what is refused (409
with the field marked), and answers to a removed field kept on the entries and in the
download."""
import csv
import io
import re

from tests.core.groups.test_views import submit
from tests.relay.conftest import sign_up

FIELDS = [{"key": "size", "label": "尺码", "type": "choice", "choices": ["S", "M"]},
          {"key": "note", "label": "备注"}]


def replied_relay(relay_with):
    rid, owner, people, gid = relay_with(members=["甲", "乙"], fields=FIELDS)
    assert sign_up(people["甲"], rid, values={"size": "M", "note": "素食"}).status_code == 201
    return rid, owner, people


def patch_fields(owner, rid, fields):
    return owner.patch(f"/api/v1/relays/{rid}", json={"fields": fields})


def test_labels_hints_privacy_and_new_optional_fields_change_after_replies(relay_with):
    rid, owner, people = replied_relay(relay_with)
    revised = patch_fields(owner, rid, [
        {"key": "size", "label": "T恤尺码", "type": "choice", "choices": ["S", "M", "L"],
         "hint": "按平时穿的", "private": True},
        {"key": "note", "label": "备注"},
        {"key": "arrival", "label": "到达时间"}])
    assert revised.status_code == 200, revised.get_json()
    fields = revised.get_json()["fields"]
    assert [(f["key"], f["label"]) for f in fields] == [
        ("size", "T恤尺码"), ("note", "备注"), ("arrival", "到达时间")]
    assert fields[0]["choices"] == ["S", "M", "L"] and fields[0]["private"] is True
    entry = owner.get(f"/api/v1/relays/{rid}").get_json()["entries"][0]
    assert entry["values"] == {"size": "M", "note": "素食"}
    # The new choice and the new field take answers at once.
    assert sign_up(people["乙"], rid, values={"size": "L", "arrival": "9点"}).status_code == 201
    log = [line["text"] for line in owner.get(f"/api/v1/relays/{rid}").get_json()["log"]]
    assert "An organiser added the field “到达时间”" in log


def test_what_would_no_longer_fit_the_answers_is_409(relay_with):
    rid, owner, _ = replied_relay(relay_with)
    refused = [
        [{"key": "size", "label": "尺码", "type": "text"}, FIELDS[1]],  # type
        [{**FIELDS[0], "choices": ["S", "L"]}, FIELDS[1]],  # a choice someone chose
        [FIELDS[0], {**FIELDS[1], "required": True}],  # required now
        [*FIELDS, {"key": "phone", "label": "手机号", "type": "phone", "required": True}],
        [FIELDS[0], {**FIELDS[1], "pattern": "^x$"}],
    ]
    for fields in refused:
        response = patch_fields(owner, rid, fields)
        assert response.status_code == 409, fields
        assert "People have replied already" in response.get_json()["message"]
    assert owner.get(f"/api/v1/relays/{rid}").get_json()["fields"] == patch_fields(
        owner, rid, FIELDS).get_json()["fields"]  # nothing changed; the same format is fine


def test_a_removed_field_keeps_its_answers_in_the_download(relay_with):
    rid, owner, people = replied_relay(relay_with)
    assert patch_fields(owner, rid, [FIELDS[0]]).status_code == 200
    # The entrant edits their entry: the removed answer stays with it all the same.
    entry = owner.get(f"/api/v1/relays/{rid}").get_json()["entries"][0]["id"]
    edited = people["甲"].patch(f"/api/v1/relays/{rid}/entries/{entry}", json={"values": {"size": "S"}})
    assert edited.status_code == 200, edited.get_json()
    data = owner.get(f"/api/v1/relays/{rid}/export.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0][4:6] == ["尺码", "备注 (removed)"]
    assert rows[1][3:6] == ["甲", "S", "素食"]
    log = [line["text"] for line in owner.get(f"/api/v1/relays/{rid}").get_json()["log"]]
    assert "An organiser removed the field “备注” (its answers stay in the download)" in log
    # The same in Chinese.
    zh = {"Accept-Language": "zh-CN"}
    data = owner.get(f"/api/v1/relays/{rid}/export.csv", headers=zh).get_data().decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(data)))[4:6] == ["尺码", "备注（已删除）"]
    log = [line["text"] for line in owner.get(f"/api/v1/relays/{rid}", headers=zh).get_json()["log"]]
    assert "组织者删除了字段“备注”（已填写的内容保留在下载文件中）" in log


def test_the_organiser_page_revises_the_format_and_marks_a_refused_row(relay_with, app):
    rid, owner, _ = replied_relay(relay_with)
    manage = f"/r/{rid}/manage"
    page = owner.get(manage).get_data(as_text=True)
    assert 'id="format"' in page and 'name="field-1-key" value="size"' in page
    form = {"field-1-key": "size", "field-1-label": "尺码", "field-1-type": "choice",
            "field-1-choices": "S / M / XL", "field-2-key": "note", "field-2-label": "",
            "field-3-label": "到达时间", "field-3-type": "text"}
    saved = submit(owner, manage, f"/r/{rid}/format", form)
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#format")
    fields = owner.get(f"/api/v1/relays/{rid}").get_json()["fields"]
    assert [(f["label"], f["required"]) for f in fields] == [("尺码", False), ("到达时间", False)]
    assert fields[0]["choices"] == ["S", "M", "XL"]
    # A new required row is refused next to itself, and what was typed stays.
    rows = {"field-1-key": "size", "field-1-label": "尺码", "field-1-type": "choice",
            "field-1-choices": "S / M / XL", "field-2-key": fields[1]["key"],
            "field-2-label": "到达时间", "field-2-type": "text",
            "field-3-label": "手机号", "field-3-type": "phone", "field-3-required": "on"}
    for headers, message in (({"Accept-Language": "en"}, "a new field must be optional"),
                             ({"Accept-Language": "zh-CN"}, "新增的字段只能是选填")):
        refused = submit(owner, manage, f"/r/{rid}/format", rows, headers=headers)
        assert refused.status_code == 409
        html = refused.get_data(as_text=True)
        assert re.search(r'id="f-field-3-required"[^>]*aria-invalid="true"', html)
        assert message in html and 'value="手机号"' in html
    assert len(owner.get(f"/api/v1/relays/{rid}").get_json()["fields"]) == 2
