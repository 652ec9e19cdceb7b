"""Plain rows read the cheap way: a statement of columns (no ORM entities) run on the
session's connection. The session's own `execute` sets up an ORM context even for plain
columns, which costs about as much as a small indexed read on SQLite; a widget page
runs a few such statements (docs/architecture.md#speed)."""
from grouptools.extensions import db


def plain_rows(statement, params=None):
    """The rows of `statement` (columns only), in this request's transaction. What the
    request changed is flushed first, as the session's own execute would."""
    db.session.flush()
    return db.session.connection().execute(statement, params or {})


def plain_scalar(statement, params=None):
    """The first column of the first row of `statement`, or None."""
    return plain_rows(statement, params).scalar()
