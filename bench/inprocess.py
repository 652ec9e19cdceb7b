"""The load benchmark's scenarios inside one process: CPU time per request and its ratio
to `/healthz`, statements per request, for a write on SQLite the CPU time it holds the
writer's turn, and a profile of any one of them.

`make bench` (bench/load.py) is the measurement: gunicorn, wrk, a quiet machine. This is
the tool for the work between two such runs: it needs no quiet machine (a request's CPU
time in this process hardly moves with the machine's load, and `/healthz` is timed
alternately with each scenario, so what moves, moves both), and it says where the time
goes.

Run:  .venv/bin/python bench/inprocess.py                      every scenario
      .venv/bin/python bench/inprocess.py poll relay           names containing a word
      .venv/bin/python bench/inprocess.py --profile "poll page"  cProfile of that one
      CALLERS="_emit_lazyload" … --profile …                    and who called that
      PROFILE_OUT=/tmp/p.prof … --profile …                     and keep the profile
      GROUPTOOLS_BENCH_DATABASE_URL=postgresql+psycopg://… (PostgreSQL, emptied first)

It seeds the same group as bench/load.py (300 members, every widget with data), in
production settings. The ratio here is not the one `make bench` prints: gunicorn adds
the same fixed cost (reading the request, the access log) to both sides of the wrk
ratio, which lifts every wrk ratio a little above this one."""
import argparse
import cProfile
import io
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import load  # noqa: E402
from bench.notice_receipts import StatementCounter  # noqa: E402

HOST = "http://localhost"


def signed_in_client(app, token):
    """A test client holding a member's session cookie, signed in as a phone is."""
    client = app.test_client()
    page = client.get(f"/signin/{token}").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    done = client.post(f"/signin/{token}", data={"csrf_token": csrf},
                       headers={"Referer": f"{HOST}/signin/{token}"})
    client.get(done.headers["Location"].removeprefix(HOST))
    return client


class Writer:
    """One write scenario: each call is the next member's request, as bench/wrk/*.lua."""

    def __init__(self, client, name, tokens, ids):
        self.client, self.name, self.tokens, self.ids = client, name, tokens, ids
        self.turn, self.entries = 0, {}

    def __call__(self):
        index = self.turn % len(self.tokens)
        round_ = self.turn // len(self.tokens)
        self.turn += 1
        headers = {"Authorization": f"Bearer {self.tokens[index]}"}
        ids = self.ids
        if self.name == "vote change":
            option = ids["options"][round_ % 2]
            return self.client.post(f"/api/v1/polls/{ids['pid']}/votes", headers=headers,
                                    json={"option_ids": [option]})
        if self.name == "relay sign-up and withdraw":
            path = f"/api/v1/relays/{ids['rid']}/entries"
            if index in self.entries:
                return self.client.delete(f"{path}/{self.entries.pop(index)}", headers=headers)
            answer = self.client.post(path, headers=headers, json={"values": {}})
            self.entries[index] = answer.get_json()["id"]
            return answer
        if self.name == "notice confirm":
            return self.client.post(f"/api/v1/notices/{ids['nid']}/confirm", headers=headers,
                                    json={})
        if self.name == "habit check-in":
            return self.client.post(f"/api/v1/habits/{ids['hid']}/checkins", headers=headers,
                                    json={})
        if self.name == "card save":
            city = ("北京", "上海", "广州")[round_ % 3]
            return self.client.put(f"/api/v1/groups/{ids['gid']}/cards/me", headers=headers,
                                   json={"values": {"name": f"成员{index}", "company": "公司",
                                                    "phone": f"139{index:08d}", "city": city}})
        raise ValueError(self.name)


def scenarios(app, ids):
    """[(name, kind, call)]: what bench/load.py measures, as calls on test clients."""
    member = signed_in_client(app, ids["member_signin"])
    manager = signed_in_client(app, ids["owner_signin"])
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {ids['tokens'][-1]}"}
    owner = {"Authorization": f"Bearer {ids['owner_token']}"}
    gid, pid, rid, nid, hid, eid, cid, aid = (ids[k] for k in
                                              ("gid", "pid", "rid", "nid", "hid", "eid", "cid",
                                               "aid"))
    pages = [
        ("group page", member, f"/g/{gid}", {}), ("poll page", member, f"/p/{pid}", {}),
        ("poll JSON", api, f"/api/v1/polls/{pid}", bearer),
        ("poll results JSON", api, f"/api/v1/polls/{pid}/results", bearer),
        ("relay page", member, f"/r/{rid}", {}),
        ("relay JSON", api, f"/api/v1/relays/{rid}", bearer),
        ("notice page", member, f"/n/{nid}", {}),
        ("notice JSON", api, f"/api/v1/notices/{nid}", bearer),
        ("notice receipts JSON (manager)", api, f"/api/v1/notices/{nid}/receipts", owner),
        ("habit page", member, f"/h/{hid}", {}),
        ("habit stats JSON", api, f"/api/v1/habits/{hid}/stats", bearer),
        ("event page", member, f"/e/{eid}", {}),
        ("card folder page", member, f"/g/{gid}/cards", {}),
        ("card folder JSON search", api, f"/api/v1/groups/{gid}/cards?q=%E5%8C%97%E4%BA%AC",
         bearer),
        ("group page (manager)", manager, f"/g/{gid}", {}),
    ]
    pictures = [
        ("poll QR PNG", f"/p/{pid}/qr.png"), ("poll poster PNG", f"/p/{pid}/poster.png"),
        ("poll result picture", f"/p/{pid}/results.png"),
        ("certificate PNG", f"/h/{hid}/a/{aid}/card.png"),
        ("card picture PNG", f"/c/{cid}/card.png"),
    ]
    listed = []

    def getter(client, path, headers):
        return lambda: client.get(path, headers=headers)

    for name, client, path, headers in pages:
        listed.append((name, "page", getter(client, path, headers)))
        etag = client.get(path, headers=headers).headers.get("ETag")
        if etag:
            listed.append((f"{name}, unchanged (304)", "304",
                           getter(client, path, {**headers, "If-None-Match": etag})))
    for name, path in pictures:
        member.get(path)
        listed.append((name, "picture", getter(member, path, {})))
        etag = member.get(path).headers.get("ETag")
        if etag:
            listed.append((f"{name}, unchanged (304)", "304",
                           getter(member, path, {"If-None-Match": etag})))
    for name in ("vote change", "relay sign-up and withdraw", "notice confirm",
                 "habit check-in", "card save"):
        tokens = ids["fresh_tokens"] if name.startswith("relay") else ids["tokens"]
        listed.append((name, "write", Writer(app.test_client(), name, tokens, ids)))
    return listed


class TurnClock:
    """CPU time spent holding the SQLite writer's turn (core.sqlite.WriterTurn): the
    part of a write that two workers cannot run side by side, so what bounds the writes
    per second of the whole server whatever else a write costs."""

    def __init__(self):
        from grouptools.core.sqlite import WriterTurn
        self.spent, self.turns, self._since = 0.0, 0, None
        take, give = WriterTurn.take, WriterTurn.give

        def timed_take(turn):
            taken = take(turn)
            self._since = time.process_time()
            return taken

        def timed_give(turn):
            self.spent += time.process_time() - self._since
            self.turns += 1
            give(turn)

        WriterTurn.take, WriterTurn.give = timed_take, timed_give

    def per_request(self, call, times):
        self.spent, self.turns = 0.0, 0
        cpu_ms(call, times)
        return self.spent * 1000 / times


class ServerClock:
    """CPU time of this process's PostgreSQL backends (from /proc: the server runs on
    the same machine, and under load its work competes with the app's for the same
    cores). Read at the kernel's clock tick (10 ms): enough over 200 requests."""

    def __init__(self, engine):
        self.pids = set()

        @event.listens_for(engine, "connect")
        def remember(dbapi_connection, connection_record):
            self.pids.add(dbapi_connection.info.backend_pid)

    def seconds(self):
        ticks = 0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


SERVER = None


def cpu_ms(call, times):
    started = time.process_time()
    for _ in range(times):
        answer = call()
        assert answer.status_code < 400, answer.status_code
    return (time.process_time() - started) * 1000 / times


def server_and_app_ms(call, times):
    """CPU ms per request of this process and of its PostgreSQL backends."""
    server_before = SERVER.seconds() if SERVER else 0.0
    app_ms = cpu_ms(call, times)
    server_ms = ((SERVER.seconds() - server_before) * 1000 / times) if SERVER else 0.0
    return app_ms, server_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*", help="only scenarios whose name contains one")
    parser.add_argument("--profile", metavar="NAME", help="cProfile this scenario")
    parser.add_argument("--requests", type=int, default=200, help="per scenario and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    database_url = os.environ.get("GROUPTOOLS_BENCH_DATABASE_URL")
    instance = Path(tempfile.mkdtemp(prefix="gt-inprocess-"))
    if database_url:
        load.empty_postgresql(database_url)
    else:
        database_url = f"sqlite:///{instance / 'bench.db'}"
    env = load.server_env(database_url, instance, 80)
    env["GROUPTOOLS_BASE_URL"] = HOST
    subprocess.run([str(load.BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    ids = load.seed(env)
    from grouptools.extensions import db
    from wsgi import app  # as gunicorn loads it

    global SERVER
    with app.app_context():
        counter = StatementCounter(db.engine)
        lengths = []

        @event.listens_for(db.engine, "before_cursor_execute")
        def measure(connection, cursor, statement, parameters, *_):
            if counter.counting:
                lengths.append(len(statement.encode()))
                if os.environ.get("SQL_TEXT"):  # and the statements themselves
                    print(statement, parameters, sep="\n", end="\n\n")
        if database_url.startswith("postgresql"):
            SERVER = ServerClock(db.engine)
            db.engine.dispose()  # connections made from now on are counted
    listed = [s for s in scenarios(app, ids)
              if (args.profile and s[0] == args.profile)
              or (not args.profile and (not args.words or any(w in s[0] for w in args.words)))]
    if not listed:
        raise SystemExit("no scenario by that name")
    health = app.test_client()
    if args.profile:
        name, _, call = listed[0]
        cpu_ms(call, 20)
        profile = cProfile.Profile(time.process_time)  # CPU, as the table
        profile.enable()
        cpu_ms(call, args.requests)
        profile.disable()
        if os.environ.get("PROFILE_OUT"):  # for pstats or snakeviz
            profile.dump_stats(os.environ["PROFILE_OUT"])
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
        if os.environ.get("CALLERS"):
            pstats.Stats(profile, stream=out).print_callers(os.environ["CALLERS"])
        print(out.getvalue())
        return
    print(f"{'PostgreSQL' if database_url.startswith('postgresql') else 'SQLite'}, "
          f"{args.rounds} rounds of {args.requests} requests, CPU time in this process\n")
    turns = TurnClock() if database_url.startswith("sqlite") else None
    print("| scenario | status | CPU ms | server CPU ms | /healthz CPU ms | ratio | "
          "statements | turn ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, kind, call in listed:
        status = call().status_code
        counter.count, counter.counting = 0, True
        lengths.clear()
        call()
        counter.counting = False
        statements = counter.count
        if os.environ.get("SQL_LENGTHS"):  # how long each statement's text is, in bytes
            statements = f"{statements} ({', '.join(map(str, lengths))} B)"
        cpu_ms(call, 10)
        route, healthz = [], []
        for _ in range(args.rounds):
            healthz.append(cpu_ms(lambda: health.get("/healthz"), args.requests))
            route.append(server_and_app_ms(call, args.requests))
        route_ms, server_ms = sorted(route, key=sum)[len(route) // 2]
        healthz_ms = sorted(healthz)[len(healthz) // 2]
        held = f"{turns.per_request(call, args.requests):.2f}" if turns and kind == "write" else ""
        server = f"{server_ms:.2f}" if SERVER else ""
        print(f"| {name} | {status} | {route_ms:.2f} | {server} | {healthz_ms:.2f} | "
              f"{healthz_ms / (route_ms + server_ms):.3f} | {statements} | {held} |",
              flush=True)


if __name__ == "__main__":
    main()
