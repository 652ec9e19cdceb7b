"""Exports for organisers, read back the way a spreadsheet would: CSV (UTF-8 with BOM)
with csv, XLSX with openpyxl. Members get 403; private answers are in (managers only)."""
import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from tests.relay.conftest import PHONE_FIELD, sign_up

FIELDS = [{"key": "shirt", "label": "尺码", "type": "choice", "choices": ["S", "M", "L"]},
          {"key": "age", "label": "年龄", "type": "number"}, PHONE_FIELD,
          {"key": "note", "label": "备注"}]


def filled_relay(relay_with):
    rid, owner, people, _ = relay_with(members=["甲", "乙", "丙"], capacity=3, guests_max=1,
                                       fields=FIELDS)
    sign_up(people["甲"], rid, values={"shirt": "M", "age": "30", "phone": "13800000001",
                                       "note": "=HYPERLINK(\"http://evil\")"}, guests=1)
    sign_up(people["乙"], rid, values={"shirt": "L", "age": "12.5", "phone": "13800000002"})
    sign_up(people["丙"], rid, values={"phone": "13800000003"})
    first = owner.get(f"/api/v1/relays/{rid}").get_json()["entries"][0]["id"]
    owner.post(f"/api/v1/relays/{rid}/entries/{first}/attend")
    return rid, owner, people


def test_csv_has_a_bom_every_field_and_the_right_rows(relay_with):
    rid, owner, people = filled_relay(relay_with)
    response = owner.get(f"/api/v1/relays/{rid}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["No.", "Status", "Waitlist position", "Name", "尺码", "年龄", "手机号", "备注",
                       "Guests", "Signed up", "Attended"]
    body = rows[1:]
    assert [row[:4] for row in body] == [["1", "Confirmed", "", "甲"], ["2", "Confirmed", "", "乙"],
                                         ["", "Waitlisted", "1", "丙"]]
    assert body[0][4:9] == ["M", "30", "13800000001", "'=HYPERLINK(\"http://evil\")", "1"]
    assert body[1][5] == "12.5" and body[2][6] == "13800000003"
    assert [row[10] for row in body] == ["Yes", "", ""]
    signed_up = datetime.strptime(body[0][9], "%Y-%m-%d %H:%M")
    assert abs((signed_up - datetime.now()).total_seconds()) < 86400  # local to Asia/Shanghai


def test_xlsx_reads_back_with_typed_cells(relay_with):
    rid, owner, people = filled_relay(relay_with)
    response = owner.get(f"/api/v1/relays/{rid}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("No.", "Status", "Waitlist position", "Name")
    assert [row[:4] for row in rows[1:]] == [(1, "Confirmed", None, "甲"), (2, "Confirmed", None, "乙"),
                                            (None, "Waitlisted", 1, "丙")]
    assert rows[1][4:9] == ("M", 30, "13800000001", "=HYPERLINK(\"http://evil\")", 1)
    assert sheet.cell(row=2, column=8).data_type == "s"  # text, never a formula
    assert rows[2][5] == 12.5
    assert isinstance(rows[1][9], datetime)
    assert rows[1][10] == "Yes" and rows[3][10] is None


def test_exports_are_for_organisers_only(relay_with, user):
    rid, owner, people = filled_relay(relay_with)
    for kind in ("csv", "xlsx"):
        assert people["甲"].get(f"/api/v1/relays/{rid}/export.{kind}").status_code == 403
        assert user("路人").get(f"/api/v1/relays/{rid}/export.{kind}").status_code == 404


def test_a_relay_with_slots_exports_the_slot(relay_with):
    rid, owner, people, _ = relay_with(members=["甲"], slots=[{"label": "上午 9:00", "capacity": 2}])
    slot = owner.get(f"/api/v1/relays/{rid}").get_json()["slots"][0]["id"]
    sign_up(people["甲"], rid, slot_id=slot)
    rows = list(csv.reader(io.StringIO(
        owner.get(f"/api/v1/relays/{rid}/export.csv").get_data().decode("utf-8-sig"))))
    assert rows[0][-3] == "Slot" and rows[1][-3] == "上午 9:00"
    xlsx = load_workbook(io.BytesIO(owner.get(f"/api/v1/relays/{rid}/export.xlsx").get_data()))
    assert xlsx.active.cell(row=2, column=6).value == "上午 9:00"
