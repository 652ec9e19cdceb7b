"""SQLite's side of core.database: its pragmas, write transactions begun IMMEDIATE each
in its writer's turn (WriterTurn), and emptying the WAL (docs/architecture.md, "Speed")."""
import fcntl
import logging
import os
import sqlite3
import threading
import time
import weakref

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

BUSY_TIMEOUT_MS = 30000
# How long truncating the WAL may wait for readers before leaving it to the next time.
CHECKPOINT_WAIT_MS = 2000
# Write transactions between two checkpoints of the WAL that each process runs after
# giving its writer's turn; SQLite's own checkpoint after a commit (run while the turn is
# still held) only when the WAL passes AUTOCHECKPOINT_PAGES all the same.
CHECKPOINT_EVERY = 50
AUTOCHECKPOINT_PAGES = 4000

log = logging.getLogger(__name__)


class WriterTurn:
    """One writer at a time on one SQLite file, handed over the moment the last one ends.

    SQLite's own busy handler polls: a writer that finds the write lock taken sleeps 1, 2,
    5, 10 … 100 ms between tries, whether the holder needs 2 ms or 200. With two
    gunicorn workers writing all the time, most of a write's time was those sleeps
    (bench/RESULTS.md, "Writers handed the lock"). So each write transaction first takes
    its turn here: among this process's threads a lock that wakes the next one at once,
    between processes an advisory `flock` on a file beside the database (`<file>-writer`),
    which the kernel hands over at once. A transaction holds its turn from before its
    `BEGIN IMMEDIATE` to right after its COMMIT or ROLLBACK, so SQLite's lock is free
    whenever a turn is handed on; the busy handler stays for writers that take no turn
    (the sqlite3 shell, a second connection of a thread that already has its turn).

    Copying the WAL into the database (a checkpoint, with its two fsyncs) needs no
    writer's lock, but SQLite runs it inside the COMMIT that fills the WAL, which here
    would hold the turn for tens of milliseconds: so every CHECKPOINT_EVERY commits
    the process checkpoints after giving its turn (`after_give`).

    Nothing waits forever: a turn not had within `timeout` seconds answers what SQLite
    would ("database is locked"), and a process that dies lets go of its `flock`."""

    def __init__(self, database_path, timeout):
        in_memory = database_path in (None, "", ":memory:")
        self.path = None if in_memory else os.path.abspath(database_path) + "-writer"
        self.timeout = timeout
        self._threads = threading.Lock()
        self._holder = None  # the thread that has the turn
        self._file = None  # the lock file's descriptor, opened by each process
        self._pid = None
        self._commits = 0

    def take(self):
        """Wait for the turn; False when this thread has it already (its own second
        connection: no wait, SQLite's busy handler decides)."""
        me = threading.get_ident()
        if self._holder == me:
            return False
        deadline = time.monotonic() + self.timeout
        if not self._threads.acquire(timeout=self.timeout):
            raise _locked()
        try:
            self._lock_file(deadline)
        except BaseException:
            self._threads.release()
            raise
        self._holder = me
        return True

    def held_here(self):
        """Whether this thread has the turn (its write transaction has begun)."""
        return self._holder == threading.get_ident()

    def give(self):
        self._holder = None
        if self.path is not None:
            fcntl.flock(self._descriptor(), fcntl.LOCK_UN)
        self._threads.release()

    def begin_immediate(self, connection):
        """Take the turn, then BEGIN IMMEDIATE on this SQLAlchemy connection."""
        connection.info["write_lock"] = True
        connection.info["writer_turn"] = self.take()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.give_of(connection.info)
            raise

    def give_of(self, info):
        """Give the turn if the connection with this `info` took it."""
        info.pop("write_next", None)
        if info.pop("writer_turn", False):
            self.give()

    def after_give(self, dbapi_connection):
        """Count a commit; every CHECKPOINT_EVERY, checkpoint without holding the turn
        (PASSIVE: it copies what no reader needs and never waits)."""
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY == 0:
            dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _descriptor(self):
        if self._pid != os.getpid():
            self._file = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._file

    def _lock_file(self, deadline):
        if self.path is None:
            return
        descriptor = self._descriptor()
        # A blocking flock would wake the moment the other process lets go, but could
        # not give up; so try, and between tries sleep 50 µs at first, at most 1 ms.
        pause = 0.00005
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _locked() from None
                time.sleep(pause)
                pause = min(pause * 2, 0.001)


# Each SQLite engine's WriterTurn, for what writes outside a transaction (truncate_wal).
_turns = weakref.WeakKeyDictionary()


def turn_of(engine):
    """The engine's WriterTurn (None for another database)."""
    return _turns.get(engine)


def _locked():
    return OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))


def configure_sqlite(engine, writes_expected=lambda: True):
    """WAL, a busy timeout, foreign keys, and write transactions begun IMMEDIATE, each
    after taking its writer's turn (WriterTurn); `writes_expected()` says whether the
    transaction about to begin may write (core.database's, for a request).

    Python's sqlite3 begins transactions as DEFERRED; a request that reads (who is
    asking) and then writes fails at once with "database is locked" when another
    writer got there first, whatever the busy timeout. So the driver's own
    transaction handling is switched off and SQLAlchemy emits the BEGIN itself
    (the pysqlite recipe in SQLAlchemy's documentation).

    secure_delete overwrites deleted rows with zeros instead of leaving them in free
    pages, so what was deleted (counted secret ballots) is not in the database file."""
    turn = _turns[engine] = WriterTurn(engine.url.database, BUSY_TIMEOUT_MS / 1000)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.info.pop("write_next", None)
        begin(connection)

    def begin(connection):
        if writes_expected():
            turn.begin_immediate(connection)
        else:
            connection.info["write_lock"] = False
            # A read's BEGIN straight on the driver's connection: through SQLAlchemy's
            # execution it cost a 304 or a picture about a tenth of its time.
            connection.connection.dbapi_connection.execute("BEGIN")

    def end_and_give(connection, end):
        """The turn goes on right after the transaction ends. SQLAlchemy's commit and
        rollback events come before it ends, so the transaction is ended here (the
        driver's own commit() or rollback() afterwards finds nothing to do: its
        isolation_level is None). An invalidated connection gave its turn already."""
        if connection.invalidated:
            return False
        connection.info.pop("write_next", None)
        if not connection.info.get("writer_turn"):
            return False
        dbapi_connection = connection.connection.dbapi_connection
        try:
            getattr(dbapi_connection, end)()
        except sqlite3.Error:
            return False  # SQLAlchemy's own commit or rollback tries again and reports it
        turn.give_of(connection.info)
        return True

    @event.listens_for(engine, "before_execute")
    def begin_the_write(connection, *statement):
        # The first statement after before_the_write begins the transaction again: the
        # write, or a read when it is another before_the_write's.
        if connection.info.get("write_next"):
            del connection.info["write_next"]
            begin(connection)

    @event.listens_for(engine, "commit")
    def on_commit(connection):
        if end_and_give(connection, "commit"):
            turn.after_give(connection.connection.dbapi_connection)

    @event.listens_for(engine, "rollback")
    def on_rollback(connection):
        end_and_give(connection, "rollback")

    # A connection handed back, closed or thrown away mid-transaction gives its turn.
    for name in ("checkin", "close", "invalidate", "soft_invalidate", "detach"):
        event.listen(engine.pool, name, _giver(turn.give_of))


def _giver(give_turn):
    def on_pool_event(dbapi_connection, connection_record, *exception):
        if connection_record is not None:
            give_turn(connection_record.info)
    return on_pool_event


def truncate_wal(engine):
    """After a commit whose earlier states must not linger (SQLite keeps every page it
    wrote in the WAL until a checkpoint): copy the WAL into the database and empty it.
    Emptying the WAL shuts writers out, so it waits for its writer's turn like any
    write (writers behind it wait in the turn, not in SQLite's polling busy handler).
    Best effort: a reader still using the WAL makes it wait a little, then give up
    until the next time (SQLite's own checkpoints reuse the WAL from its start).
    Nothing to do on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return
    turn = _turns.get(engine)
    try:
        took = turn.take() if turn is not None else False
    except OperationalError:
        log.info("WAL checkpoint left for later: no writer's turn in time")
        return
    try:
        _checkpoint_truncate(engine)
    finally:
        if took:
            turn.give()


def _checkpoint_truncate(engine):
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
        try:
            busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:
            busy = True
        finally:
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.close()
        if busy:
            log.info("WAL checkpoint left for later: a reader was still using it")
    finally:
        raw.close()
