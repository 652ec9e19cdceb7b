"""How a notice's receipts scale with its audience (target: a 5,000-member group's
answer within 1.5× the time of a 50-member group's, in as many statements).

Run: .venv/bin/python bench/notice_receipts.py [runs]
     GROUPTOOLS_BENCH_DATABASE_URL=postgresql+psycopg://… to run it on PostgreSQL
     (the database is emptied first: give it one of its own).

For each size it builds a group of that many active members (the owner included) and one
notice to all of them, which about a third have confirmed and another third only opened,
then asks, as the owner, for GET /api/v1/notices/<nid>/receipts (counts, the first page of
each list, the reminder) and for the notice's page /n/<nid>, which shows managers the
same report. It prints the medians, the 95th percentiles and the statements each request
runs."""
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GROUPTOOLS_INSTANCE_DIR", tempfile.mkdtemp(prefix="gt-bench-"))

from sqlalchemy import event, insert, text  # noqa: E402

from bench.poll_results import bench_app, report_flat, time_all  # noqa: E402

SIZES = (50, 5_000)
TARGET_RATIO = 1.5
CHUNK = 5_000
PAGE_SIZE = 50  # grouptools.notice.receipts
REMINDER_MAX = 200


def build(app, size):
    """A group of `size` active members (the owner one of them) and a notice to all,
    written in bulk: member n confirmed when n % 3 == 0, only opened it when n % 3 == 1."""
    from grouptools.core.groups import service as groups
    from grouptools.core.models import Membership, Person, hash_secret, new_public_id
    from grouptools.core.people import service as people
    from grouptools.core.timeutil import utcnow
    from grouptools.extensions import db
    from grouptools.notice import service as notices
    from grouptools.notice.models import NoticeReceipt
    from grouptools.notice.pending import fill
    from grouptools.notice.receipts import refill_tallies

    with app.app_context():
        owner, owner_token = people.create_person("群主")
        group = groups.create_group(owner, name=f"{size} 人的大群")
        notice = notices.publish(owner, group, title="周六活动改期",
                                 body="改到周日上午十点，地点不变。请收到后确认。")
        now = utcnow()
        others = size - 1
        for start in range(0, others, CHUNK):
            count = min(CHUNK, others - start)
            person_ids = db.session.scalars(insert(Person).returning(Person.id), [
                {"public_id": new_public_id(), "name": f"成员{start + i}",
                 "token_hash": hash_secret(f"bench-{group.id}-{start + i}"),
                 "session_version": 1, "created_at": now, "updated_at": now}
                for i in range(count)]).all()
            member_ids = db.session.scalars(insert(Membership).returning(Membership.id), [
                {"public_id": new_public_id(), "group_id": group.id, "person_id": pid,
                 "role": "member", "status": "active",
                 "joined_at": now - timedelta(seconds=others - start - i),
                 "created_at": now, "updated_at": now}
                for i, pid in enumerate(person_ids)]).all()
            receipts = []
            for i, mid in enumerate(member_ids):
                n = start + i
                if n % 3 == 2:
                    continue
                seen = now + timedelta(seconds=n)
                receipts.append({"notice_id": notice.id, "membership_id": mid,
                                 "revision": notice.revision, "viewed_at": seen,
                                 "confirmed_at": seen if n % 3 == 0 else None})
            db.session.execute(insert(NoticeReceipt), receipts)
            db.session.commit()
        refill_tallies(notice.id)  # the counts the services keep as they write receipts
        fill(notice.id)  # who has not confirmed it, as the services keep it (notice.pending)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return notice.public_id, owner_token


class StatementCounter:
    """Counts the statements the app sends while `counting`."""

    def __init__(self, engine):
        self.count, self.counting = 0, False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        if self.counting:
            self.count += 1

    def run(self, client, path, headers):
        self.count, self.counting = 0, True
        try:
            response = client.get(path, headers=headers)
        finally:
            self.counting = False
        assert response.status_code == 200, (path, response.status_code)
        return self.count, response


def check(report, size):
    """The answer is what a manager expects: exact counts, the first page of each list,
    the reminder cut at REMINDER_MAX."""
    others = size - 1
    confirmed = len(range(0, others, 3))
    viewed = len(range(1, others, 3)) + 1  # the owner opened the page
    assert report["audience_count"] == size, report["audience_count"]
    assert report["confirmed_count"] == confirmed
    assert report["viewed_count"] == confirmed + viewed
    assert len(report["confirmed"]) == min(confirmed, PAGE_SIZE)
    assert len(report["viewed"]) == min(viewed, PAGE_SIZE)
    assert len(report["not_viewed"]) == min(size - confirmed - viewed, PAGE_SIZE)
    assert report["reminder_text"].count("@") == min(size - confirmed, REMINDER_MAX)


def main(runs):
    url = os.environ.get("GROUPTOOLS_BENCH_DATABASE_URL") or \
        f"sqlite:///{Path(os.environ['GROUPTOOLS_INSTANCE_DIR']) / 'bench.db'}"
    app = bench_app(url)
    client = app.test_client()
    with app.app_context():
        from grouptools.extensions import db
        counter = StatementCounter(db.engine)
    requests, statements = {}, {}
    for size in SIZES:
        started = time.perf_counter()
        nid, token = build(app, size)
        print(f"built a group of {size:,} members and its notice in "
              f"{time.perf_counter() - started:.1f} s")
        headers = {"Authorization": f"Bearer {token}"}
        for route, path in (("receipts", f"/api/v1/notices/{nid}/receipts"),
                            ("page", f"/n/{nid}")):
            requests[(size, route)] = (path, headers)
        client.get(f"/n/{nid}", headers=headers)  # the owner opens it once: a receipt
        statements[(size, "page")], _ = counter.run(client, *requests[(size, "page")])
        statements[(size, "receipts")], response = counter.run(
            client, *requests[(size, "receipts")])
        check(response.get_json(), size)
    timings = time_all(client, requests, runs)
    report_flat(url, runs, timings, statements, ("receipts", "page"), SIZES, TARGET_RATIO)

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
