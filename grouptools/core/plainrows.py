"""Plain rows read the cheap way: a statement of columns (no ORM entities) run on the
session's connection. The session's own `execute` sets up an ORM context even for plain
columns, which costs about as much as a small indexed read on SQLite; a widget page
runs a few such statements (docs/architecture.md#speed)."""
from sqlalchemy import JSON
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from grouptools.extensions import db


def plain_rows(statement, params=None):
    """The rows of `statement` (columns only), in this request's transaction. What the
    request changed is flushed first, as the session's own execute would."""
    db.session.flush()
    return db.session.connection().execute(statement, params or {})


def plain_scalar(statement, params=None):
    """The first column of the first row of `statement`, or None."""
    return plain_rows(statement, params).scalar()


def first_plain_row(statement, params=None):
    """The first row of `statement` (columns only), or None — for the one light read an
    answer may need alone (a picture's key, core.share.send_keyed_picture). When the
    request has neither read nor changed anything yet, it is read on a connection of its
    own, returned at once: one statement is a snapshot by itself, so it is sent without
    a transaction around it where the database allows (PostgreSQL, core/postgresql.py,
    as every reading request's statements are), and no session is
    set up for it (a session made only to learn that it is empty costs as much as the
    statement's own work in Python). Whatever the request reads next begins the
    session's transaction as usual, on a snapshot of its own: read nothing this way that
    later reads must agree with. Else it is read in the request's transaction, as
    `plain_rows` reads."""
    if db.session.registry.has():
        session = db.session()
        if session.in_transaction() or session.new or session.dirty or session.deleted:
            return plain_rows(statement, params).first()
    with db.engine.connect() as connection:  # a request that reads: no BEGIN on PostgreSQL
        return connection.execute(statement, params or {}).first()


class json_rows(GenericFunction):
    """An aggregate: a JSON array with one array per row of its arguments — PostgreSQL's
    `json_agg(json_build_array(…))`, SQLite's `json_group_array(json_array(…))` — so a
    few rows of another table come back as one column of a statement that reads
    something else (core.groups.service.ROSTER_COLUMNS). It gives NULL over no rows on
    PostgreSQL, `[]` on SQLite; the arrays come in no promised order."""
    type = JSON()
    inherit_cache = True


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw):
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element, compiler, **kw):
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"
