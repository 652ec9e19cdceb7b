"""Who read and who confirmed a notice, as its members and managers see it: once per
revision, counted against the current audience, with the reminder naming exactly those
who have not confirmed."""
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from grouptools.extensions import db
from grouptools.notice.models import Notice
from tests.conftest import statements_run
from tests.notice.conftest import names


def in_an_hour():
    return (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()


def deadline_passes_now(app, nid):
    """The deadline becomes this very moment: what was confirmed before stays on time."""
    time.sleep(0.01)
    with app.app_context():
        db.session.execute(update(Notice).where(Notice.public_id == nid)
                           .values(deadline=datetime.now(timezone.utc)))
        db.session.commit()


def test_opening_records_read_once_and_confirming_records_both(make_notice):
    world = make_notice()
    jia = world.member("甲")
    first = world.read(jia).get_json()
    assert first["my_receipt"]["viewed_at"] and first["my_receipt"]["confirmed_at"] is None
    again = world.read(jia).get_json()
    assert again["my_receipt"]["viewed_at"] == first["my_receipt"]["viewed_at"]

    # Publishing it was reading it, for its author.
    report = world.receipts().get_json()
    assert (report["audience_count"], report["viewed_count"], report["confirmed_count"]) == (4, 2, 0)
    assert names(report["viewed"]) == ["群主", "甲"] and report["confirmed"] == []

    # 乙 confirms without having opened it: confirming records reading too.
    yi = world.member("乙")
    confirmed = world.confirm(yi)
    assert confirmed.status_code == 201
    assert confirmed.get_json()["revision"] == 1 and confirmed.get_json()["late"] is False
    mine = world.read(yi).get_json()["my_receipt"]
    assert mine["confirmed_at"] and mine["viewed_at"]
    report = world.receipts().get_json()
    assert (report["viewed_count"], report["confirmed_count"], report["not_viewed_count"]) == (3, 1, 1)
    assert names(report["confirmed"]) == ["乙"] and names(report["viewed"]) == ["群主", "甲"]
    assert names(report["not_viewed"]) == ["丙"]


def test_confirming_twice_answers_the_same_time(make_notice):
    world = make_notice()
    jia = world.member("甲")
    world.read(jia)
    first = world.confirm(jia)
    second = world.confirm(jia)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["confirmed_at"] == second.get_json()["confirmed_at"]
    assert world.read(world.owner).get_json()["confirmed_count"] == 1


def test_a_notice_that_asks_no_confirmation_refuses_one(make_notice):
    world = make_notice(require_confirmation=False)
    jia = world.member("甲")
    assert world.confirm(jia).status_code == 409
    assert world.read(jia).get_json()["my_receipt"]["viewed_at"]
    report = world.receipts().get_json()
    assert report["viewed_count"] == 2 and report["reminder_text"] is None
    assert report["overdue"] is False


def test_chosen_audience_counts_only_the_chosen_who_are_still_members(make_notice, user):
    world = make_notice(members=("甲", "乙", "丙", "丁"), chosen=["甲", "乙", "丙"])
    for name in ("甲", "乙"):
        world.read(world.member(name))
    world.confirm(world.member("甲"))
    # A newcomer is not in a chosen audience; a removed member drops out of it.
    newcomer = user("新人")
    newcomer.post(f"/api/v1/groups/{world.gid}/join", json={"answer": "x"})
    world.remove("乙")
    report = world.receipts().get_json()
    assert (report["audience_count"], report["confirmed_count"], report["viewed_count"]) == (2, 1, 1)
    assert names(report["confirmed"]) == ["甲"]
    assert report["viewed"] == [] and names(report["not_viewed"]) == ["丙"]
    owner_view = world.read(world.owner).get_json()
    assert owner_view["audience"] == "chosen" and owner_view["my_receipt"] is None
    assert owner_view["audience_member_ids"] == [world.member_id("甲"), world.member_id("丙")]


def test_everyone_audience_takes_in_members_who_join_later(make_notice, user):
    world = make_notice(members=("甲",))
    world.confirm(world.member("甲"))
    newcomer = user("新人")
    newcomer.post(f"/api/v1/groups/{world.gid}/join", json={"answer": "x"})
    report = world.receipts().get_json()
    assert (report["audience_count"], report["confirmed_count"]) == (3, 1)
    assert names(report["not_viewed"]) == ["新人"]
    world.remove("甲")
    report = world.receipts().get_json()
    assert (report["audience_count"], report["confirmed_count"]) == (2, 0)


def test_the_reminder_names_exactly_the_unconfirmed_in_the_askers_language(make_notice):
    world = make_notice(members=("张三", "李四", "王五"), title="期末家长会")
    world.read(world.member("张三"))  # read, not confirmed: still reminded
    world.confirm(world.member("李四"))
    world.confirm(world.owner)
    chinese = world.owner.get(f"{world.path}/receipts",
                              headers={"Accept-Language": "zh-CN"}).get_json()["reminder_text"]
    assert chinese.startswith("@张三 @王五 请确认收到《期末家长会》")
    assert chinese.endswith(f"/n/{world.nid}")
    english = world.owner.get(f"{world.path}/receipts?lang=en").get_json()["reminder_text"]
    assert english.startswith("@张三 @王五 please confirm you have read “期末家长会”: http")
    for name in ("张三", "王五"):
        world.confirm(world.member(name))
    assert world.receipts().get_json()["reminder_text"] is None


def test_past_the_deadline_missing_confirmations_are_overdue_and_late_ones_count(app, make_notice):
    world = make_notice(members=("甲", "乙"), deadline=in_an_hour())
    world.confirm(world.member("甲"))
    assert world.receipts().get_json()["overdue"] is False
    deadline_passes_now(app, world.nid)
    assert world.receipts().get_json()["overdue"] is True
    assert world.read(world.member("乙")).get_json()["overdue"] is True
    late = world.confirm(world.member("乙"))
    assert late.status_code == 201 and late.get_json()["late"] is True
    world.confirm(world.owner)
    report = world.receipts().get_json()
    assert report["overdue"] is False and report["confirmed_count"] == 3
    mine = world.read(world.member("甲")).get_json()["my_receipt"]
    assert mine["late"] is False


def test_a_new_revision_asks_everyone_again_and_keeps_history(make_notice):
    world = make_notice(members=("甲", "乙"))
    world.confirm(world.member("甲"))
    world.read(world.member("乙"))
    revised = world.owner.patch(world.path, json={"new_revision": True, "body": "改到周日下午。"})
    assert revised.status_code == 200
    assert revised.get_json()["revision"] == 2 and revised.get_json()["confirmed_count"] == 0
    jia = world.read(world.member("甲")).get_json()
    assert jia["body"] == "改到周日下午。" and jia["my_receipt"]["confirmed_at"] is None
    assert world.confirm(world.member("甲")).get_json()["revision"] == 2
    report = world.receipts().get_json()
    assert report["revision"] == 2 and names(report["confirmed"]) == ["甲"]
    assert names(report["viewed"]) == ["群主"] and names(report["not_viewed"]) == ["乙"]
    history = world.read(world.member("乙"))  # noqa: F841  (reading revision 2)
    revisions = world.member("乙").get(f"{world.path}/revisions").get_json()
    assert [(r["revision"], r["body"], r["confirmed_count"]) for r in revisions] == [
        (2, "改到周日下午。", 1), (1, "改到周日上午十点，地点不变。", 1)]
    assert revisions[0]["published_at"] > revisions[1]["published_at"]


def test_a_correction_keeps_the_receipts(make_notice):
    world = make_notice(members=("甲",))
    world.confirm(world.member("甲"))
    corrected = world.owner.patch(world.path, json={"title": "周六活动改期（更正）"})
    assert corrected.status_code == 200
    body = corrected.get_json()
    assert (body["revision"], body["confirmed_count"], body["title"]) == (1, 1, "周六活动改期（更正）")
    assert world.read(world.member("甲")).get_json()["my_receipt"]["confirmed_at"]
    revisions = world.owner.get(f"{world.path}/revisions").get_json()
    assert [(r["revision"], r["title"]) for r in revisions] == [(1, "周六活动改期（更正）")]


def test_a_manager_outside_a_chosen_audience_sees_it_but_does_not_confirm(make_notice):
    world = make_notice(members=("甲",), admins=("管理员",), chosen=["甲"])
    admin = world.member("管理员")
    seen = world.read(admin)
    assert seen.status_code == 200 and seen.get_json()["my_receipt"] is None
    assert world.confirm(admin).status_code == 403
    assert world.receipts(admin).get_json()["audience_count"] == 1


def test_everyone_audience_counts_drop_those_who_left_or_were_removed(make_notice):
    world = make_notice(members=("甲", "乙", "丙", "丁"))
    world.confirm(world.member("甲"))
    world.confirm(world.member("乙"))
    world.read(world.member("丙"))
    assert world.member("乙").delete(f"/api/v1/groups/{world.gid}/members/me").status_code == 204
    world.remove("丙")
    report = world.receipts().get_json()
    assert (report["audience_count"], report["confirmed_count"], report["viewed_count"]) == \
        (3, 1, 2)  # 甲, and 群主 (publishing counts as opening it)
    assert names(report["confirmed"]) == ["甲"] and names(report["viewed"]) == ["群主"]
    assert names(report["not_viewed"]) == ["丁"]


def _statements_for(app, make_notice, size):
    """(statements of the receipts answer, of the manager's page) for an audience of
    `size` members plus the owner, a third confirmed and a sixth only opened."""
    members = [f"成员{size}-{i}" for i in range(size)]
    world = make_notice(members=members)
    for name in members[: size // 3]:
        world.confirm(world.member(name))
    for name in members[size // 3: size // 2]:
        world.read(world.member(name))
    with statements_run(app) as statements:
        report = world.receipts()
    assert report.status_code == 200
    assert report.get_json()["audience_count"] == size + 1
    world.owner.get(f"/n/{world.nid}")  # the page records the owner's view once
    with statements_run(app) as page:
        assert world.owner.get(f"/n/{world.nid}").status_code == 200
    assert len(statements) <= 12, statements
    return len(statements), len(page)


def test_receipts_and_the_page_run_the_same_statements_however_large_the_audience(
        app, make_notice):
    assert _statements_for(app, make_notice, 5) == _statements_for(app, make_notice, 60)


def test_each_list_comes_a_page_at_a_time_with_exact_counts(app, make_notice, monkeypatch):
    from grouptools.notice import receipts

    monkeypatch.setattr(receipts, "PAGE_SIZE", 2)
    members = ["甲", "乙", "丙", "丁", "戊"]
    world = make_notice(members=members)
    for name in members[:3]:
        world.confirm(world.member(name))
    pages = [world.owner.get(f"{world.path}/receipts?page={n}").get_json() for n in (1, 2, 3)]
    assert [(p["page"], p["pages"], p["page_size"]) for p in pages] == [(1, 2, 2), (2, 2, 2),
                                                                       (3, 2, 2)]
    assert all((p["confirmed_count"], p["viewed_count"], p["not_viewed_count"]) == (3, 4, 2)
               for p in pages)
    assert [names(p["confirmed"]) for p in pages] == [["甲", "乙"], ["丙"], []]
    assert [names(p["not_viewed"]) for p in pages] == [["丁", "戊"], [], []]
    # The reminder is not paged: it names everyone who has not confirmed, on every page.
    assert all(p["reminder_text"].startswith("@群主 @丁 @戊 ") for p in pages)
    for bad in ("0", "x", "99999999999999999999"):
        refused = world.owner.get(f"{world.path}/receipts?page={bad}")
        assert refused.status_code == 422 and refused.get_json()["errors"]["query"]["page"]


def test_the_reminder_names_at_most_its_first_names(app, make_notice, monkeypatch):
    from grouptools.notice import receipts

    monkeypatch.setattr(receipts, "REMINDER_MAX", 2)
    world = make_notice(members=["甲", "乙", "丙"])
    report = world.receipts().get_json()
    assert report["reminder_text"].startswith("@群主 @甲 … ")
    assert names(report["not_viewed"]) == ["甲", "乙", "丙"]


def _recounted(app, nid):
    """(audience, opened, confirmed) counted afresh from the members and every receipt,
    as the counts were before NoticeTally kept them; and the tally rows of each revision
    against a recount of all receipts."""
    from sqlalchemy import func, select

    from grouptools.core.models import Membership
    from grouptools.notice.models import NoticeReceipt, NoticeTally
    from grouptools.notice.receipts import current_receipt

    with app.app_context():
        notice = db.session.scalar(select(Notice).where(Notice.public_id == nid))
        audience = db.session.scalar(notice.audience_members(func.count()))
        opened, confirmed = db.session.execute(
            notice.audience_members(func.count(), func.count(NoticeReceipt.confirmed_at))
            .join(NoticeReceipt, current_receipt(notice, Membership.id))).one()
        kept = set(db.session.execute(select(
            NoticeTally.revision, NoticeTally.opened, NoticeTally.confirmed)
            .where(NoticeTally.notice_id == notice.id)).all())
        counted = set(db.session.execute(select(
            NoticeReceipt.revision, func.count(), func.count(NoticeReceipt.confirmed_at))
            .where(NoticeReceipt.notice_id == notice.id).group_by(NoticeReceipt.revision)).all())
        assert kept == counted
        return audience, opened, confirmed


def test_counts_stay_exact_as_members_leave_are_removed_come_back_and_a_revision_follows(
        app, make_notice):
    world = make_notice(members=("甲", "乙", "丙", "丁", "戊"))

    def counted():
        report = world.receipts().get_json()
        shown = (report["audience_count"], report["viewed_count"], report["confirmed_count"])
        assert shown == _recounted(app, world.nid)
        assert report["not_viewed_count"] == shown[0] - shown[1]
        assert len(report["confirmed"]) == shown[2]
        assert len(report["viewed"]) == shown[1] - shown[2]
        assert len(report["not_viewed"]) == shown[0] - shown[1]
        return shown

    assert counted() == (6, 1, 0)  # publishing counts as the owner's opening it
    world.read(world.member("甲"))
    world.confirm(world.member("甲"))  # opened first, then confirmed
    world.confirm(world.member("乙"))  # confirmed without opening first
    world.confirm(world.member("乙"))  # again: nothing changes
    world.read(world.member("丙"))
    world.read(world.member("丙"))
    assert counted() == (6, 4, 2)
    assert world.member("乙").delete(f"/api/v1/groups/{world.gid}/members/me").status_code == 204
    assert counted() == (5, 3, 1)
    world.remove("丙")
    assert counted() == (4, 2, 1)
    assert world.member("乙").post(f"/api/v1/groups/{world.gid}/join", json={}).status_code in (200, 201)
    assert counted() == (5, 3, 2)  # back: their confirmation of this revision counts again
    revised = world.owner.patch(world.path, json={"new_revision": True, "body": "改到周日下午。"})
    assert revised.status_code == 200 and revised.get_json()["confirmed_count"] == 0
    assert counted() == (5, 1, 0)  # only the owner has opened revision 2
    world.confirm(world.member("丁"))
    world.read(world.member("戊"))
    assert counted() == (5, 3, 1)
    revisions = world.owner.get(f"{world.path}/revisions").get_json()
    assert [(r["revision"], r["confirmed_count"]) for r in revisions] == [(2, 1), (1, 2)]


def test_the_migration_fills_the_tallies_from_the_receipts_there_are(app, make_notice):
    from flask_migrate import downgrade, upgrade

    world = make_notice(members=("甲", "乙", "丙"))
    world.confirm(world.member("甲"))
    world.read(world.member("乙"))
    assert world.owner.patch(world.path, json={"new_revision": True}).status_code == 200
    world.confirm(world.member("丙"))
    before = world.receipts().get_json()
    with app.app_context():
        db.session.remove()
        downgrade(revision="8d4e2a6c1f57")  # the tallies are gone, the receipts stay
        upgrade()
    after = world.receipts().get_json()
    assert [after[key] for key in ("audience_count", "viewed_count", "confirmed_count")] == \
        [before[key] for key in ("audience_count", "viewed_count", "confirmed_count")] == [4, 2, 1]
    _recounted(app, world.nid)  # every revision's tally, the first one's too


def _seen_by(world, name):
    """(audience_count, confirmed_count, my confirmed_at) on a member's own JSON."""
    body = world.read(world.member(name)).get_json()
    return body["audience_count"], body["confirmed_count"], body["my_receipt"]["confirmed_at"]


@pytest.mark.parametrize("chosen", [None, ["甲", "乙", "丙"]])
def test_the_counts_on_a_members_notice_move_with_each_receipt_revision_and_departure(
        make_notice, chosen):
    world = make_notice(members=("甲", "乙", "丙"), chosen=chosen)
    everyone = 4 if chosen is None else 3  # the owner is in an audience to everyone
    assert _seen_by(world, "甲") == (everyone, 0, None)

    # 甲 opened it before confirming; 乙 confirms without having opened it.
    jia = world.confirm(world.member("甲"))
    assert jia.status_code == 201
    assert _seen_by(world, "甲") == (everyone, 1, jia.get_json()["confirmed_at"])
    yi = world.confirm(world.member("乙"))
    assert yi.status_code == 201
    assert _seen_by(world, "丙") == (everyone, 2, None)
    again = world.confirm(world.member("甲"))
    assert again.status_code == 200
    assert again.get_json()["confirmed_at"] == jia.get_json()["confirmed_at"]
    report = world.receipts().get_json()
    assert (report["confirmed_count"], report["viewed_count"]) == (2, everyone)

    revised = world.owner.patch(world.path, json={"new_revision": True, "body": "改到周日下午。"})
    assert revised.get_json()["confirmed_count"] == 0
    assert _seen_by(world, "甲") == (everyone, 0, None)
    assert world.confirm(world.member("甲")).get_json()["revision"] == 2
    assert _seen_by(world, "乙") == (everyone, 1, None)

    # 甲 is removed: their confirmation drops out of every count at once.
    world.remove("甲")
    assert _seen_by(world, "乙") == (everyone - 1, 0, None)
    report = world.receipts().get_json()
    assert (report["audience_count"], report["confirmed_count"]) == (everyone - 1, 0)
    assert names(report["confirmed"]) == [] and "甲" not in report["reminder_text"]
