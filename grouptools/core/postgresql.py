"""PostgreSQL sessions: in UTC, their statements kept prepared, and a request that only
reads sent without a transaction around it (docs/architecture.md, "Speed")."""
import functools
import logging
import re

from sqlalchemy import event


# Statements kept prepared per connection, and converted for psycopg in each process;
# and up to what length a statement's conversion is kept.
PREPARED_MAX = 1000
CONVERTED_STATEMENT_BYTES = 32768

log = logging.getLogger(__name__)


def configure_postgresql(engine, writes_expected):
    """Sessions in UTC, whatever the server's default: psycopg builds each timestamptz
    in the session's zone, and a stored 9999-12-31 23:59 UTC read in a zone east of UTC
    would not fit Python's calendar (a DataError on every page that reads it).

    A transaction that only read ends with COMMIT, not ROLLBACK: the two mean the same
    to the database, but psycopg forgets every statement it prepared on the connection
    at a ROLLBACK (and how often it saw each), so with a rollback ending every request
    no statement was ever prepared and PostgreSQL parsed and planned each one on every
    request (docs/architecture.md, "Speed")."""
    from psycopg.pq import TransactionStatus  # psycopg is the [postgres] extra

    _keep_long_statements_converted()

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()
        # Every statement the app sends stays prepared (psycopg's default keeps 100).
        dbapi_connection.prepared_max = PREPARED_MAX

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.info["wrote"] = False
        # A request that reads sends its SELECTs without BEGIN and COMMIT around them,
        # two round trips fewer: at READ COMMITTED each statement sees a snapshot of
        # its own inside a transaction too, so they read the same.
        connection.connection.dbapi_connection.autocommit = not writes_expected()

    @event.listens_for(engine, "before_cursor_execute")
    def on_execute(connection, cursor, statement, parameters, context, executemany):
        # A SELECT (or a WITH … SELECT whose parts write nothing) reads; anything
        # else (a write, a savepoint, text), a SELECT that locks rows, or one read
        # through a server-side cursor needs the transaction: it begins here, and
        # what wrote ends the usual way.
        reads = _only_reads(statement)
        if reads and not _LOCKS_ROWS(statement) and not getattr(cursor, "name", None):
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.autocommit:
            dbapi_connection.autocommit = False  # psycopg sends BEGIN before this one
        if not reads:
            connection.info["wrote"] = True

    @event.listens_for(engine, "rollback")
    def on_rollback(connection):
        if connection.info.get("wrote", True):
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.info.transaction_status == TransactionStatus.INTRANS:
            dbapi_connection.commit()  # the rollback that follows finds nothing to do


# FOR UPDATE, FOR NO KEY UPDATE, FOR SHARE, FOR KEY SHARE; a statement's writing
# verbs (values are always bound parameters, so these words can only be SQL's).
_LOCKS_ROWS = re.compile(r"\bFOR (?:NO KEY UPDATE|UPDATE|SHARE|KEY SHARE)\b").search
_WRITES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b").search


def _only_reads(statement):
    """Whether a statement only reads: a SELECT, or a WITH whose parts write nothing
    (a data-modifying WITH names INSERT, UPDATE, DELETE or MERGE)."""
    return statement.startswith("SELECT") or (
        statement.startswith("WITH") and not _WRITES(statement))


def _keep_long_statements_converted():
    """psycopg turns each statement's `%(name)s` placeholders into PostgreSQL's `$n`
    with a regular expression, and keeps the result for statements up to 4 kB only (and
    the last 128 of them): against ORM statements of ever-changing text. Ours are built
    once and repeat, and the longest (a group page's lines of every kind) are the ones
    sent most often; converting one of 6 kB costs about 0.3 ms a time. psycopg offers
    no setting for it, so its two module-level values are widened here, if they are
    still where psycopg 3.2 and 3.3 keep them."""
    from psycopg import _queries

    if not hasattr(_queries, "MAX_CACHED_STATEMENT_LENGTH") or not hasattr(
            _queries, "_query2pg_nocache"):
        log.warning("psycopg's statement conversion cache not found: long statements "
                    "are converted on every request")
        return
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH,
                                               CONVERTED_STATEMENT_BYTES)
    if getattr(_queries._query2pg, "cache_info", None) and (
            _queries._query2pg.cache_info().maxsize < PREPARED_MAX):
        _queries._query2pg = functools.lru_cache(maxsize=PREPARED_MAX)(
            _queries._query2pg_nocache)
