"""SQLite writers take turns (core.sqlite.WriterTurn): the next writer goes on the
moment the last one's transaction ends, in this process or another; nobody waits forever;
a refused or failed write hands the turn on. On an SQLite file of their own, so these
run whichever database the suite uses."""
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from grouptools.core.sqlite import WriterTurn
from grouptools.extensions import db

ROOT = Path(__file__).resolve().parents[2]
# What the next writer may lose after the holder's commit. SQLite's own busy handler,
# which polls, loses up to 100 ms once a wait has passed 0.2 s: over HANDOVERS waits it
# is late by more than PROMPT at least once but by a few per cent of chances.
PROMPT = 0.04
HOLD = 0.4
HANDOVERS = 4


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'turns.db'}")
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE written (who TEXT, at REAL)"))
    return app


def write(app, who, hold=0.0):
    """One write transaction; when it had its first statement done and when it ended."""
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO written VALUES (:who, 0)"), {"who": who})
            started = time.monotonic()
            time.sleep(hold)
        return started, time.monotonic()


def test_a_waiting_writer_goes_on_the_moment_the_other_thread_commits(sqlite_app):
    late = []
    for _ in range(HANDOVERS):
        held = {}
        holder = threading.Thread(target=lambda: held.update(times=write(sqlite_app, "a", HOLD)))
        holder.start()
        time.sleep(0.1)
        started, _ = write(sqlite_app, "b")
        holder.join()
        late.append(started - held["times"][1])
    assert all(0 <= wait < PROMPT for wait in late), late


def test_a_waiting_writer_goes_on_the_moment_another_process_commits(sqlite_app, tmp_path):
    path = tmp_path / "turns.db"
    script = textwrap.dedent(f"""
        import sys, time
        from sqlalchemy import create_engine, text
        from grouptools.core.sqlite import configure_sqlite
        engine = create_engine("sqlite:///{path}")
        configure_sqlite(engine)
        for _ in range({HANDOVERS}):
            sys.stdin.readline()
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO written VALUES ('other process', 0)"))
                print("holding", flush=True)
                time.sleep({HOLD})
                committing = time.monotonic()  # read after the commit, it could come late
            print(committing, flush=True)
    """)
    late = []
    with subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as other:
        for _ in range(HANDOVERS):
            other.stdin.write("go\n")
            other.stdin.flush()
            assert other.stdout.readline().strip() == "holding"
            time.sleep(0.1)
            started, _ = write(sqlite_app, "this process")
            late.append(started - float(other.stdout.readline()))
        other.stdin.close()
        assert other.wait(10) == 0
    assert all(0 <= wait < PROMPT for wait in late), late
    with sqlite_app.app_context():
        written = db.session.execute(text("SELECT who FROM written")).scalars().all()
    assert written == ["other process", "this process"] * HANDOVERS


def test_a_turn_not_had_in_time_answers_database_is_locked(tmp_path):
    turn = WriterTurn(str(tmp_path / "x.db"), timeout=0.2)
    holder = threading.Thread(target=turn.take)
    holder.start()
    holder.join()
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        turn.take()
    assert 0.2 <= time.monotonic() - started < 2


def test_a_turn_held_by_another_process_is_waited_for_then_refused(tmp_path):
    script = textwrap.dedent(f"""
        import time
        from grouptools.core.sqlite import WriterTurn
        WriterTurn({str(tmp_path / 'x.db')!r}, timeout=1).take()
        print("holding", flush=True)
        time.sleep(30)
    """)
    with subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                          text=True) as other:
        try:
            assert other.stdout.readline().strip() == "holding"
            turn = WriterTurn(str(tmp_path / "x.db"), timeout=0.3)
            with pytest.raises(OperationalError, match="database is locked"):
                turn.take()
        finally:
            other.kill()
    # A process that ends lets go of its turn.
    assert WriterTurn(str(tmp_path / "x.db"), timeout=1).take() is True


def test_the_thread_with_the_turn_does_not_wait_for_itself(tmp_path):
    turn = WriterTurn(str(tmp_path / "x.db"), timeout=0.2)
    assert turn.take() is True
    assert turn.take() is False  # its second connection: SQLite's busy handler decides
    turn.give()
    assert turn.take() is True


def writes_promptly(app):
    """A write from another thread ends within a second (a lost turn would hold it for
    the whole timeout)."""
    done = threading.Event()
    threading.Thread(target=lambda: (write(app, "next"), done.set()), daemon=True).start()
    return done.wait(1)


def test_a_rolled_back_write_hands_the_turn_on(sqlite_app):
    with sqlite_app.app_context():
        with pytest.raises(RuntimeError):
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO written VALUES ('refused', 0)"))
                raise RuntimeError("refused half-way")
    assert writes_promptly(sqlite_app)


def test_a_failed_statement_hands_the_turn_on(sqlite_app):
    with sqlite_app.app_context():
        with pytest.raises(Exception, match="no such table"):
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO missing VALUES (1)"))
    assert writes_promptly(sqlite_app)


def test_a_connection_closed_mid_transaction_hands_the_turn_on(sqlite_app):
    with sqlite_app.app_context():
        conn = db.engine.connect()
        conn.begin()
        conn.execute(text("INSERT INTO written VALUES ('left open', 0)"))
        conn.invalidate()
        conn.rollback()
        conn.close()
    assert writes_promptly(sqlite_app)


def test_a_session_commit_hands_the_turn_on_and_keeps_what_it_wrote(sqlite_app):
    with sqlite_app.app_context():
        db.session.execute(text("INSERT INTO written VALUES ('kept', 0)"))
        db.session.commit()
        assert writes_promptly(sqlite_app)
        assert db.session.execute(
            text("SELECT count(*) FROM written WHERE who = 'kept'")).scalar() == 1
        db.session.remove()


def test_emptying_the_wal_waits_for_the_writer_before_it(sqlite_app, tmp_path, monkeypatch):
    """Counted secret ballots must not linger in the WAL: emptying it waits its turn
    behind a long write instead of giving up when SQLite's short wait runs out."""
    from grouptools.core import sqlite as database
    monkeypatch.setattr(database, "CHECKPOINT_WAIT_MS", 50)
    holder = threading.Thread(target=write, args=(sqlite_app, "long write", HOLD))
    holder.start()
    time.sleep(0.1)
    with sqlite_app.app_context():
        database.truncate_wal(db.engine)
    holder.join()
    wal = tmp_path / "turns.db-wal"
    assert wal.stat().st_size == 0
