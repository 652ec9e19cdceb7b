"""Crashes under write load, on SQLite and PostgreSQL: a worker killed with SIGKILL, then
the whole server (master and workers) at once. After a restart every write a client was
told succeeded (a 2xx) is there, the counters agree with the rows, SQLite's
`PRAGMA integrity_check` says ok, and the app serves again."""
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from grouptools.checkin.models import Checkin, Habit, HabitMember
from grouptools.core.models import Person
from grouptools.extensions import db
from grouptools.relay.models import Relay, RelayEntry
from tests.conftest import ROOT, SECRET_KEY, LiveServer, _free_port, _wait_until_serving
from tests.servers import call, group_of_members

pytestmark = [pytest.mark.server, pytest.mark.crash]

WRITERS, MEMBERS, WORKERS = 6, 60, 2


@contextmanager
def killable_server(database_url, instance_dir, log_path, workers=WORKERS):
    """gunicorn in a process group of its own, so the test can kill all of it at once;
    yields (master process, base URL)."""
    env = {**os.environ, "GROUPTOOLS_DATABASE_URL": database_url,
           "GROUPTOOLS_SECRET_KEY": SECRET_KEY, "GROUPTOOLS_RATELIMIT_ENABLED": "0",
           "GROUPTOOLS_INSTANCE_DIR": str(instance_dir)}
    log = open(log_path, "a+")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--timeout", "30",
         "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    base = LiveServer(f"http://127.0.0.1:{port}")
    base.log = log
    try:
        _wait_until_serving(base, proc, log)
        yield proc, base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        server_log = base.read_log()
        log.close()
    assert "Traceback" not in server_log, server_log


def workers_of(master):
    """The pids whose parent is the gunicorn master."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.pid:
            children.append(int(stat.parent.name))
    return children


class WriteLoad:
    """Writer threads that keep writing until stopped and remember each write the server
    acknowledged: new people, sign-ups and check-ins of members taken from a queue."""

    def __init__(self, base, rid, hid, member_tokens):
        self.base, self.rid, self.hid = base, rid, hid
        self.members = list(member_tokens)
        self.lock = threading.Lock()
        self.acknowledged = {"person": [], "entry": [], "checkin": []}
        self.refused = []  # answers that are neither a 2xx nor a dropped connection
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._write, args=(n,)) for n in range(WRITERS)]

    def count(self):
        with self.lock:
            return sum(len(ids) for ids in self.acknowledged.values())

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _next_member(self):
        with self.lock:
            return self.members.pop() if self.members else None

    def _write(self, n):
        i = 0
        while not self.stop.is_set():
            i += 1
            token = self._next_member() if i % 2 else None
            try:
                if token is None:
                    self._record("person", call(self.base, "POST", "/api/v1/people", timeout=10,
                                                json={"name": f"写入者{n}-{i}"}))
                else:
                    self._record("entry", call(self.base, "POST", f"/api/v1/relays/{self.rid}/entries",
                                               token, {"values": {}}, timeout=10))
                    self._record("checkin", call(self.base, "POST", f"/api/v1/habits/{self.hid}/checkins",
                                                 token, {}, timeout=10))
            except requests.RequestException:
                time.sleep(0.05)  # the server is down or the worker died: not acknowledged

    def _record(self, kind, response):
        with self.lock:
            if 200 <= response.status_code < 300:
                self.acknowledged[kind].append(response.json()["id"])
            else:
                self.refused.append((response.status_code, response.text))

    def wait_for(self, more, timeout=20):
        target, deadline = self.count() + more, time.monotonic() + timeout
        while self.count() < target:
            assert time.monotonic() < deadline, f"writes stalled at {self.count()}"
            time.sleep(0.05)


def test_killed_worker_then_killed_server_lose_no_acknowledged_write(app, database_url, tmp_path):
    gid, owner, tokens = group_of_members(app, MEMBERS, name="断电演练群")
    with killable_server(database_url, tmp_path / "instance", tmp_path / "first.log") as (master, base):
        rid = call(base, "POST", f"/api/v1/groups/{gid}/relays", owner, {"title": "不限名额"}).json()["id"]
        hid = call(base, "POST", f"/api/v1/groups/{gid}/habits", owner, {"title": "天天打卡"}).json()["id"]
        with WriteLoad(base, rid, hid, tokens) as load:
            load.wait_for(20)
            victim = workers_of(master)[0]
            os.kill(victim, signal.SIGKILL)
            load.wait_for(20)  # the master replaced the worker; writes go on
            assert victim not in workers_of(master) and len(workers_of(master)) == WORKERS
            os.killpg(master.pid, signal.SIGKILL)
            master.wait(timeout=10)
            time.sleep(0.5)  # writers now meet a closed port
    assert load.refused == []
    written = load.acknowledged
    assert written["person"] and written["entry"] and written["checkin"], written

    if make_url(database_url).get_backend_name() == "sqlite":
        with sqlite3.connect(make_url(database_url).database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []

    with killable_server(database_url, tmp_path / "instance", tmp_path / "second.log") as (_, base):
        with app.app_context():
            stored = set(db.session.scalars(select(Person.public_id)))
            assert set(written["person"]) <= stored
            entries = set(db.session.scalars(select(RelayEntry.public_id)))
            assert set(written["entry"]) <= entries
            assert set(written["checkin"]) <= set(db.session.scalars(select(Checkin.public_id)))
            # Counters moved in the same transactions as the rows they count.
            relay = db.session.scalar(select(Relay).where(Relay.public_id == rid))
            assert relay.taken == db.session.scalar(select(func.count()).select_from(RelayEntry).where(
                RelayEntry.relay_id == relay.id, RelayEntry.status == "confirmed"))
            habit = db.session.scalar(select(Habit).where(Habit.public_id == hid))
            totals = dict(db.session.execute(select(HabitMember.membership_id, HabitMember.total_days)
                                             .where(HabitMember.habit_id == habit.id)).all())
            counted = dict(db.session.execute(select(Checkin.membership_id, func.count())
                                              .where(Checkin.habit_id == habit.id)
                                              .group_by(Checkin.membership_id)).all())
            assert {m: n for m, n in totals.items() if n} == counted
            db.session.remove()
        # It serves again: reads what was written and takes new writes.
        listed = call(base, "GET", f"/api/v1/relays/{rid}", owner).json()
        assert {e["id"] for e in listed["entries"]} >= set(written["entry"])
        assert call(base, "POST", "/api/v1/people", json={"name": "重启之后"}).status_code == 201
        assert call(base, "POST", f"/api/v1/relays/{rid}/entries", owner, {"values": {}}).status_code == 201
