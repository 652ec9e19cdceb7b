"""Who has not opened a notice and who has not confirmed it, as its managers see them: read
off rows kept by every write that changes them (grouptools/notice/pending.py), which stay
exactly the audience members who have not confirmed the current revision, whatever joins,
leaves, comes back, opens, confirms or is chosen."""
from sqlalchemy import select

from grouptools.core.models import Membership
from grouptools.extensions import db
from grouptools.notice.models import Notice, NoticePending, NoticeReceipt
from tests.conftest import statements_run
from tests.notice.conftest import names


def kept_rows(app, nid):
    """{(membership id, revision, opened, joined_at)} of the notice's NoticePending rows."""
    with app.app_context():
        notice_id = db.session.scalar(select(Notice.id).where(Notice.public_id == nid))
        return set(db.session.execute(
            select(NoticePending.membership_id, NoticePending.revision, NoticePending.opened,
                   NoticePending.joined_at).where(NoticePending.notice_id == notice_id)).all())


def pending_agrees(app, nid):
    """The kept rows are what they stand for, worked out afresh from the audience and the
    receipts: each active audience member without a confirmation of the current revision,
    opened or not. Returns how many there are."""
    with app.app_context():
        notice = db.session.scalar(select(Notice).where(Notice.public_id == nid))
        receipts = dict(db.session.execute(
            select(NoticeReceipt.membership_id, NoticeReceipt.confirmed_at)
            .where(NoticeReceipt.notice_id == notice.id,
                   NoticeReceipt.revision == notice.revision)).all())
        audience = db.session.execute(
            notice.audience_members(Membership.id, Membership.joined_at)).all()
        expected = {(member, notice.revision, member in receipts, joined)
                    for member, joined in audience if receipts.get(member) is None}
    assert kept_rows(app, nid) == expected
    return len(expected)


def lists(world):
    report = world.receipts().get_json()
    reminded = [name.lstrip("@") for name in (report["reminder_text"] or "").split()
                if name.startswith("@")]
    assert report["not_viewed_count"] == len(report["not_viewed"])
    assert report["audience_count"] - report["confirmed_count"] == len(reminded)
    return names(report["not_viewed"]), reminded


def test_the_lists_follow_openings_confirmations_joins_departures_returns_and_revisions(
        app, make_notice, user):
    world = make_notice(members=("甲", "乙", "丙", "丁"))
    gid = world.gid
    assert pending_agrees(app, world.nid) == 5
    assert lists(world) == (["甲", "乙", "丙", "丁"], ["群主", "甲", "乙", "丙", "丁"])
    world.read(world.member("甲"))
    world.confirm(world.member("乙"))
    assert pending_agrees(app, world.nid) == 4
    assert lists(world) == (["丙", "丁"], ["群主", "甲", "丙", "丁"])

    newcomer = user("戊")
    assert newcomer.post(f"/api/v1/groups/{gid}/join", json={}).status_code == 201
    pending_agrees(app, world.nid)
    assert lists(world) == (["丙", "丁", "戊"], ["群主", "甲", "丙", "丁", "戊"])

    # Leaving and being removed take them off both lists; coming back puts them last
    # (they joined again), with what they did to this revision kept.
    assert world.member("甲").delete(f"/api/v1/groups/{gid}/members/me").status_code == 204
    assert world.member("乙").delete(f"/api/v1/groups/{gid}/members/me").status_code == 204
    world.remove("丙")
    pending_agrees(app, world.nid)
    assert lists(world) == (["丁", "戊"], ["群主", "丁", "戊"])
    for name in ("甲", "乙"):
        assert world.member(name).post(f"/api/v1/groups/{gid}/join", json={}).status_code == 201
    restored = world.owner.patch(f"/api/v1/groups/{gid}/members/{world.member_id('丙')}",
                                 json={"status": "active"})
    assert restored.status_code == 200
    pending_agrees(app, world.nid)
    # 甲 opened it before leaving, 乙 confirmed it: neither is "not opened".
    assert lists(world) == (["丁", "戊", "丙"], ["群主", "丁", "戊", "甲", "丙"])

    revised = world.owner.patch(world.path, json={"new_revision": True, "body": "改到周日下午。"})
    assert revised.status_code == 200
    assert pending_agrees(app, world.nid) == 6
    not_opened, reminded = lists(world)
    assert set(not_opened) == {"甲", "乙", "丙", "丁", "戊"}  # the owner opened revision 2
    assert len(reminded) == 6
    world.confirm(world.member("丁"))
    world.read(newcomer)
    pending_agrees(app, world.nid)
    assert "丁" not in lists(world)[1] and "戊" not in lists(world)[0]


def test_a_correction_and_the_deletion_of_a_notice_keep_them_right(app, make_notice):
    world = make_notice(members=("甲", "乙"))
    world.confirm(world.member("甲"))
    assert world.owner.patch(world.path, json={"body": "改到周日上午十一点。"}).status_code == 200
    assert pending_agrees(app, world.nid) == 2  # the owner and 乙: a correction asks nobody again
    assert world.owner.delete(world.path).status_code in (200, 204)
    with app.app_context():
        assert db.session.scalar(select(NoticePending.notice_id).limit(1)) is None


def test_a_chosen_audience_lists_only_the_chosen_and_follows_a_new_choice(app, make_notice):
    world = make_notice(members=("甲", "乙", "丙", "丁"), chosen=["甲", "乙"])
    assert pending_agrees(app, world.nid) == 2
    world.confirm(world.member("乙"))
    world.read(world.member("甲"))
    assert lists(world) == ([], ["甲"])

    # 乙 stays chosen and stays confirmed; 甲 goes; 丙 and 丁 come.
    ids = [world.member_id(name) for name in ("乙", "丙", "丁")]
    assert world.owner.patch(world.path, json={"audience_member_ids": ids}).status_code == 200
    assert pending_agrees(app, world.nid) == 2
    assert lists(world) == (["丙", "丁"], ["丙", "丁"])
    # Everyone again: the owner and 甲 (who opened it) join the lists.
    assert world.owner.patch(world.path, json={"audience_member_ids": None}).status_code == 200
    assert pending_agrees(app, world.nid) == 4
    assert lists(world) == (["丙", "丁"], ["群主", "甲", "丙", "丁"])


def test_a_member_joining_a_group_with_many_notices_costs_the_same_statements(
        app, make_notice, user):
    """One INSERT … SELECT over the group's notices, however many there are."""
    world = make_notice(members=("甲",))

    def joining(name):
        person = user(name)
        with statements_run(app) as statements:
            assert person.post(f"/api/v1/groups/{world.gid}/join", json={}).status_code == 201
        return len(statements)

    one = joining("乙")
    for n in range(4):
        response = world.owner.post(f"/api/v1/groups/{world.gid}/notices",
                                    json={"title": f"通知 {n}"})
        assert response.status_code == 201
    assert joining("丙") == one
    report = world.receipts().get_json()
    assert names(report["not_viewed"]) == ["甲", "乙", "丙"]


def test_the_migration_fills_the_rows_of_the_notices_there_are(app, make_notice, user):
    from flask_migrate import downgrade, upgrade

    world = make_notice(members=("甲", "乙", "丙"))
    world.confirm(world.member("甲"))
    world.read(world.member("乙"))
    assert world.owner.patch(world.path, json={"new_revision": True}).status_code == 200
    world.read(world.member("丙"))
    chosen = make_notice(members=("丁", "戊"), chosen=["戊"])
    before = kept_rows(app, world.nid), kept_rows(app, chosen.nid)
    with app.app_context():
        db.session.remove()
        downgrade(revision="b3d9f2a6c481")  # the rows are gone, receipts and members stay
        upgrade()
    assert (kept_rows(app, world.nid), kept_rows(app, chosen.nid)) == before
    assert pending_agrees(app, world.nid) == 4 and pending_agrees(app, chosen.nid) == 1


def test_an_imported_notice_lists_the_same_members(app, group_with, user):
    from tests.core.groups.test_transfer import build_group
    from tests.core.groups.transfer_helpers import export_zip, import_zip

    gid, owner, _ = build_group(group_with, kinds=("notice",))

    def listed(person, group_id):
        notices = person.get(f"/api/v1/groups/{group_id}/export.json").get_json()["widgets"]
        answers = []
        for notice in notices["notices"]:
            report = person.get(f"/api/v1/notices/{notice['id']}/receipts").get_json()
            pending_agrees(app, notice["id"])
            answers.append((names(report["not_viewed"]), report["reminder_text"] or ""))
        return sorted((not_viewed, [word for word in reminder.split() if word[0] == "@"])
                      for not_viewed, reminder in answers)

    before = listed(owner, gid)
    assert any(not_viewed for not_viewed, _ in before)
    importer = user("群主")
    new_gid = import_zip(importer, export_zip(owner, gid)).get_json()["id"]
    assert listed(importer, new_gid) == before
