"""Load benchmark: every widget's page, JSON, writes and pictures under wrk, each as a
ratio to `/healthz` measured alternately in the same run (see bench/RESULTS.md).

Run:  make bench                      (SQLite; about 1.33 × scenarios × rounds × seconds)
      BENCH_SECONDS=3 BENCH_ROUNDS=1 make bench          (a quick look)
      GROUPTOOLS_BENCH_DATABASE_URL=postgresql+psycopg://… make bench
      (PostgreSQL: the database is emptied first, give it one of its own)
      BENCH_ONLY=poll,vote make bench     (only scenarios whose name contains one of these)
      BENCH_ONLY=footprint make bench      (no scenario: the two footprints below only)
      BENCH_HEALTHZ_EVERY=1 make bench     (/healthz before every scenario: slower, 2 ×)

What it does, as production would run it:
1. migrates a fresh database (a new SQLite file in a temporary folder, or the PostgreSQL
   database named above, emptied) with `flask db upgrade`;
2. seeds one realistic group through the services the API uses: 300 members; an open
   poll of five options that 200 have voted in (changing votes allowed); a relay of 60
   places with 40 entries; a notice half confirmed; a habit every member may check in to,
   100 of them today, each with a first achievement (so certificates exist); an event
   sign-in; a card folder with 150 cards;
3. starts gunicorn (2 workers, production settings, rate limits off so the load is not
   refused) on a free loopback port;
4. `rounds` times over every scenario in turn: wrk on `/healthz` for `seconds`, then wrk
   on each of the next three scenarios for `seconds`, with the same threads and
   connections; then prints, per scenario, the medians over the rounds of requests/s, p50
   and p99 latency and the ratio to the `/healthz` run just before it, non-2xx/3xx
   answers, and whether the issue's target for that kind of answer holds;
5. then the footprints (bench/footprint.py): the bytes a poll page's first visit takes
   on the wire with its stylesheets and scripts, compressed as a browser asks, and each
   gunicorn worker's peak resident memory (VmHWM) after all that load.

Reads go out as a member's browser sends them (the session cookie of a member signed in
through the sign-in page); writes as an API client does (Bearer tokens, one per member,
rotated by the Lua scripts in bench/wrk/, one connection per wrk thread so each thread
sees its own answers in order)."""
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import footprint  # noqa: E402

BIN = Path(sys.executable).parent
WRK_DIR = Path(__file__).resolve().parent / "wrk"
MEMBERS = 300
CONNECTIONS = 16

# The targets of the speed issue: (SQLite, PostgreSQL) ratio to /healthz.
TARGETS = {"page": (0.2, 0.12), "304": (0.4, 0.25), "write": (0.15, 0.08),
           "picture": (0.5, 0.3)}


@dataclass
class Scenario:
    name: str
    kind: str  # page, 304, write, picture
    path: str
    headers: dict = field(default_factory=dict)
    script: str | None = None  # a Lua script in bench/wrk/ for writes
    env: dict = field(default_factory=dict)  # what the script reads (BENCH_*)
    threads: int = 2
    # 304 scenarios: the headers without If-None-Match, to ask the current ETag with
    # before each round (the previous round's writes changed the widgets).
    plain_headers: dict | None = None

    def refresh_etag(self, base):
        if self.plain_headers is not None:
            etag = requests.get(base + self.path, headers=self.plain_headers).headers["ETag"]
            self.headers = {**self.plain_headers, "If-None-Match": etag}


# --- The server ------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url, instance, port):
    env = {**os.environ,
           "GROUPTOOLS_ENV": "production",
           "GROUPTOOLS_DATABASE_URL": database_url,
           "GROUPTOOLS_INSTANCE_DIR": str(instance),
           "GROUPTOOLS_SECRET_KEY": "bench-secret-key-" + "x" * 40,
           "GROUPTOOLS_BASE_URL": f"http://127.0.0.1:{port}",
           "GROUPTOOLS_RATELIMIT_ENABLED": "0"}
    env.pop("GROUPTOOLS_TEST_DATABASE_URL", None)
    return env


def empty_postgresql(database_url):
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def start_server(env, port, workers=2):
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--no-control-socket", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def stop_server(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


# --- The group ---------------------------------------------------------------------------------

def seed(env):
    """Seed the group in this process, through the services, against the server's
    database: {ids, owner and member tokens}."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("GROUPTOOLS_")})
    from grouptools import create_app
    from grouptools.card import service as cards
    from grouptools.checkin import checkins, events, service as habits
    from grouptools.core.groups import service as groups
    from grouptools.core.people import service as people
    from grouptools.core.timeutil import utcnow
    from grouptools.notice import receipts, service as notices
    from grouptools.poll import service as polls, voting
    from grouptools.relay import service as relays, signups

    app = create_app()
    with app.test_request_context(base_url=env["GROUPTOOLS_BASE_URL"]):
        owner, owner_token = people.create_person("群主")
        group = groups.create_group(owner, name="周末徒步群", timezone="Asia/Shanghai",
                                    description="每周末一起走走。")
        members = []
        for n in range(MEMBERS - 1):
            person, token = people.create_person(f"成员{n + 1:03d}")
            groups.join_group(person, group)
            members.append((person, token))
        poll = polls.create_poll(owner, group, title="下周去哪儿", allow_change=True,
                                 options=[{"text": t} for t in
                                          ("香山", "百望山", "凤凰岭", "八达岭", "慕田峪")])
        options = [option.public_id for option in poll.options]
        for n, (person, _) in enumerate(members[:200]):
            voting.cast_vote(person, poll, [options[n % 5]])
        relay = relays.create_relay(owner, group, title="周六香山徒步", capacity=60,
                                    description="早上 8 点北宫门集合")
        for person, _ in members[:40]:
            signups.sign_up(person, relay)
        notice = notices.publish(owner, group, title="周六活动改期",
                                 body="改到周日上午十点，地点不变。请收到后确认。")
        for person, _ in members[:150]:
            receipts.confirm(person, notice)
        habit = habits.create_habit(owner, group, title="每天走一万步", proof="none",
                                    milestones=[1, 7, 21])
        for person, _ in members[:100]:
            checkins.check_in(person, habit)
        now = utcnow()
        event = events.create_event(owner, group, title="周六读书会签到",
                                    starts_at=now - timedelta(hours=1),
                                    ends_at=now + timedelta(days=1))
        cards.ensure_folder(owner, group)
        card_ids = []
        for n, (person, _) in enumerate(members[:150]):
            view, _ = cards.save_my_card(person, group, {
                "name": person.name, "company": f"公司{n % 12}", "phone": f"138{n:08d}",
                "city": ("北京", "上海", "广州")[n % 3]}, public=True)
            card_ids.append(view.card.public_id)
        from grouptools.checkin.models import Achievement
        from grouptools.extensions import db
        from sqlalchemy import select
        achievement = db.session.scalar(select(Achievement).where(
            Achievement.habit_id == habit.id).limit(1))
        if db.engine.dialect.name == "postgresql":
            # Statistics now, as autovacuum would give them within a minute or so: plans
            # kept before then read whole tables (a leaderboard 4.6 ms instead of 0.25).
            from sqlalchemy import text
            db.session.execute(text("ANALYZE"))
        db.session.commit()
        return {
            "gid": group.public_id, "pid": poll.public_id, "options": options[:2],
            "rid": relay.public_id, "nid": notice.public_id, "hid": habit.public_id,
            "aid": achievement.public_id, "eid": event.public_id, "cid": card_ids[0],
            "owner_token": owner_token,
            # Readers sign in through their personal links, as a phone does.
            "owner_signin": people.personal_signin_token(owner),
            "member_signin": people.personal_signin_token(members[CONNECTIONS * 8 - 1][0]),
            # Writers, 8 per wrk connection: members who voted, confirmed, checked in
            # and saved a card (their writes change or repeat what they did), and
            # members not on the relay yet (they sign up, then withdraw).
            "tokens": [token for _, token in members[:CONNECTIONS * 8]],
            "fresh_tokens": [token for _, token in members[-CONNECTIONS * 8:]],
        }


def browser_cookie(base, token):
    """A member's session cookie, from their personal sign-in link as a phone gets it."""
    browser = requests.Session()
    page = browser.get(f"{base}/signin/{token}").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed_in = browser.post(f"{base}/signin/{token}", data={"csrf_token": csrf},
                             headers={"Referer": f"{base}/signin/{token}"}, allow_redirects=False)
    # The page it leads to shows (and so uses up) the "signed in" message, as a phone's
    # does: a cookie still holding it would show it, unchanged pages never answering 304.
    browser.get(base + signed_in.headers["Location"].removeprefix(base))
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


def scenarios(base, ids):
    member = {"Cookie": browser_cookie(base, ids["member_signin"])}
    manager = {"Cookie": browser_cookie(base, ids["owner_signin"])}
    bearer = {"Authorization": f"Bearer {ids['tokens'][-1]}"}
    gid, pid, rid, nid, hid, eid, cid = (ids[k] for k in
                                         ("gid", "pid", "rid", "nid", "hid", "eid", "cid"))
    pages = [
        ("group page", f"/g/{gid}", member), ("poll page", f"/p/{pid}", member),
        ("poll JSON", f"/api/v1/polls/{pid}", bearer),
        ("poll results JSON", f"/api/v1/polls/{pid}/results", bearer),
        ("relay page", f"/r/{rid}", member), ("relay JSON", f"/api/v1/relays/{rid}", bearer),
        ("notice page", f"/n/{nid}", member), ("notice JSON", f"/api/v1/notices/{nid}", bearer),
        ("notice receipts JSON (manager)", f"/api/v1/notices/{nid}/receipts",
         {"Authorization": f"Bearer {ids['owner_token']}"}),
        ("habit page", f"/h/{hid}", member), ("habit stats JSON", f"/api/v1/habits/{hid}/stats", bearer),
        ("event page", f"/e/{eid}", member),
        ("card folder page", f"/g/{gid}/cards", member),
        ("card folder JSON search", f"/api/v1/groups/{gid}/cards?q=%E5%8C%97%E4%BA%AC", bearer),
        ("group page (manager)", f"/g/{gid}", manager),
    ]
    pictures = [
        ("poll QR PNG", f"/p/{pid}/qr.png"), ("poll poster PNG", f"/p/{pid}/poster.png"),
        ("poll result picture", f"/p/{pid}/results.png"),
        ("certificate PNG", f"/h/{hid}/a/{ids['aid']}/card.png"),
        ("card picture PNG", f"/c/{cid}/card.png"),
    ]
    listed = [Scenario(name, "page", path, headers) for name, path, headers in pages]
    for name, path, headers in pages:
        etag = requests.get(base + path, headers=headers).headers.get("ETag")
        if etag:
            listed.append(Scenario(f"{name}, unchanged (304)", "304", path,
                                   {**headers, "If-None-Match": etag}, plain_headers=headers))
    for name, path in pictures:
        requests.get(base + path, headers=member)  # drawn once: the bench reads cached ones
        listed.append(Scenario(name, "picture", path, member))
        etag = requests.get(base + path, headers=member).headers.get("ETag")
        if etag:
            listed.append(Scenario(f"{name}, unchanged (304)", "304", path,
                                   {**member, "If-None-Match": etag}, plain_headers=member))
    tokens, fresh = ",".join(ids["tokens"]), ",".join(ids["fresh_tokens"])
    writes = [
        ("vote change", "vote.lua", {"BENCH_PATH": f"/api/v1/polls/{pid}/votes",
                                     "BENCH_OPTIONS": ",".join(ids["options"])}),
        ("relay sign-up and withdraw", "signup.lua", {"BENCH_PATH": f"/api/v1/relays/{rid}/entries",
                                                      "BENCH_TOKENS": fresh}),
        ("notice confirm", "post.lua", {"BENCH_PATH": f"/api/v1/notices/{nid}/confirm"}),
        ("habit check-in", "post.lua", {"BENCH_PATH": f"/api/v1/habits/{hid}/checkins"}),
        ("card save", "card.lua", {"BENCH_PATH": f"/api/v1/groups/{gid}/cards/me"}),
    ]
    for name, script, env in writes:
        listed.append(Scenario(name, "write", env["BENCH_PATH"], script=script,
                               env={"BENCH_TOKENS": tokens, **env}, threads=CONNECTIONS))
    return listed


# --- wrk ---------------------------------------------------------------------------------------

RESULT = re.compile(r"^BENCH (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)$", re.MULTILINE)


def wrk(base, path, seconds, threads, headers=(), script=None, env=None):
    """(requests/s, p50 ms, p99 ms, non-2xx/3xx, socket errors) of one wrk run."""
    command = ["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{seconds}s",
               "-s", str(WRK_DIR / (script or "report.lua"))]
    for name, value in dict(headers).items():
        command += ["-H", f"{name}: {value}"]
    env = {**os.environ, "BENCH_WRK_DIR": str(WRK_DIR), "BENCH_THREADS": str(threads),
           **(env or {})}
    output = subprocess.run(command + [base + path], capture_output=True, text=True, env=env,
                            check=True).stdout
    found = RESULT.search(output)
    if found is None:
        raise SystemExit(f"wrk said:\n{output}")
    rps, p50, p99, bad, errors, _ = (float(x) for x in found.groups())
    return rps, p50 / 1000, p99 / 1000, int(bad), int(errors)


def chunks(listed, size):
    """Runs of at most `size` neighbouring scenarios that wrk drives alike (same threads):
    each run shares one `/healthz` measurement taken just before it."""
    run = []
    for scenario in listed:
        if run and (len(run) == size or run[0].threads != scenario.threads):
            yield run
            run = []
        run.append(scenario)
    if run:
        yield run


def withdraw_leftovers(base, ids):
    """The members who sign up and withdraw take back what a stopped wrk left on the
    relay (an entry its last request made): each round starts with none of them on it."""
    path = f"/api/v1/relays/{ids['rid']}"
    for token in ids["fresh_tokens"]:
        headers = {"Authorization": f"Bearer {token}"}
        for entry in requests.get(base + path, headers=headers).json()["entries"]:
            if entry.get("mine"):
                requests.delete(f"{base}{path}/entries/{entry['id']}", headers=headers)


def measure(base, listed, seconds, rounds, every, before_round=lambda: None):
    """{name: result}: each round measures every scenario once, `/healthz` before each
    run of `every` of them; a scenario's ratio is the median over the rounds of its
    requests/s over that `/healthz`'s. Rounds go over every scenario in turn, so a busy
    minute of the machine lowers one round of many scenarios, not every round of one."""
    runs = {scenario.name: [] for scenario in listed}
    ratios = {scenario.name: [] for scenario in listed}
    for round_ in range(rounds):
        started = time.monotonic()
        before_round()
        for scenario in listed:  # the writes come last in every round
            scenario.refresh_etag(base)
        for run in chunks(listed, every):
            health = wrk(base, "/healthz", seconds, run[0].threads)
            for scenario in run:
                result = wrk(base, scenario.path, seconds, scenario.threads, scenario.headers,
                             scenario.script, scenario.env)
                runs[scenario.name].append(result)
                ratios[scenario.name].append(result[0] / health[0])
        print(f"round {round_ + 1} of {rounds} done in {time.monotonic() - started:.0f} s",
              flush=True)
    return {name: {"rps": statistics.median(r[0] for r in done),
                   "p50": statistics.median(r[1] for r in done),
                   "p99": statistics.median(r[2] for r in done),
                   "bad": sum(r[3] for r in done), "errors": sum(r[4] for r in done),
                   "ratio": statistics.median(ratios[name])}
            for name, done in runs.items()}


def plain_status(base, scenario):
    """The answer's status for one plain request (304s are checked to really be 304)."""
    if scenario.kind == "write":
        return ""
    return str(requests.get(base + scenario.path, headers=scenario.headers).status_code)


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    every = int(os.environ.get("BENCH_HEALTHZ_EVERY", "3"))
    only = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]
    database_url = os.environ.get("GROUPTOOLS_BENCH_DATABASE_URL")
    instance = Path(tempfile.mkdtemp(prefix="gt-load-"))
    engine = "PostgreSQL" if database_url else "SQLite"
    if database_url:
        empty_postgresql(database_url)
    else:
        database_url = f"sqlite:///{instance / 'bench.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(database_url, instance, port)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    started = time.monotonic()
    ids = seed(env)
    print(f"seeded {MEMBERS} members and every widget in {time.monotonic() - started:.0f} s "
          f"on {engine}", flush=True)
    server = start_server(env, port)
    try:
        listed = [s for s in scenarios(base, ids)
                  if not only or any(word in s.name for word in only)]
        target_column = 0 if engine == "SQLite" else 1
        statuses = {scenario.name: plain_status(base, scenario) for scenario in listed}
        print(f"\n{engine}, gunicorn 2 workers, wrk {CONNECTIONS} connections, "
              f"{rounds} rounds of {seconds} s, /healthz before every {every} scenarios; "
              f"ratio = median over the rounds of route/healthz\n", flush=True)
        results = measure(base, listed, seconds, rounds, every,
                          lambda: withdraw_leftovers(base, ids))
        print("\n| scenario | status | req/s | p50 ms | p99 ms | non-2xx/3xx | ratio | target | holds |")
        print("|---|---|---|---|---|---|---|---|---|")
        failures = 0
        for scenario in listed:
            status, result = statuses[scenario.name], results[scenario.name]
            target = TARGETS[scenario.kind][target_column]
            holds = (result["ratio"] >= target and result["bad"] == 0 and result["errors"] == 0
                     and (scenario.kind != "304" or status == "304"))
            failures += not holds
            print(f"| {scenario.name} | {status} | {result['rps']:.0f} | {result['p50']:.1f} | "
                  f"{result['p99']:.1f} | {result['bad']} | {result['ratio']:.3f} | "
                  f"≥ {target} | {'yes' if holds else 'NO'} |", flush=True)
        print(f"\n{len(listed) - failures} of {len(listed)} scenarios meet their target.")
        member = {"Cookie": browser_cookie(base, ids["member_signin"])}
        footprint.report(base, f"/p/{ids['pid']}", member, server.pid)
    finally:
        stop_server(server)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
