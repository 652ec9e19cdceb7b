"""Database behaviour that must hold on both engines: when a request's write begins
(SQLite's pragmas and writer's turns: core/sqlite.py; PostgreSQL's sessions:
core/postgresql.py); the one commit/rollback convention of every service; and reading
"the first n of each" for many widgets at once.

A service commits its own unit of work with `commit_or_conflict()`; where it writes
before it may still refuse, it runs inside `unit_of_work()`, so a refusal leaves
nothing half-done and a constraint the database caught answers 409, never 500."""
from contextlib import contextmanager

from flask import g, has_request_context, request
from sqlalchemy import select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from grouptools.core.errors import Conflict, DomainError
from grouptools.core.sqlite import configure_sqlite, turn_of
from grouptools.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Parts of one UNION ALL: SQLite refuses a compound SELECT of more than 500, and builds
# before 3.32 more than 999 parameters.
UNION_PARTS = 100



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
        connection = session.connection()
        if not connection.info.get("write_lock", False):
            # Nothing was written: the read transaction ends on the driver's connection,
            # and the next statement begins the write in its place, under the session's
            # same transaction (configure_sqlite), so what was loaded stays loaded: a
            # session's rollback would expire it, and loading it again costs a write
            # about a tenth of its time.
            connection.connection.dbapi_connection.rollback()
            connection.info["write_next"] = True


def _writing_here():
    """Whether this thread's session has begun writing to its SQLite database (holds the
    writer's turn), asked without opening a connection (which would begin a write)."""
    turn = turn_of(db.session().get_bind())
    return turn is not None and turn.held_here()


def holds_write_lock():
    """Whether the session's transaction holds SQLite's write lock since its BEGIN
    IMMEDIATE: nobody else can have changed anything it read since, so what it read
    needs no locking or reading again (always False on PostgreSQL)."""
    if not db.session().in_transaction():
        return False
    connection = db.session.connection()
    return connection.dialect.name == "sqlite" and connection.info.get("write_lock", False)


def init_app(app, db):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine, writes_expected)
    elif engine.dialect.name == "postgresql":
        from grouptools.core.postgresql import configure_postgresql

        configure_postgresql(engine, writes_expected)
