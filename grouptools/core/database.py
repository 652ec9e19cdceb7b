"""Database behaviour that must hold on both engines: SQLite's pragmas and write locks,
PostgreSQL sessions in UTC; the one commit/rollback convention of every service; and
reading "the first n of each" for many widgets at once.

A service commits its own unit of work with `commit_or_conflict()`; where it writes
before it may still refuse, it runs inside `unit_of_work()`, so a refusal leaves
nothing half-done and a constraint the database caught answers 409, never 500."""
import logging
import sqlite3
from contextlib import contextmanager

from flask import g, has_request_context, request
from sqlalchemy import event, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from grouptools.core.errors import Conflict, DomainError
from grouptools.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 30000
# How long truncating the WAL may wait for readers before leaving it to the next time.
CHECKPOINT_WAIT_MS = 2000
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
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    # RETURNING says whether a row went in: PostgreSQL's driver gives no row count for
    # an INSERT that SQLAlchemy already made return its new key.
    key = list(model.__table__.primary_key.columns)
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(*key)
    return db.session.execute(statement).first() is not None


def request_writes_on_read():
    """Call before a GET writes (e.g. recording that a notice was opened): its
    transaction then takes SQLite's write lock up front like a POST's does."""
    g.writes_on_read = True


def _wants_write_lock():
    if not has_request_context():
        return True
    return request.method not in SAFE_METHODS or g.get("writes_on_read", False)


def configure_sqlite(engine):
    """WAL, a busy timeout, foreign keys, and write transactions begun IMMEDIATE.

    Python's sqlite3 begins transactions as DEFERRED; a request that reads (who is
    asking) and then writes fails at once with "database is locked" when another
    writer got there first, whatever the busy timeout. So the driver's own
    transaction handling is switched off and SQLAlchemy emits the BEGIN itself
    (the pysqlite recipe in SQLAlchemy's documentation).

    secure_delete overwrites deleted rows with zeros instead of leaving them in free
    pages, so what was deleted (counted secret ballots) is not in the database file."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        immediate = _wants_write_lock()
        connection.info["write_lock"] = immediate
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def holds_write_lock():
    """Whether the session's transaction holds SQLite's write lock since its BEGIN
    IMMEDIATE: nobody else can have changed anything it read since, so what it read
    needs no locking or reading again (always False on PostgreSQL)."""
    if not db.session().in_transaction():
        return False
    connection = db.session.connection()
    return connection.dialect.name == "sqlite" and connection.info.get("write_lock", False)


def configure_postgresql(engine):
    """Sessions in UTC, whatever the server's default: psycopg builds each timestamptz
    in the session's zone, and a stored 9999-12-31 23:59 UTC read in a zone east of UTC
    would not fit Python's calendar (a DataError on every page that reads it)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


def truncate_wal(engine):
    """After a commit whose earlier states must not linger (SQLite keeps every page it
    wrote in the WAL until a checkpoint): copy the WAL into the database and empty it.
    Best effort: a reader still using the WAL makes it wait a little, then give up
    until the next time (SQLite's own checkpoints reuse the WAL from its start).
    Nothing to do on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return
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
        configure_postgresql(engine)
