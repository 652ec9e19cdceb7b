"""What leaves a notice for its managers and the group's owner: the receipts as CSV,
the group export with the whole receipt history, the lines on the group page, and what
a member's departure does."""
import csv
import io

from sqlalchemy import select

from grouptools.core.groups.service import find_group
from grouptools.core.models import Person
from grouptools.core.widgets import widgets_for_group
from grouptools.extensions import db
from tests.notice.conftest import names


def rows_of(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_has_one_row_per_audience_member_for_the_current_revision(make_notice):
    world = make_notice(members=("甲", "=HYPERLINK(1)", "丙"))
    world.confirm(world.member("甲"))
    world.read(world.member("丙"))
    world.remove("丙")
    response = world.owner.get(f"{world.path}/export.csv?lang=en")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0] == ["Member", "Status", "Read at", "Confirmed at", "Late"]
    by_name = {row[0]: row[1] for row in rows[1:]}
    assert by_name == {"群主": "Has read", "甲": "Has confirmed", "'=HYPERLINK(1)": "Has not read"}


def test_the_group_export_keeps_every_revision_and_receipt(make_notice):
    world = make_notice(members=("甲", "乙"))
    world.confirm(world.member("甲"))
    world.owner.patch(world.path, json={"new_revision": True, "title": "新版"})
    world.remove("甲")
    exported = world.owner.get(f"/api/v1/groups/{world.gid}/export.json").get_json()
    (notice,) = exported["widgets"]["notices"]
    assert notice["title"] == "新版" and notice["revision"] == 2
    assert [r["revision"] for r in notice["revisions"]] == [2, 1]
    # The departed member's confirmation of revision 1 is history, kept.
    assert {(r["name"], r["revision"], bool(r["confirmed_at"])) for r in notice["receipts"]} >= \
        {("甲", 1, True)}
    before = world.receipts().get_json()["viewed_count"]
    world.owner.get(f"/api/v1/groups/{world.gid}/export.json")
    assert world.receipts().get_json()["viewed_count"] == before  # exporting reads nothing


def test_the_group_page_says_which_notices_wait_for_me(app, make_notice):
    world = make_notice(members=("甲", "乙"), chosen=["甲"])
    plain = world.owner.post(f"/api/v1/groups/{world.gid}/notices",
                             json={"title": "不用确认", "require_confirmation": False}).get_json()
    world.confirm(world.member("甲"))

    def lines(person):
        with app.test_request_context("/?lang=en"):
            who = db.session.scalar(select(Person).where(Person.public_id == person.id))
            return {item.title: item for item in widgets_for_group(find_group(world.gid), who)}

    jia = lines(world.member("甲"))
    assert set(jia) == {"周六活动改期", plain["title"]}
    assert not jia["周六活动改期"].needs_me and jia["周六活动改期"].status == "You confirmed"
    assert not jia[plain["title"]].needs_me
    assert set(lines(world.member("乙"))) == {plain["title"]}  # not addressed to 乙
    owner = lines(world.owner)
    assert set(owner) == {"周六活动改期", plain["title"]}  # managers see every notice
    assert not owner["周六活动改期"].needs_me  # …without being asked to confirm it
    world.owner.patch(world.path, json={"new_revision": True})
    jia = lines(world.member("甲"))
    assert jia["周六活动改期"].needs_me and jia["周六活动改期"].status == "Please confirm"
    assert jia["周六活动改期"].url == f"/n/{world.nid}" and jia["周六活动改期"].kind == "notice"


def test_a_departed_member_leaves_chosen_audiences_and_is_not_brought_back(make_notice):
    world = make_notice(members=("甲", "乙"), chosen=["甲", "乙"])
    world.confirm(world.member("甲"))
    world.remove("甲")
    assert world.receipts().get_json()["confirmed_count"] == 0
    restored = world.owner.patch(f"/api/v1/groups/{world.gid}/members/{world.member_id('甲')}",
                                 json={"status": "active"})
    assert restored.status_code == 200
    assert world.read(world.member("甲")).status_code == 404
    report = world.receipts().get_json()
    assert report["audience_count"] == 1 and names(report["not_viewed"]) == ["乙"]


def test_a_pinned_notice_stays_on_top_and_a_closed_one_waits_for_nobody(app, make_notice):
    world = make_notice(members=("甲",), pinned=True, title="群规")
    newer = world.owner.post(f"/api/v1/groups/{world.gid}/notices",
                             json={"title": "周日改期"}).get_json()
    closed = world.owner.post(f"/api/v1/groups/{world.gid}/notices",
                              json={"title": "已结束的通知"}).get_json()
    assert world.owner.post(f"/api/v1/notices/{closed['id']}/close").status_code == 200

    page = world.member("甲").get(f"/g/{world.gid}?lang=en").get_data(as_text=True)
    assert page.index("群规") < page.index(">Pinned<") < page.index("周日改期") < page.index("已结束的通知")
    assert page.count(">Your turn<") == 2  # the pinned notice and the newer one; not the closed
    with app.test_request_context("/?lang=en"):
        jia = db.session.scalar(select(Person).where(Person.public_id == world.member("甲").id))
        lines = {item.title: item for item in widgets_for_group(find_group(world.gid), jia)}
    assert lines["群规"].pinned and not lines["周日改期"].pinned
    assert lines["已结束的通知"].closed and not lines["已结束的通知"].needs_me
    assert lines["已结束的通知"].status == ""  # no "please confirm" for what takes no confirmation
