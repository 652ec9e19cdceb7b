"""How the group dashboard scales with the group (target: a 2,000-member group's
dashboard within 1.5× the time of a 20-member group's, in as many statements).

Run: .venv/bin/python bench/dashboard.py [runs]
     GROUPTOOLS_BENCH_DATABASE_URL=postgresql+psycopg://… to run it on PostgreSQL
     (the database is emptied first: give it one of its own).

For each size it builds a group of that many active members (the owner included) who
joined 90 days ago, with a poll, a notice and a habit; three members in four took part
over the last twelve weeks (a vote, a confirmation, a few check-ins each, on days spread
over the weeks) and the fourth has been quiet for a month. It then asks, as the owner,
for GET /api/v1/groups/<gid>/dashboard (the first page of 20 members, the quiet list, the
reminder, the chart) and for the page /g/<gid>/dashboard sorted by last activity, and
prints the medians, the 95th percentiles and the statements each request runs."""
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GROUPTOOLS_INSTANCE_DIR", tempfile.mkdtemp(prefix="gt-bench-"))

from sqlalchemy import insert, text  # noqa: E402

from bench.notice_receipts import StatementCounter  # noqa: E402
from bench.poll_results import bench_app, bench_url, report_flat, time_all  # noqa: E402

SIZES = (20, 2_000)
TARGET_RATIO = 1.5
CHECKINS_EACH = 6


def build(app, size):
    """The group, its widgets and what its members did, written in bulk."""
    from grouptools.checkin import service as habits
    from grouptools.checkin.models import Checkin
    from grouptools.core.groups import service as groups
    from grouptools.core.models import Membership, Person, hash_secret, new_public_id
    from grouptools.core.people import service as people
    from grouptools.core.timeutil import local_today, utcnow
    from grouptools.core.groups.counting import recount
    from grouptools.extensions import db
    from grouptools.notice import service as notices
    from grouptools.notice.models import NoticeReceipt
    from grouptools.notice.receipts import refill_tallies
    from grouptools.poll import service as polls
    from grouptools.poll.models import Participation, Vote

    with app.app_context():
        owner, owner_token = people.create_person("群主")
        group = groups.create_group(owner, name=f"{size} 人的大群", timezone="Asia/Shanghai")
        poll = polls.create_poll(owner, group, title="周末去哪儿",
                                 options=[{"text": "爬山"}, {"text": "看电影"}])
        notice = notices.publish(owner, group, title="周六活动改期")
        habit = habits.create_habit(owner, group, title="每日阅读")
        now, today = utcnow(), local_today(group)
        others = size - 1
        person_ids = db.session.scalars(insert(Person).returning(Person.id), [
            {"public_id": new_public_id(), "name": f"成员{n}",
             "token_hash": hash_secret(f"bench-{group.id}-{n}"), "session_version": 1,
             "created_at": now, "updated_at": now} for n in range(others)]).all()
        joined = now - timedelta(days=90)
        member_ids = db.session.scalars(insert(Membership).returning(Membership.id), [
            {"public_id": new_public_id(), "group_id": group.id, "person_id": pid,
             "role": "member", "status": "active", "joined_at": joined,
             "last_active_at": now - timedelta(days=30 + n % 7 if n % 4 == 3 else n % 80),
             "created_at": joined, "updated_at": now}
            for n, pid in enumerate(person_ids)]).all()
        recount(db.session, [group.id])  # inserted past the ORM: core.groups.counting
        active = [(n, mid) for n, mid in enumerate(member_ids) if n % 4 != 3]
        option_ids = [option.id for option in poll.options]
        db.session.execute(insert(Participation), [
            {"poll_id": poll.id, "membership_id": mid} for n, mid in active])
        db.session.execute(insert(Vote), [
            {"poll_id": poll.id, "membership_id": mid, "option_id": option_ids[n % 2],
             "created_at": now - timedelta(days=n % 80)} for n, mid in active])
        db.session.execute(insert(NoticeReceipt), [
            {"notice_id": notice.id, "membership_id": mid, "revision": notice.revision,
             "viewed_at": now - timedelta(days=n % 40), "confirmed_at": now - timedelta(days=n % 40)}
            for n, mid in active if n % 2 == 0])
        refill_tallies(notice.id)  # the counts the services keep as they write receipts
        db.session.execute(insert(Checkin), [
            {"public_id": new_public_id(), "habit_id": habit.id, "membership_id": mid,
             "day": today - timedelta(days=(n + 13 * k) % 84), "makeup": False, "text": "",
             "created_at": now - timedelta(days=(n + 13 * k) % 84)}
            for n, mid in active for k in range(CHECKINS_EACH)])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return group.public_id, owner_token


def check(board, size):
    """The answer is what a manager expects: every member counted, a page listed."""
    active = len([n for n in range(size - 1) if n % 4 != 3])
    assert board["member_count"] == size, board["member_count"]
    assert len(board["members"]) == min(size, 20)
    assert board["quiet_count"] >= size - 1 - active, board["quiet_count"]
    assert max(week["active"] for week in board["weekly_active"]) > 0
    assert board["reminder_text"].count("@") == min(board["quiet_count"], 20)


def main(runs):
    url = bench_url()
    app = bench_app(url)
    client = app.test_client()
    with app.app_context():
        from grouptools.extensions import db
        counter = StatementCounter(db.engine)
    requests, statements = {}, {}
    for size in SIZES:
        started = time.perf_counter()
        gid, token = build(app, size)
        print(f"built a group of {size:,} members and what they did in "
              f"{time.perf_counter() - started:.1f} s")
        headers = {"Authorization": f"Bearer {token}"}
        requests[(size, "api")] = (f"/api/v1/groups/{gid}/dashboard", headers)
        requests[(size, "page")] = (f"/g/{gid}/dashboard?sort=last&order=asc", headers)
        statements[(size, "page")], _ = counter.run(client, *requests[(size, "page")])
        statements[(size, "api")], response = counter.run(client, *requests[(size, "api")])
        check(response.get_json(), size)
    timings = time_all(client, requests, runs)
    report_flat(url, runs, timings, statements, ("api", "page"), SIZES, TARGET_RATIO)

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
