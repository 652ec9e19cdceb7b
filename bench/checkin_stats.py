"""How GET /api/v1/habits/<hid>/stats scales with the size of a habit (target: 2,000
members with a year of check-ins within 1.5× the time of 20 members with a year).

Run: .venv/bin/python bench/checkin_stats.py [runs]
     GROUPTOOLS_BENCH_DATABASE_URL=postgresql+psycopg://… to run it on PostgreSQL
     (the database is emptied first: give it one of its own).

For each size it builds a group with that many members, each with a year of daily
check-ins (every member misses a day now and then, so streaks differ; half have checked
in today), written in bulk, and each member's figures worked out as a check-in keeps
them. Then it asks for the stats as a member (the leaderboard) and as the organiser
(who also gets who has not checked in today and the roll call)."""
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

from bench.poll_results import (  # noqa: E402
    bench_app,
    bench_url,
    one_request,
    print_table,
    summary,
    time_all,
)

SIZES = (20, 2_000)
DAYS = 365
TARGET_RATIO = 1.5
CHUNK = 500


def build(app, size):
    """A group of `size` members and a habit with a year of their check-ins."""
    from grouptools.checkin import service as habits
    from grouptools.checkin.models import Checkin, HabitMember
    from grouptools.checkin.streaks import refresh_everyone
    from grouptools.core.groups import service as groups
    from grouptools.core.models import Membership, Person, hash_secret, new_public_id
    from grouptools.core.people import service as people
    from grouptools.core.timeutil import local_today, utcnow
    from grouptools.extensions import db

    with app.app_context():
        owner, owner_token = people.create_person("群主")
        group = groups.create_group(owner, name=f"{size} 人的打卡群")
        reader, reader_token = people.create_person("读者")
        groups.join_group(reader, group)
        habit = habits.create_habit(owner, group, title="每天跑步")
        now = utcnow()
        today = local_today(group, now)
        joined = now - timedelta(days=DAYS + 1)
        for start in range(0, size, CHUNK):
            count = min(CHUNK, size - start)
            person_ids = db.session.scalars(insert(Person).returning(Person.id), [
                {"public_id": new_public_id(), "name": f"成员{start + i}",
                 "token_hash": hash_secret(f"bench-{group.id}-{start + i}"),
                 "session_version": 1, "created_at": now, "updated_at": now}
                for i in range(count)]).all()
            member_ids = db.session.scalars(insert(Membership).returning(Membership.id), [
                {"public_id": new_public_id(), "group_id": group.id, "person_id": pid,
                 "role": "member", "status": "active", "joined_at": joined,
                 "created_at": now, "updated_at": now} for pid in person_ids]).all()
            rows = [{"public_id": new_public_id(), "habit_id": habit.id, "membership_id": mid,
                     "day": today - timedelta(days=back), "makeup": False, "text": "",
                     "created_at": now}
                    for n, mid in enumerate(member_ids, start=start)
                    for back in range(0 if n % 2 else 1, DAYS)
                    if (back + n) % (7 + n % 13) != 0]
            db.session.execute(insert(Checkin), rows)
            db.session.execute(insert(HabitMember), [
                {"habit_id": habit.id, "membership_id": mid, "total_days": 0, "streak": 0,
                 "longest_streak": 0} for mid in member_ids])
            db.session.commit()
        refresh_everyone(habit)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return habit.public_id, owner_token, reader_token


def main(runs):
    url = bench_url()
    app, habits = bench_app(url), {}
    client = app.test_client()
    for size in SIZES:
        started = time.perf_counter()
        hid, owner_token, reader_token = build(app, size)
        print(f"built a habit of {size:,} members with a year of check-ins in "
              f"{time.perf_counter() - started:.1f} s")
        path = f"/api/v1/habits/{hid}/stats"
        habits[(size, "member")] = (path, {"Authorization": f"Bearer {reader_token}"})
        habits[(size, "organiser")] = (path, {"Authorization": f"Bearer {owner_token}"})
        organiser = one_request(client, path, habits[(size, "organiser")][1])[1].get_json()
        assert organiser["member_count"] == size + 2
        assert len(organiser["leaderboard"]) == min(size, 100)
        assert organiser["leaderboard"][0]["total_days"] > 300
    timings = time_all(client, habits, runs)
    print(f"database: {url.split('@')[-1]}; {runs} requests per habit, round-robin")
    print_table("members", SIZES, timings)
    for who in ("member", "organiser"):
        first, last = summary(timings[(SIZES[0], who)]), summary(timings[(SIZES[-1], who)])
        ratio = last[0] / first[0]
        print(f"{who}: {SIZES[-1]:,} members take {ratio:.2f}× the time of {SIZES[0]} "
              f"(CPU {last[2] / first[2]:.2f}×): "
              f"{'meets' if ratio <= TARGET_RATIO else 'MISSES'} the {TARGET_RATIO}× target")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
