"""Someone who holds the database, not the secret key, watching 10 secret votes.

On SQLite they copy the database file and its WAL after every vote and replay the WAL
commit by commit; on PostgreSQL they read every row after every vote with the writing
transaction's id (`xmin`). Either way every committed state is seen, and yet: counters
move only by batches of 5 mixed ballots, pending ballots are sealed and the same size,
no row links a member to an option, and counted ballots leave nothing behind."""
import shutil
import sqlite3

from sqlalchemy import text

from grouptools.core import sqlite as core_sqlite
from grouptools.extensions import db

MEMBERS = [f"成员{i}" for i in range(10)]


def _rows(execute, poll_id, group_id):
    return {
        "participants": frozenset(r[0] for r in execute(
            "SELECT membership_id FROM poll_participation WHERE poll_id = :p", p=poll_id)),
        "counters": tuple(r[0] for r in execute(
            "SELECT votes FROM poll_option WHERE poll_id = :p ORDER BY position", p=poll_id)),
        "counted": execute("SELECT ballots_counted FROM poll WHERE id = :p", p=poll_id)[0][0],
        "sealed": [bytes(r[0]) for r in execute(
            "SELECT sealed FROM poll_pending_ballot WHERE poll_id = :p", p=poll_id)],
        "votes": execute("SELECT * FROM poll_vote WHERE poll_id = :p", p=poll_id),
        "members": execute("SELECT id, last_active_at, updated_at FROM membership "
                           "WHERE group_id = :g ORDER BY id", g=group_id),
    }


# --- SQLite: the file and its WAL, commit by commit ------------------------------------------

def _open_sqlite(path):
    connection = sqlite3.connect(path)

    def execute(sql, **params):
        return [tuple(r) for r in connection.execute(sql, params).fetchall()]

    return connection, execute


def _commits_in_wal(db_bytes, wal_bytes, workdir, start):
    """Database files as of every commit the WAL holds: its frames since the last reset
    laid over the main file, one commit after another (the WAL format from sqlite.org)."""
    if len(wal_bytes) < 32:
        return []
    page_size = int.from_bytes(wal_bytes[8:12], "big")
    salts = wal_bytes[16:24]
    pages, files, offset = {}, [], 32
    while offset + 24 + page_size <= len(wal_bytes):
        header = wal_bytes[offset:offset + 24]
        if header[8:16] != salts:
            break  # frames left from before the WAL was restarted
        pages[int.from_bytes(header[:4], "big")] = wal_bytes[offset + 24:offset + 24 + page_size]
        size_after_commit = int.from_bytes(header[4:8], "big")
        if size_after_commit:
            image = bytearray(db_bytes[:size_after_commit * page_size].ljust(
                size_after_commit * page_size, b"\0"))
            for number, page in pages.items():
                if number <= size_after_commit:
                    image[(number - 1) * page_size:number * page_size] = page
            # Read as a plain (rollback-journal) file: the state is all in the image.
            image[18:20] = b"\x01\x01"
            path = workdir / f"commit-{start + len(files)}.db"
            path.write_bytes(bytes(image))
            files.append(path)
        offset += 24 + page_size
    return files


def _sqlite_states(copies, workdir, poll_id, group_id, public_id):
    """Every state of this poll the copies hold (row ids are reused between tests: the
    poll is known by its public id)."""
    states = []
    for index, (db_bytes, wal_bytes) in enumerate(copies):
        for path in [*_commits_in_wal(db_bytes, wal_bytes, workdir, index * 10000),
                     _write(workdir / f"copy-{index}.db", db_bytes, wal_bytes)]:
            connection, execute = _open_sqlite(path)
            try:
                if execute("SELECT 1 FROM sqlite_master WHERE name = 'poll_pending_ballot'") \
                        and execute("SELECT 1 FROM poll WHERE id = :p AND public_id = :q",
                                    p=poll_id, q=public_id):
                    states.append(_rows(execute, poll_id, group_id))
            finally:
                connection.close()
    return states


def _write(path, db_bytes, wal_bytes):
    path.write_bytes(db_bytes)
    (path.parent / (path.name + "-wal")).write_bytes(wal_bytes)
    return path


# --- the watch ---------------------------------------------------------------------------------

def test_a_replay_after_each_of_10_secret_votes_attributes_no_ballot(make_poll, app, tmp_path,
                                                                    monkeypatch):
    # The replay lays the WAL's frames over the database file as copied after each vote:
    # a checkpoint between two votes (each process runs one every CHECKPOINT_EVERY
    # commits), or frames of earlier tests already checkpointed, would put later pages
    # under earlier commits and show states that never were. So the WAL starts empty and
    # nothing is checkpointed but by the batches: the watcher sees every state that was.
    monkeypatch.setattr(core_sqlite, "CHECKPOINT_EVERY", 10**9)
    world = make_poll(members=MEMBERS, anonymous=True)
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        core_sqlite.truncate_wal(db.engine)
        poll_id, group_id = db.session.execute(text(
            "SELECT id, group_id FROM poll WHERE public_id = :p"), {"p": world.pid}).one()
        database = db.engine.url.database

    def sql_execute(sql, **params):
        return [tuple(r) for r in db.session.execute(text(sql), params).all()]

    copies, states, option_xmins, wal_sizes = [], [], [], []
    public_ids = [o.encode() for o in world.option_ids()]
    for i, name in enumerate(MEMBERS):
        assert world.vote(world.member(name), i % 3).status_code == 201
        if sqlite:
            wal = database + "-wal"
            shutil.copyfile(database, tmp_path / "watch.db")
            shutil.copyfile(wal, tmp_path / "watch.db-wal")
            copies.append(((tmp_path / "watch.db").read_bytes(),
                           (tmp_path / "watch.db-wal").read_bytes()))
            wal_sizes.append(len(copies[-1][1]))
        else:
            with app.app_context():
                states.append(_rows(sql_execute, poll_id, group_id))
                option_xmins.append(frozenset(r[0] for r in sql_execute(
                    "SELECT xmin::text FROM poll_option WHERE poll_id = :p", p=poll_id)))
    if sqlite:
        states = _sqlite_states(copies, tmp_path, poll_id, group_id, world.pid)
        # The WAL was emptied right after each batch (votes 5 and 10).
        assert wal_sizes[4] == 0 and wal_sizes[9] == 0, wal_sizes
        # What the batches deleted is not in the file either (secure_delete, which some
        # builds of SQLite turn on by default; the app turns it on everywhere).
        with app.app_context():
            assert db.session.execute(text("PRAGMA secure_delete")).scalar() == 1
        sealed = {blob for state in states for blob in state["sealed"]}
        assert len(sealed) == 8  # the 5th of a batch is counted in its own commit
        assert not any(blob in copies[9][0] for blob in sealed)
    else:
        # Option rows were rewritten only by the two batch transactions.
        assert len(set(option_xmins)) == 3  # before the first batch, and one per batch
        assert all(len(x) == 1 for x in option_xmins)

    assert len(states) >= 10
    seen_participants = set()
    previous = None
    for state in states:
        # Never a row naming a member and an option on a secret ballot.
        assert state["votes"] == []
        # Pending ballots: sealed, all one size, no option id in clear.
        assert len({len(b) for b in state["sealed"]}) <= 1
        assert all(p not in blob for blob in state["sealed"] for p in public_ids)
        assert len(state["sealed"]) == len(state["participants"]) - state["counted"]
        # Nobody's time moves with a vote.
        assert state["members"] == states[0]["members"]
        if previous is not None and state["counters"] != previous["counters"]:
            step = [b - a for a, b in zip(previous["counters"], state["counters"])]
            ballots_in_step = state["counted"] - previous["counted"]
            # A change is a batch: at least 5 ballots, and not one option for all of them.
            assert ballots_in_step >= 5 and sum(step) == ballots_in_step
            assert max(step) < ballots_in_step, step
        elif previous is not None:
            assert state["counted"] == previous["counted"]
        seen_participants |= state["participants"]
        previous = state
    assert len(seen_participants) == 10
    assert states[-1]["counters"] == (4, 3, 3) and states[-1]["counted"] == 10
    # The watcher saw every single vote's commit (participants growing one by one).
    assert sorted({len(s["participants"]) for s in states}) == list(range(
        min(len(s["participants"]) for s in states), 11))
