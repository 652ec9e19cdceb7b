"""How GET /api/v1/polls/<pid>/results scales with the number of votes (target: 100,000
votes within 1.5× the time of 100), on an open ballot whose voters are shown.

Run: .venv/bin/python bench/poll_results.py [runs]
     GROUPTOOLS_BENCH_DATABASE_URL=postgresql+psycopg://… to run it on PostgreSQL
     (the database is emptied first: give it one of its own).

For each size it builds a group with that many voters (one vote each, spread over five
options) and 20 members who have not voted, then asks for the results as a member (what
the page's live refresh and most readers ask) and as the organiser (who also gets the
first 200 members who have not voted, and their count)."""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GROUPTOOLS_INSTANCE_DIR", tempfile.mkdtemp(prefix="gt-bench-"))

from sqlalchemy import insert, select, text, update  # noqa: E402

SIZES = (100, 1_000, 10_000, 100_000)
NOT_VOTED = 20
OPTIONS = 5
TARGET_RATIO = 1.5
CHUNK = 5_000


def bench_app(url):
    from flask_migrate import upgrade

    from grouptools import create_app
    from grouptools.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
    return app


def build(app, voters):
    """A group of `voters` + NOT_VOTED members and a poll with `voters` votes, written in
    bulk (the service would take minutes for 100,000); counters as the service keeps them."""
    from grouptools.core.groups import service as groups
    from grouptools.core.models import Membership, Person, hash_secret, new_public_id
    from grouptools.core.people import service as people
    from grouptools.core.timeutil import utcnow
    from grouptools.extensions import db
    from grouptools.poll import service as polls
    from grouptools.poll.models import Participation, Poll, PollOption, Vote

    with app.app_context():
        owner, owner_token = people.create_person("群主")
        group = groups.create_group(owner, name=f"{voters} 人的大群")
        reader, reader_token = people.create_person("读者")
        groups.join_group(reader, group)
        poll = polls.create_poll(owner, group, title="周末去哪儿",
                                 options=[{"text": f"选项 {n + 1}"} for n in range(OPTIONS)])
        option_ids = [o.id for o in poll.options]
        now = utcnow()
        total = voters + NOT_VOTED
        for start in range(0, total, CHUNK):
            count = min(CHUNK, total - start)
            people_rows = [{"public_id": new_public_id(), "name": f"成员{start + i}",
                            "token_hash": hash_secret(f"bench-{group.id}-{start + i}"),
                            "session_version": 1, "created_at": now, "updated_at": now}
                           for i in range(count)]
            person_ids = db.session.scalars(
                insert(Person).returning(Person.id), people_rows).all()
            member_rows = [{"public_id": new_public_id(), "group_id": group.id, "person_id": pid,
                            "role": "member", "status": "active", "joined_at": now,
                            "created_at": now, "updated_at": now} for pid in person_ids]
            member_ids = db.session.scalars(
                insert(Membership).returning(Membership.id), member_rows).all()
            voting = [(start + i, mid) for i, mid in enumerate(member_ids) if start + i < voters]
            if voting:
                db.session.execute(insert(Participation), [
                    {"poll_id": poll.id, "membership_id": mid} for _, mid in voting])
                db.session.execute(insert(Vote), [
                    {"poll_id": poll.id, "membership_id": mid,
                     "option_id": option_ids[n % OPTIONS], "created_at": now}
                    for n, mid in voting])
            db.session.commit()
        for index, option_id in enumerate(option_ids):
            votes = len(range(index, voters, OPTIONS))
            db.session.execute(update(PollOption).where(PollOption.id == option_id)
                               .values(votes=votes))
        db.session.execute(update(Poll).where(Poll.id == poll.id).values(voter_count=voters))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        assert db.session.scalar(select(Poll.voter_count).where(Poll.id == poll.id)) == voters
        return poll.public_id, owner_token, reader_token


def one_request(client, path, headers):
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(path, headers=headers)
    elapsed = ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
    assert response.status_code == 200
    return elapsed, response


def time_all(client, polls, runs):
    """Round-robin over the sizes, so a busy moment of the machine hits them all alike."""
    timings = {key: [] for key in polls}
    for key, (path, headers) in polls.items():
        for _ in range(5):
            one_request(client, path, headers)
    for _ in range(runs):
        for key, (path, headers) in polls.items():
            timings[key].append(one_request(client, path, headers)[0])
    return timings


def summary(samples):
    wall = sorted(w for w, _ in samples)
    cpu = sorted(c for _, c in samples)
    return statistics.median(wall), wall[int(0.95 * (len(wall) - 1))], statistics.median(cpu)


def report_flat(url, runs, timings, statements, routes, sizes, target):
    """Print each (size, route)'s median, p95, CPU time and statements, then per route
    whether the largest size takes at most `target` times the smallest's time in as many
    statements (the notice receipts' and the dashboard's benches)."""
    print(f"database: {url.split('@')[-1]}; {runs} requests each, round-robin")
    print("members   route       median    p95    CPU  statements  (ms)")
    for (size, route), samples in timings.items():
        median, p95, cpu = summary(samples)
        print(f"{size:>7,}   {route:<9} {median:8.2f} {p95:6.2f} {cpu:6.2f} "
              f"{statements[(size, route)]:6d}")
    for route in routes:
        first, last = summary(timings[(sizes[0], route)]), summary(timings[(sizes[-1], route)])
        ratio = last[0] / first[0]
        flat = statements[(sizes[0], route)] == statements[(sizes[-1], route)]
        print(f"{route}: {sizes[-1]:,} members take {ratio:.2f}× the time of {sizes[0]} "
              f"(CPU {last[2] / first[2]:.2f}×), "
              f"{'the same' if flat else 'NOT the same'} statements: "
              f"{'meets' if ratio <= target and flat else 'MISSES'} the "
              f"{target}× target")


def print_table(label, sizes, timings):
    """One line per size: the member's and the organiser's median, p95 and CPU time."""
    print(f"{label}    member: median  p95   CPU    organiser: median  p95   CPU  (ms)")
    for size in sizes:
        m, o = summary(timings[(size, "member")]), summary(timings[(size, "organiser")])
        print(f"{size:>7,}   {m[0]:12.2f} {m[1]:5.2f} {m[2]:5.2f}   {o[0]:17.2f} {o[1]:5.2f} {o[2]:5.2f}")


def bench_url():
    """GROUPTOOLS_BENCH_DATABASE_URL, else a new SQLite file in the instance folder."""
    return os.environ.get("GROUPTOOLS_BENCH_DATABASE_URL") or \
        f"sqlite:///{Path(os.environ['GROUPTOOLS_INSTANCE_DIR']) / 'bench.db'}"


def main(runs):
    url = bench_url()
    app = bench_app(url)
    client = app.test_client()
    polls = {}
    for size in SIZES:
        started = time.perf_counter()
        pid, owner_token, reader_token = build(app, size)
        print(f"built a poll with {size:,} votes in {time.perf_counter() - started:.1f} s")
        path = f"/api/v1/polls/{pid}/results"
        for who, token in (("member", reader_token), ("organiser", owner_token)):
            polls[(size, who)] = (path, {"Authorization": f"Bearer {token}"})
        member = one_request(client, path, polls[(size, "member")][1])[1].get_json()
        assert member["voter_count"] == size and member["not_voted"] is None
        assert sum(len(o["voters"]) for o in member["options"]) == min(size, 50 * OPTIONS)
        organiser = one_request(client, path, polls[(size, "organiser")][1])[1].get_json()
        assert organiser["not_voted_count"] == NOT_VOTED + 2  # and owner and reader
    timings = time_all(client, polls, runs)
    print(f"database: {url.split('@')[-1]}; {runs} requests per poll, round-robin")
    print_table("votes  ", SIZES, timings)
    first, last = summary(timings[(SIZES[0], "member")]), summary(timings[(SIZES[-1], "member")])
    ratio = last[0] / first[0]
    print(f"member: {SIZES[-1]:,} votes take {ratio:.2f}× the time of {SIZES[0]} "
          f"(CPU {last[2] / first[2]:.2f}×): "
          f"{'meets' if ratio <= TARGET_RATIO else 'MISSES'} the {TARGET_RATIO}× target")
    o_first = summary(timings[(SIZES[0], "organiser")])
    o_last = summary(timings[(SIZES[-1], "organiser")])
    print(f"organiser: {o_last[0] / o_first[0]:.2f}× — the not-voted part reads the group's "
          f"members, so it grows with the group ({SIZES[-1] + NOT_VOTED + 2:,} members), "
          f"not with the votes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
