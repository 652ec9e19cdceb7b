"""Readiness for load balancers (docs/deploy.md#health-checks): `/healthz` says the
process is up and does no work; `/readyz` also asks the database, and compares the
migration it is at with the newest one this code ships.

Without alembic: importing it (and every migration script, as alembic reads them) would
cost each worker about 11 MB for a question two small reads answer (bench/README.md,
"Footprints"). The scripts are parsed, not run, for their `revision` and
`down_revision`; the database's revisions are the rows of alembic's `alembic_version`."""
import ast
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from grouptools.extensions import db

UPGRADE = "run: flask --app wsgi db upgrade"


def expected_heads(app=None):
    """The head revision(s) of the migration scripts this code ships (read once)."""
    app = app or current_app
    heads = app.extensions.get("grouptools_migration_heads")
    if heads is None:
        revisions = _revisions(app)
        revised = {parent for parents in revisions.values() for parent in parents}
        heads = frozenset(revisions) - revised
        app.extensions["grouptools_migration_heads"] = heads
    return heads


def _revisions(app):
    """{revision: (the revisions it revises, …)} of every script in migrations/versions."""
    revisions = {}
    for script in sorted(Path(app.extensions["migrate"].directory, "versions").glob("*.py")):
        names = {}
        for node in ast.parse(script.read_bytes(), str(script)).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                names[target.id] = ast.literal_eval(value)
        if "revision" not in names:
            continue  # not a migration (a helper module)
        parents = names.get("down_revision") or ()
        revisions[names["revision"]] = (parents,) if isinstance(parents, str) else tuple(parents)
    return revisions


def database_heads():
    """The revision(s) the database is at; an empty set when it was never migrated.
    Raises SQLAlchemyError when the database does not answer."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(row[0] for row in rows)


def readiness():
    """(ready, reason): reason says what is wrong, in words for an operator."""
    try:
        current = database_heads()
    except SQLAlchemyError as error:
        return False, f"database unreachable ({type(error).__name__})"
    expected = expected_heads()
    if not current:
        return False, f"database has no migrations applied; {UPGRADE}"
    if current != expected:
        unknown = current - _known_revisions()
        if unknown:
            return False, (f"database is at {_names(current)}, which this code does not know "
                           f"(newer code ran its migrations?); this code expects {_names(expected)}")
        return False, (f"migrations behind: database at {_names(current)}, code expects "
                       f"{_names(expected)}; {UPGRADE}")
    return True, "ready"


def _known_revisions():
    return set(_revisions(current_app))


def _names(revisions):
    return ", ".join(sorted(revisions))
