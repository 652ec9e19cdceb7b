"""Backups and restores of the whole database (docs/deploy.md#backups).

SQLite: the online backup API copies the database in one step, a consistent snapshot
taken while writers go on (WAL readers never block them); the copy is checked with
`PRAGMA integrity_check` and written beside its target, then moved into place.
PostgreSQL: `pg_dump --format=custom` and `pg_restore`, run when they are on PATH and
otherwise spelled out for the operator to run; the password goes through PGPASSWORD,
never the command line."""
import os
import shlex
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 30_000


class BackupError(Exception):
    """What went wrong, in words for the operator (the command exits non-zero)."""


@dataclass
class Outcome:
    message: str


def database_kind(url):
    return make_url(url).get_backend_name()


# -- SQLite -------------------------------------------------------------------

def _sqlite_path(url):
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _integrity(connection):
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])


def _revision(connection):
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def sqlite_backup(url, target):
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"no database at {source_path}")
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_MS / 1000)
    copy = sqlite3.connect(partial)
    try:
        # pages=-1: the whole database in one step, so the copy is one consistent
        # state; copied in steps, every write in between would restart it.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        checked = _integrity(copy)
        revision = _revision(copy)
    except sqlite3.Error as error:
        copy.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup failed: {error}") from None
    finally:
        copy.close()
        source.close()
    if checked != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed PRAGMA integrity_check: {checked}")
    os.replace(partial, target)
    return Outcome(f"backed up {source_path} to {target} "
                   f"({target.stat().st_size} bytes, migration {revision}, integrity ok)")


def sqlite_restore(url, backup):
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    try:
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        checked, revision = _integrity(source), _revision(source)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup} is not an SQLite database ({error})") from None
    if checked != "ok":
        source.close()
        raise BackupError(f"{backup} failed PRAGMA integrity_check: {checked}")
    if revision is None:
        source.close()
        raise BackupError(f"{backup} is not a grouptools database (no migration recorded)")
    target_path = _sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(target_path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        source.backup(target, pages=-1)
        checked = _integrity(target)
    finally:
        target.close()
        source.close()
    if checked != "ok":
        raise BackupError(f"the restored database failed PRAGMA integrity_check: {checked}")
    return Outcome(f"restored {target_path} from {backup} (migration {revision}, integrity ok)")


# -- PostgreSQL ---------------------------------------------------------------

def _conninfo(url):
    """libpq's connection string for the URL, without its password."""
    url = make_url(url)
    parts = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    parts.update({key: value for key, value in url.query.items() if isinstance(value, str)})

    def quoted(value):
        value = str(value)
        if value and not any(c in value for c in " '\\"):
            return value
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{key}={quoted(value)}" for key, value in parts.items() if value is not None)


def _postgres_command(program, url, *arguments):
    return [program, *arguments, "--dbname", _conninfo(url)]


def _explain(program, url, command):
    password = make_url(url).password
    prefix = "PGPASSWORD='<the password in GROUPTOOLS_DATABASE_URL>' " if password else ""
    return (f"{program} is not on PATH (Debian: apt-get install postgresql-client; its major "
            f"version must be at least the server's). Run it yourself:\n"
            f"  {prefix}{shlex.join(command)}")


def _run(program, url, command):
    if shutil.which(program) is None:
        raise BackupError(_explain(program, url, command))
    env = dict(os.environ)
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = password
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{program} failed ({done.returncode}): {done.stderr.strip()}")
    return done


def postgres_backup(url, target):
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    command = _postgres_command("pg_dump", url, "--format=custom", "--file", str(target))
    if shutil.which("pg_dump") is None:
        raise BackupError(_explain("pg_dump", url, command))
    command[command.index(str(target))] = str(partial)
    try:
        _run("pg_dump", url, command)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return Outcome(f"backed up database {make_url(url).database} to {target} "
                   f"({target.stat().st_size} bytes, pg_dump custom format)")


def postgres_restore(url, backup):
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    command = _postgres_command("pg_restore", url, "--clean", "--if-exists", "--no-owner",
                                "--single-transaction", "--exit-on-error", str(backup))
    if shutil.which("pg_restore") is None:
        raise BackupError(_explain("pg_restore", url, command))
    listed = subprocess.run(["pg_restore", "--list", str(backup)], capture_output=True, text=True)
    if listed.returncode != 0:
        raise BackupError(f"{backup} is not a pg_dump custom-format file: {listed.stderr.strip()}")
    if "alembic_version" not in listed.stdout:
        raise BackupError(f"{backup} is not a grouptools database (no migration table)")
    _run("pg_restore", url, command)
    return Outcome(f"restored database {make_url(url).database} from {backup}")


def backup(url, target):
    folder = Path(target).resolve().parent
    if not folder.is_dir():
        raise BackupError(f"no folder {folder}: create it first")
    kind = database_kind(url)
    if kind == "sqlite":
        return sqlite_backup(url, target)
    if kind == "postgresql":
        return postgres_backup(url, target)
    raise BackupError(f"backups of {kind} databases are not supported")


def restore(url, source):
    kind = database_kind(url)
    if kind == "sqlite":
        return sqlite_restore(url, source)
    if kind == "postgresql":
        return postgres_restore(url, source)
    raise BackupError(f"restores of {kind} databases are not supported")
