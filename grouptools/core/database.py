"""Database behaviour that must hold on both engines: SQLite's pragmas and write locks,
PostgreSQL sessions in UTC."""
from flask import g, has_request_context, request
from sqlalchemy import event

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
    (the pysqlite recipe in SQLAlchemy's documentation)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")


def configure_postgresql(engine):
    """Sessions in UTC, whatever the server's default: psycopg builds each timestamptz
    in the session's zone, and a stored 9999-12-31 23:59 UTC read in a zone east of UTC
    would not fit Python's calendar (a DataError on every page that reads it)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


def init_app(app, db):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        configure_postgresql(engine)
