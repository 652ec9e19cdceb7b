"""Readiness for load balancers (docs/deploy.md#health-checks): `/healthz` says the
process is up and does no work; `/readyz` also asks the database, and compares the
migration it is at with the newest one this code ships."""
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from grouptools.extensions import db

UPGRADE = "run: flask --app wsgi db upgrade"


def expected_heads(app=None):
    """The head revision(s) of the migration scripts this code ships (read once)."""
    app = app or current_app
    heads = app.extensions.get("grouptools_migration_heads")
    if heads is None:
        config = AlembicConfig()
        config.set_main_option("script_location", app.extensions["migrate"].directory)
        heads = frozenset(ScriptDirectory.from_config(config).get_heads())
        app.extensions["grouptools_migration_heads"] = heads
    return heads


def database_heads():
    """The revision(s) the database is at; an empty set when it was never migrated.
    Raises SQLAlchemyError when the database does not answer."""
    with db.engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


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
    config = AlembicConfig()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _names(revisions):
    return ", ".join(sorted(revisions))
