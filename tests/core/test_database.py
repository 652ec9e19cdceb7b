"""SQLite is configured for parallel writers; both databases hold the same rules."""
import pytest
from sqlalchemy import text

from grouptools.extensions import db


@pytest.fixture
def sqlite_only(app_ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas; PostgreSQL has its own equivalents")


def test_sqlite_runs_wal_with_foreign_keys_and_a_busy_timeout(sqlite_only):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 10000


def test_sqlite_write_transactions_take_the_lock_up_front(sqlite_only, app):
    """A second writer waits for the first instead of failing half-way through."""
    first = db.engine.connect()
    first.begin()
    first.execute(text("SELECT 1"))
    try:
        raw = db.engine.raw_connection()
        raw.driver_connection.execute("PRAGMA busy_timeout=50")
        with pytest.raises(Exception, match="locked"):
            raw.driver_connection.execute("BEGIN IMMEDIATE")
    finally:
        raw.close()
        first.rollback()
        first.close()
