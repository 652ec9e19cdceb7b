"""How every answer grows from 100 to 100,000 rows of each kind (votes, relay entries,
check-ins, notice receipts, cards). Targets (the speed issue):

- an answer that returns a bounded number of rows (counts, first-N lists, pages): the
  100,000-row widget within 1.5× the time of the 100-row one;
- an answer that lists every row (a relay's entries, exports): its time grows no faster
  than the rows it returns, and it runs as many statements for 100,000 rows as for 100
  (no statement per row).

Run: .venv/bin/python bench/growth.py                     (SQLite)
     GROUPTOOLS_BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/growth.py
     (PostgreSQL: the database is emptied first, give it one of its own)
     BENCH_ROWS=5000 .venv/bin/python bench/growth.py      (a quick run: 100 and 5,000)
     BENCH_RUNS=30 (requests of each bounded answer, default 30),
     BENCH_LISTING_RUNS=3 (of each answer that lists every row: at 100,000 rows one takes
     seconds to a minute on a busy machine)
     BENCH_ONLY=notice (time only the answers whose name contains one of these
     comma-separated words; the group is built whole all the same)

For each size it writes in bulk, through SQLAlchemy core (the services would take an
hour for 100,000), one group of that many members plus its owner and one reader, in
which every member voted in the poll, is confirmed on the relay, opened the notice (a
third confirmed it), has a card in the folder, and a hundredth of them checked in on 100
days each; counters and figures are set as the services keep them. Then it asks every
answer through the app's test client, round-robin over the sizes (a busy moment of the
machine hits both alike), counting the statements of each request
(`before_cursor_execute`)."""
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GROUPTOOLS_INSTANCE_DIR", tempfile.mkdtemp(prefix="gt-bench-"))

from sqlalchemy import insert, text, update  # noqa: E402

from bench import notice_receipts  # noqa: E402
from bench.poll_results import bench_app, bench_url  # noqa: E402

SMALL = 100
LARGE = int(os.environ.get("BENCH_ROWS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
LISTING_RUNS = int(os.environ.get("BENCH_LISTING_RUNS", "3"))
ONLY = [word for word in os.environ.get("BENCH_ONLY", "").split(",") if word]
TARGET_RATIO = 1.5
CHUNK = 5_000
OPTIONS = 5
DAYS = 100  # each member who checks in does so on this many days


def _members(group, start, count, now):
    from grouptools.core.models import Membership, Person, hash_secret, new_public_id
    from grouptools.extensions import db

    person_ids = db.session.scalars(insert(Person).returning(Person.id), [
        {"public_id": new_public_id(), "name": f"成员{start + i}",
         "token_hash": hash_secret(f"bench-{group.id}-{start + i}"),
         "session_version": 1, "created_at": now, "updated_at": now}
        for i in range(count)]).all()
    return db.session.scalars(insert(Membership).returning(Membership.id), [
        {"public_id": new_public_id(), "group_id": group.id, "person_id": pid,
         "role": "member", "status": "active",
         "joined_at": now - timedelta(days=DAYS + 1, seconds=-(start + i)),
         "last_active_at": now - timedelta(seconds=start + i),
         "created_at": now, "updated_at": now}
        for i, pid in enumerate(person_ids)]).all()


def build(app, rows):
    """A group of `rows` members with a poll, relay, notice, habit and card folder, each
    with `rows` rows (check-ins: `rows // DAYS` members × DAYS days): {ids, tokens}."""
    from grouptools.card import service as cards, settings as card_rules
    from grouptools.card.models import Card
    from grouptools.checkin import service as habits
    from grouptools.checkin.models import Checkin, HabitMember
    from grouptools.checkin.streaks import refresh_everyone
    from grouptools.core.groups import service as groups
    from grouptools.core.groups.counting import recount
    from grouptools.card.counting import recount as recount_cards
    from grouptools.core.models import new_public_id
    from grouptools.core.people import service as people
    from grouptools.core.timeutil import local_today, utcnow
    from grouptools.extensions import db
    from grouptools.notice import pending as notice_pending
    from grouptools.notice import receipts as notice_receipts
    from grouptools.notice import service as notices
    from grouptools.notice.models import NoticeReceipt
    from grouptools.poll import service as polls
    from grouptools.poll.models import Participation, Poll, PollOption, Vote
    from grouptools.relay import service as relays
    from grouptools.relay.models import Relay, RelayEntry

    with app.test_request_context():
        owner, owner_token = people.create_person("群主")
        group = groups.create_group(owner, name=f"{rows:,} 行的大群", timezone="Asia/Shanghai")
        reader, reader_token = people.create_person("读者")
        groups.join_group(reader, group)
        poll = polls.create_poll(owner, group, title="周末去哪儿",
                                 options=[{"text": f"选项 {n + 1}"} for n in range(OPTIONS)])
        option_ids = [o.id for o in poll.options]
        relay = relays.create_relay(owner, group, title="周六徒步", description="北宫门集合")
        notice = notices.publish(owner, group, title="周六活动改期", body="改到周日上午十点。")
        habit = habits.create_habit(owner, group, title="每天走一万步", proof="none")
        folder = cards.ensure_folder(owner, group)
        fields = card_rules.fields_of(folder)
        ids = {"gid": group.public_id, "pid": poll.public_id, "rid": relay.public_id,
               "nid": notice.public_id, "hid": habit.public_id}
        poll_id, relay_id, notice_id, habit_id, folder_id, group_id = (
            poll.id, relay.id, notice.id, habit.id, folder.id, group.id)
        revision, name_format = notice.revision, folder.display_name_format
        now = utcnow()
        today = local_today(group, now)
        checking = max(1, rows // DAYS)
        for start in range(0, rows, CHUNK):
            count = min(CHUNK, rows - start)
            member_ids = _members(group, start, count, now)
            numbered = list(enumerate(member_ids, start=start))
            db.session.execute(insert(Participation), [
                {"poll_id": poll_id, "membership_id": mid} for _, mid in numbered])
            db.session.execute(insert(Vote), [
                {"poll_id": poll_id, "membership_id": mid, "option_id": option_ids[n % OPTIONS],
                 "created_at": now} for n, mid in numbered])
            db.session.execute(insert(RelayEntry), [
                {"public_id": new_public_id(), "relay_id": relay_id, "membership_id": mid,
                 "values": {}, "guests": 0, "status": "confirmed", "confirmed_seq": n + 1,
                 "confirmed_at": now, "ticket_secret": secrets.token_urlsafe(18),
                 "created_at": now, "updated_at": now} for n, mid in numbered])
            db.session.execute(insert(NoticeReceipt), [
                {"notice_id": notice_id, "membership_id": mid, "revision": revision,
                 "viewed_at": now, "confirmed_at": now if n % 3 == 0 else None}
                for n, mid in numbered])
            card_rows = []
            for n, mid in numbered:
                values = {"name": f"成员{n}", "company": f"公司{n % 40}",
                          "city": ("北京", "上海", "广州", "深圳", "杭州")[n % 5],
                          "phone": f"138{n:08d}"}
                name = card_rules.display_name(name_format, values, f"成员{n}", 64)
                visible, everything = card_rules.search_texts(fields, values, name)
                card_rows.append({
                    "public_id": new_public_id(), "folder_id": folder_id,
                    "owner_membership_id": mid, "values": values, "display_name": name,
                    "public": n % 2 == 0, "complete": True, "missing": [],
                    "search_visible": visible, "search_all": everything,
                    "created_at": now, "updated_at": now})
            db.session.execute(insert(Card), card_rows)
            checkers = [mid for n, mid in numbered if n < checking]
            if checkers:
                db.session.execute(insert(Checkin), [
                    {"public_id": new_public_id(), "habit_id": habit_id, "membership_id": mid,
                     "day": today - timedelta(days=back), "makeup": False, "text": "",
                     "created_at": now}
                    for mid in checkers for back in range(DAYS)])
                db.session.execute(insert(HabitMember), [
                    {"habit_id": habit_id, "membership_id": mid, "total_days": 0, "streak": 0,
                     "longest_streak": 0} for mid in checkers])
            db.session.commit()
        for index, option_id in enumerate(option_ids):
            db.session.execute(update(PollOption).where(PollOption.id == option_id)
                               .values(votes=len(range(index, rows, OPTIONS))))
        db.session.execute(update(Poll).where(Poll.id == poll_id).values(voter_count=rows))
        notice_receipts.refill_tallies(notice_id)
        notice_pending.fill(notice_id)  # who has not confirmed it: members inserted in bulk
        db.session.execute(update(Relay).where(Relay.id == relay_id)
                           .values(taken=rows, seq=rows))
        refresh_everyone(db.session.get(type(habit), habit_id))
        recount(db.session, [group_id])  # the members and cards were inserted past the ORM
        recount_cards(db.session, [folder_id])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    return ids, owner_token, reader_token


def answers(ids, owner_token, reader_token):
    """(name, path, headers, bounded) of every answer timed."""
    member = {"Authorization": f"Bearer {reader_token}", "Accept-Language": "zh-CN"}
    owner = {"Authorization": f"Bearer {owner_token}", "Accept-Language": "zh-CN"}
    gid, pid, rid, nid, hid = (ids[k] for k in ("gid", "pid", "rid", "nid", "hid"))
    bounded = [
        ("group page", f"/g/{gid}", member),
        ("dashboard JSON (owner)", f"/api/v1/groups/{gid}/dashboard", owner),
        ("poll page", f"/p/{pid}", member),
        ("poll JSON", f"/api/v1/polls/{pid}", member),
        ("poll results JSON", f"/api/v1/polls/{pid}/results", member),
        ("notice page (owner)", f"/n/{nid}", owner),
        ("notice receipts JSON (owner)", f"/api/v1/notices/{nid}/receipts", owner),
        ("habit page", f"/h/{hid}", member),
        ("habit stats JSON (owner)", f"/api/v1/habits/{hid}/stats", owner),
        ("card folder page", f"/g/{gid}/cards", member),
        ("card folder JSON, first page", f"/api/v1/groups/{gid}/cards", member),
    ]
    listing = [
        ("relay page", f"/r/{rid}", member),
        ("relay JSON, every entry", f"/api/v1/relays/{rid}", member),
        ("poll export.csv", f"/api/v1/polls/{pid}/export.csv", owner),
        ("relay export.csv", f"/api/v1/relays/{rid}/export.csv", owner),
        ("relay export.xlsx", f"/api/v1/relays/{rid}/export.xlsx", owner),
        ("notice export.csv", f"/api/v1/notices/{nid}/export.csv", owner),
        ("cards export.csv", f"/api/v1/groups/{gid}/cards/export.csv", owner),
        ("cards export.vcf", f"/api/v1/groups/{gid}/cards/export.vcf", owner),
        ("group export.json", f"/api/v1/groups/{gid}/export.json", owner),
    ]
    return [(name, path, headers, is_bounded)
            for is_bounded, asked in ((True, bounded), (False, listing))
            for name, path, headers in asked
            if not ONLY or any(word in name for word in ONLY)]


class StatementCounter(notice_receipts.StatementCounter):
    """Counts the statements the app sends during one request."""

    def get(self, client, path, headers):
        """(wall ms, CPU ms, statements, bytes) of one request."""
        self.count, self.counting = 0, True
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            response = client.get(path, headers=headers)
            size = len(response.data)
        finally:
            self.counting = False
        elapsed = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
        assert response.status_code == 200, (path, response.status_code)
        return elapsed[0], elapsed[1], self.count, size


def main():
    url = bench_url()
    app = bench_app(url)
    client = app.test_client()
    with app.app_context():
        from grouptools.extensions import db
        counter = StatementCounter(db.engine)
    asked = {}
    for rows in (SMALL, LARGE):
        started = time.perf_counter()
        ids, owner_token, reader_token = build(app, rows)
        print(f"built a group of {rows:,} members with {rows:,} votes, entries, receipts, "
              f"cards and check-ins in {time.perf_counter() - started:.1f} s", flush=True)
        asked[rows] = answers(ids, owner_token, reader_token)
    samples = {}  # (name, rows) → [(wall, cpu, statements, bytes)]
    for rows, listed in asked.items():
        for name, path, headers, bounded in listed:
            samples[(name, rows)] = []
            # Warm, as a running server is: caches filled, modules imported (the long
            # listings are warmed by their small twin alone).
            if bounded or rows == SMALL:
                counter.get(client, path, headers)
    for name_index, (name, _, _, bounded) in enumerate(asked[SMALL]):
        started = time.perf_counter()
        for _ in range(RUNS if bounded else LISTING_RUNS):
            for rows in (SMALL, LARGE):
                _, path, headers, _ = asked[rows][name_index]
                samples[(name, rows)].append(counter.get(client, path, headers))
        print(f"  {name}: {time.perf_counter() - started:.0f} s", flush=True)
    report(url, samples, asked[SMALL])


def report(url, samples, listed):
    def median(name, rows, column):
        return statistics.median(s[column] for s in samples[(name, rows)])

    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\n{engine}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
          f"{SMALL:,} and {LARGE:,} rows; medians of {RUNS} requests each "
          f"({LISTING_RUNS} for answers that list every row), round-robin\n")
    print(f"| answer | {SMALL:,} rows ms (CPU) | {LARGE:,} rows ms (CPU) | ratio (CPU) | "
          f"statements | answer size | µs per further row | target | holds |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    failures = 0
    for name, _, _, bounded in listed:
        small, large = median(name, SMALL, 0), median(name, LARGE, 0)
        cpu_small, cpu_large = median(name, SMALL, 1), median(name, LARGE, 1)
        statements = (samples[(name, SMALL)][0][2], samples[(name, LARGE)][0][2])
        sizes = (samples[(name, SMALL)][0][3], samples[(name, LARGE)][0][3])
        ratio = large / small
        if bounded:
            target = f"≤ {TARGET_RATIO}×"
            holds = ratio <= TARGET_RATIO
        else:
            # The rows it returns grow as the rows; its bytes tell how much more it says.
            target = f"≤ {LARGE / SMALL:,.0f}× and no statement per row"
            holds = ratio <= LARGE / SMALL and statements[1] <= statements[0]
        failures += not holds
        per_row = "" if bounded else f"{(large - small) / (LARGE - SMALL) * 1000:.0f}"
        print(f"| {name} | {small:.1f} ({cpu_small:.1f}) | {large:.1f} ({cpu_large:.1f}) | "
              f"{ratio:.2f}× ({cpu_large / cpu_small:.2f}×) | {statements[0]} / {statements[1]} "
              f"| {sizes[0] / 1024:.1f} / {sizes[1] / 1024:.1f} kB | {per_row} | {target} | "
              f"{'yes' if holds else 'NO'} |")
    print(f"\n{len(listed) - failures} of {len(listed)} answers meet their target.")


if __name__ == "__main__":
    main()
