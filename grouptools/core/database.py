"""Database behaviour that must hold on both engines: SQLite's pragmas and write locks
(PostgreSQL's sessions: core/postgresql.py); the one commit/rollback convention of every service; and
reading "the first n of each" for many widgets at once.

A service commits its own unit of work with `commit_or_conflict()`; where it writes
before it may still refuse, it runs inside `unit_of_work()`, so a refusal leaves
nothing half-done and a constraint the database caught answers 409, never 500."""
import fcntl
import logging
import os
import sqlite3
import threading
import time
import weakref
from contextlib import contextmanager

from flask import g, has_request_context, request
from sqlalchemy import event, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError

from grouptools.core.errors import Conflict, DomainError
from grouptools.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 30000
# How long truncating the WAL may wait for readers before leaving it to the next time.
CHECKPOINT_WAIT_MS = 2000
# Write transactions between two checkpoints of the WAL that each process runs after
# giving its writer's turn; SQLite's own checkpoint after a commit (run while the turn is
# still held) only when the WAL passes AUTOCHECKPOINT_PAGES all the same.
CHECKPOINT_EVERY = 50
AUTOCHECKPOINT_PAGES = 4000
# Parts of one UNION ALL: SQLite refuses a compound SELECT of more than 500, and builds
# before 3.32 more than 999 parameters.
UNION_PARTS = 100

log = logging.getLogger(__name__)


def commit_or_conflict():
    """Commit, turning a constraint the database caught (a race, a duplicate) into 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict() from None


def first_of_each(queries, limit):
    """The first `limit` rows of each query (ordered selects) as UNION ALL subqueries,
    one per UNION_PARTS queries: a page or an export reads "the newest 200 log lines of
    every relay" with one statement, each part still read by its own index and LIMIT
    however long the rest is. Rows come in no particular order: select what sorts them."""
    parts = [select(query.limit(limit).subquery()) for query in queries]
    return [union_all(*parts[start:start + UNION_PARTS]).subquery()
            for start in range(0, len(parts), UNION_PARTS)]


@contextmanager
def unit_of_work():
    """Roll back what the block began when it is refused: a DomainError goes on as it
    is; an IntegrityError (a race another request won) becomes Conflict (409)."""
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        raise Conflict() from None
    except DomainError:
        db.session.rollback()
        raise


def insert_unless_present(model, **values):
    """INSERT a row unless one with the same unique key is there already; True when this
    statement inserted it. `ON CONFLICT DO NOTHING` on both databases: two requests
    inserting the same row at once never fail (the second waits for the first on
    PostgreSQL, then does nothing), where check-then-insert would answer one a 500."""
    dialect = db.session.get_bind().dialect.name
    insert = dialect_insert(dialect)
    # RETURNING says whether a row went in: PostgreSQL's driver gives no row count for
    # an INSERT that SQLAlchemy already made return its new key.
    key = list(model.__table__.primary_key.columns)
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(*key)
    return db.session.execute(statement).first() is not None


def dialect_insert(dialect):
    """The INSERT construct with ON CONFLICT of this dialect ("postgresql" or "sqlite")."""
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def request_writes_on_read():
    """Call before a GET writes (e.g. recording that a notice was opened): its
    transaction then takes SQLite's write lock up front like a POST's does."""
    g.writes_on_read = True


def writes_expected():
    if not has_request_context():
        return True
    if g.get("before_the_write", False):
        return False
    return request.method not in SAFE_METHODS or g.get("writes_on_read", False)


@contextmanager
def before_the_write():
    """What a write request reads before its route runs (who is asking) is read in a
    read transaction of its own, ended here; what it loaded stays loaded and in the
    session. The route's first statement then begins the write transaction, so on SQLite
    the writer's turn is not held while the request's body is parsed and checked
    (bench/RESULTS.md, "Writers handed the lock"). Nothing to do on PostgreSQL, where a
    transaction that has only read locks nothing. Inside a transaction that holds
    SQLite's write lock already (a service's read, its caller writing before it), what is
    read belongs to that write: nothing is ended then."""
    if _writing_here():
        yield
        return
    g.before_the_write = True
    try:
        yield
    finally:
        g.before_the_write = False
    session = db.session()
    if session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        loaded = list(session.identity_map.values())
        for instance in loaded:
            if instance in session:  # not expunged already by a cascade from another
                session.expunge(instance)
        # What the reads noted for the write to come (a widget whose version its commit
        # moves: core.access.authorize) outlives the end of a transaction that only read.
        noted = dict(session.info)
        session.rollback()
        session.info.update(noted)
        for instance in loaded:
            session.add(instance)


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


def _writing_here():
    """Whether this thread's session has begun writing to its SQLite database (holds the
    writer's turn), asked without opening a connection (which would begin a write)."""
    turn = _turns.get(db.session().get_bind())
    return turn is not None and turn.held_here()


def _locked():
    return OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))


def configure_sqlite(engine):
    """WAL, a busy timeout, foreign keys, and write transactions begun IMMEDIATE, each
    after taking its writer's turn (WriterTurn).

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
        immediate = writes_expected()
        connection.info["write_lock"] = immediate
        if immediate:
            connection.info["writer_turn"] = turn.take()
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                give_turn(connection.info)
                raise
        else:
            # A read's BEGIN straight on the driver's connection: through SQLAlchemy's
            # execution it cost a 304 or a picture about a tenth of its time.
            connection.connection.dbapi_connection.execute("BEGIN")

    def give_turn(info):
        if info.pop("writer_turn", False):
            turn.give()

    def end_and_give(connection, end):
        """The turn goes on right after the transaction ends. SQLAlchemy's commit and
        rollback events come before it ends, so the transaction is ended here (the
        driver's own commit() or rollback() afterwards finds nothing to do: its
        isolation_level is None). An invalidated connection gave its turn already."""
        if connection.invalidated or not connection.info.get("writer_turn"):
            return False
        dbapi_connection = connection.connection.dbapi_connection
        try:
            getattr(dbapi_connection, end)()
        except sqlite3.Error:
            return False  # SQLAlchemy's own commit or rollback tries again and reports it
        give_turn(connection.info)
        return True

    @event.listens_for(engine, "commit")
    def on_commit(connection):
        if end_and_give(connection, "commit"):
            turn.after_give(connection.connection.dbapi_connection)

    @event.listens_for(engine, "rollback")
    def on_rollback(connection):
        end_and_give(connection, "rollback")

    # A connection handed back, closed or thrown away mid-transaction gives its turn.
    for name in ("checkin", "close", "invalidate", "soft_invalidate", "detach"):
        event.listen(engine.pool, name, _giver(give_turn))


def _giver(give_turn):
    def on_pool_event(dbapi_connection, connection_record, *exception):
        if connection_record is not None:
            give_turn(connection_record.info)
    return on_pool_event


def holds_write_lock():
    """Whether the session's transaction holds SQLite's write lock since its BEGIN
    IMMEDIATE: nobody else can have changed anything it read since, so what it read
    needs no locking or reading again (always False on PostgreSQL)."""
    if not db.session().in_transaction():
        return False
    connection = db.session.connection()
    return connection.dialect.name == "sqlite" and connection.info.get("write_lock", False)


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


def init_app(app, db):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        from grouptools.core.postgresql import configure_postgresql

        configure_postgresql(engine, writes_expected)
