"""SQLite is configured for parallel writers; both databases hold the same rules."""
import pytest
from sqlalchemy import event, select, text

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


def _name_of(public_id):
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT name FROM person WHERE public_id = :id"),
                            {"id": public_id}).scalar()


def test_a_write_taken_back_leaves_nothing_behind(app_ctx, make_person):
    """Ending a transaction that only read differently (PostgreSQL) never keeps a
    write: a rolled-back change is gone on both databases."""
    person_id, _ = make_person("Before")
    with db.engine.connect() as conn:
        conn.execute(text("UPDATE person SET name = 'After' WHERE public_id = :id"),
                     {"id": person_id})
        conn.rollback()
    assert _name_of(person_id) == "Before"


def test_a_read_that_failed_ends_and_the_connection_goes_on(app_ctx):
    with db.engine.connect() as conn:
        with pytest.raises(Exception):
            conn.execute(text("SELECT * FROM no_such_table")).all()
        conn.rollback()
        assert conn.execute(text("SELECT 2")).scalar() == 2


def test_postgresql_keeps_statements_prepared_across_reads(app_ctx):
    """Each request ends its transaction; one that only read must not make psycopg
    forget its prepared statements, or PostgreSQL plans every statement every time."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    statement = text("SELECT count(*) FROM person WHERE name = :name")
    with db.engine.connect() as conn:
        for _ in range(8):  # psycopg prepares a statement on its fifth run
            conn.execute(statement, {"name": "nobody"}).scalar()
            conn.rollback()  # as the end of a request does
        prepared = conn.execute(text(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE 'SELECT count(*) FROM person%'")).scalar()
    assert prepared == 1


def test_a_write_in_a_reading_request_is_still_taken_back_whole(app, app_ctx, make_person):
    """A GET reads without a transaction around its SELECTs on PostgreSQL; a write it
    then makes begins one, so a failure after it takes the write back."""
    person_id, _ = make_person("Before")
    with app.test_request_context("/", method="GET"):
        db.session.execute(text("SELECT name FROM person")).all()
        db.session.execute(text("UPDATE person SET name = 'After' WHERE public_id = :id"),
                           {"id": person_id})
        db.session.execute(text("SELECT name FROM person")).all()
        db.session.rollback()
        db.session.remove()
    assert _name_of(person_id) == "Before"


def test_a_row_locked_in_a_reading_request_stays_locked_until_it_ends(app, app_ctx, make_person):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite locks the whole file")
    person_id, _ = make_person("Locked")
    lock = text("SELECT name FROM person WHERE public_id = :id FOR UPDATE")
    with app.test_request_context("/", method="GET"):
        db.session.execute(lock, {"id": person_id}).all()
        with db.engine.connect() as other:
            with pytest.raises(Exception, match="could not obtain lock"):
                other.execute(text(
                    "SELECT name FROM person WHERE public_id = :id FOR UPDATE NOWAIT"),
                    {"id": person_id}).all()
        db.session.rollback()
        db.session.remove()


def test_a_write_inside_a_with_statement_is_taken_back_whole(app, app_ctx, make_person):
    """A WITH that writes (a data-modifying CTE) counts as a write, never a read."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no data-modifying WITH")
    person_id, _ = make_person("Before")
    with app.test_request_context("/", method="GET"):
        db.session.execute(text(
            "WITH changed AS (UPDATE person SET name = 'After' WHERE public_id = :id "
            "RETURNING id) SELECT count(*) FROM changed"), {"id": person_id}).scalar()
        db.session.rollback()
        db.session.remove()
    assert _name_of(person_id) == "Before"


def test_a_write_after_its_reads_sees_what_others_wrote_and_keeps_what_was_loaded(
        app_ctx, app, make_person):
    """A write request's reads (who is asking) end before its write begins: a writer
    that commits in between does not make the write fail, the write builds on what that
    writer committed, and what the reads loaded is not read again. On SQLite the write's
    first statement takes the write lock (PostgreSQL locks rows as it writes them)."""
    from grouptools.core.database import before_the_write, holds_write_lock
    from grouptools.core.models import Person

    person_id, _ = make_person("Before")
    on_sqlite = db.engine.dialect.name == "sqlite"
    seen = []
    with app.test_request_context("/", method="POST"):
        with before_the_write():
            person = db.session.execute(
                select(Person).where(Person.public_id == person_id)).scalar_one()
        with db.engine.begin() as other:  # another request's write, between the two
            other.execute(text("UPDATE person SET name = 'Other' WHERE public_id = :id"),
                          {"id": person_id})
        def note(connection, cursor, statement, *rest):
            seen.append(statement)
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            assert person.name == "Before"  # as loaded: not expired, not read again
            assert seen == []
            db.session.execute(
                text("UPDATE person SET name = name || '!' WHERE public_id = :id"),
                {"id": person_id})
            assert holds_write_lock() == on_sqlite
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        db.session.remove()
    assert seen[0].startswith("BEGIN IMMEDIATE" if on_sqlite else "UPDATE")
    assert _name_of(person_id) == "Other!"
