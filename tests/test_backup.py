"""Backups (docs/deploy.md#backups): `flask --app wsgi grouptools backup PATH` taken
while a gunicorn server takes writes holds every write answered 2xx before it started,
and `restore PATH --yes` brings exactly that back; SQLite's copy passes
PRAGMA integrity_check; on PostgreSQL pg_dump and pg_restore do the work."""
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.engine import make_url

from grouptools.extensions import db
from tests.conftest import ROOT, SECRET_KEY, running_server


def grouptools_command(database_url, instance_dir, *arguments, path=None):
    env = {**os.environ, "GROUPTOOLS_DATABASE_URL": database_url,
           "GROUPTOOLS_SECRET_KEY": SECRET_KEY, "GROUPTOOLS_INSTANCE_DIR": str(instance_dir)}
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "grouptools",
                           *arguments], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


class Writers:
    """Threads creating people on the server until stopped; each answered 201 is kept
    with the moment its answer arrived."""

    def __init__(self, base, count=4):
        self.base, self.done, self.failed = base, [], []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.write, args=(n,)) for n in range(count)]

    def write(self, n):
        session, i = requests.Session(), 0
        while not self.stop.is_set():
            i += 1
            response = session.post(f"{self.base}/api/v1/people", json={"name": f"写入{n}-{i}"},
                                    timeout=60)
            if response.status_code == 201:
                self.done.append((time.monotonic(), response.json()["id"]))
            else:
                self.failed.append(response.status_code)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def wait_for(self, count):
        deadline = time.monotonic() + 60
        while len(self.done) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.done) >= count


def stored_people(app):
    with app.app_context():
        db.engine.dispose()
        ids = {row[0] for row in db.session.execute(text("SELECT public_id FROM person"))}
        db.session.remove()
        return ids


@pytest.mark.server
def test_a_backup_taken_under_writes_restores_every_write_answered_before_it(
        app, database_url, tmp_path):
    backup_file = tmp_path / ("grouptools.db" if database_url.startswith("sqlite")
                              else "grouptools.dump")
    with running_server(database_url, tmp_path / "instance", tmp_path / "gunicorn.log",
                        workers=2) as server:
        with Writers(server) as writers:
            writers.wait_for(30)
            started = time.monotonic()
            made = grouptools_command(database_url, tmp_path / "cli", "backup", str(backup_file))
            finished = time.monotonic()
            assert made.returncode == 0, made.stderr
            # Writers keep going after the backup too: those writes must not come back.
            count = len(writers.done)
            writers.wait_for(count + 10)
        assert not writers.failed
    before = {pid for at, pid in writers.done if at < started}
    after = {pid for at, pid in writers.done if at > finished}
    assert len(before) >= 30 and after
    assert before | after <= stored_people(app)

    refused = grouptools_command(database_url, tmp_path / "cli", "restore", str(backup_file))
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert after <= stored_people(app)  # nothing changed

    restored = grouptools_command(database_url, tmp_path / "cli", "restore", str(backup_file),
                                  "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "newest migration" in restored.stdout
    people = stored_people(app)
    assert before <= people
    assert not after & people

    if database_url.startswith("sqlite"):
        for path in (backup_file, make_url(database_url).database):
            with sqlite3.connect(path) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    # The restored database serves, at the newest migration.
    with running_server(database_url, tmp_path / "instance2", tmp_path / "gunicorn2.log",
                        workers=1) as server:
        assert requests.get(f"{server}/readyz", timeout=10).text == "ready"
        some = sorted(before)[0]
        assert requests.post(f"{server}/api/v1/people", json={"name": "恢复后"},
                             timeout=10).status_code == 201
    assert some in stored_people(app)


def test_restore_refuses_a_file_that_is_not_a_grouptools_backup(app, database_url, tmp_path):
    foreign = tmp_path / "notes.db"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(foreign) as connection:
            connection.execute("CREATE TABLE notes (body TEXT)")
        expected = "is not a grouptools database"
    else:
        foreign.write_bytes(b"SQLite format 3\x00 not a dump")
        expected = "is not a pg_dump custom-format file"
    done = grouptools_command(database_url, tmp_path / "cli", "restore", str(foreign), "--yes")
    assert done.returncode != 0 and expected in done.stderr
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        db.session.remove()


def test_without_pg_dump_the_command_says_what_to_run(tmp_path):
    url = "postgresql+psycopg://grouptools:s3cret@db.internal:5433/grouptools"
    python_only = str(tmp_path / "bin")  # a PATH without pg_dump or pg_restore
    done = grouptools_command(url, tmp_path / "cli", "backup", str(tmp_path / "x.dump"),
                              path=python_only)
    assert done.returncode == 1
    assert "pg_dump is not on PATH" in done.stderr
    assert ("PGPASSWORD='<the password in GROUPTOOLS_DATABASE_URL>' pg_dump --format=custom "
            f"--file {tmp_path / 'x.dump'} --dbname 'host=db.internal port=5433 "
            "user=grouptools dbname=grouptools'") in done.stderr
    assert "s3cret" not in done.stderr
    (tmp_path / "x.dump").write_bytes(b"")
    done = grouptools_command(url, tmp_path / "cli", "restore", str(tmp_path / "x.dump"),
                              "--yes", path=python_only)
    assert done.returncode == 1
    assert "pg_restore is not on PATH" in done.stderr and "--clean --if-exists" in done.stderr


def test_a_backup_into_a_missing_folder_says_so(database_url, tmp_path):
    done = grouptools_command(database_url, tmp_path / "cli", "backup",
                              str(tmp_path / "no-such-folder" / "backup.db"))
    assert done.returncode == 1
    assert f"no folder {tmp_path / 'no-such-folder'}: create it first" in done.stderr
    assert "Traceback" not in done.stderr
