"""Flask-Migrate, imported only when something asks for it.

Flask-Migrate imports alembic (about 11 MB in every gunicorn worker) though only
`flask db …`, readiness and the tests use it. `init_app` puts in
`app.extensions["migrate"]` what Flask-Migrate's own `init_app` puts there (the
directory, the database, the arguments migrations/env.py configures alembic with) and
registers `flask db`; the `Migrate` object and the `db` subcommands are imported the
first time they are asked for (bench/README.md, "Footprints")."""
from functools import cached_property

import click
from flask import g
from flask.cli import with_appcontext

# What Flask-Migrate passes to alembic's context.configure (migrations/env.py):
# batch mode for SQLite, and column type changes detected by autogenerate.
CONFIGURE_ARGS = {"render_as_batch": True, "compare_type": True}


class MigrateOnDemand:
    """Stands for Flask-Migrate's `_MigrateConfig` in `app.extensions["migrate"]`."""

    def __init__(self, db, directory, **configure_args):
        self.db = db
        self.directory = str(directory)
        self.configure_args = {**CONFIGURE_ARGS, **configure_args}

    @property
    def metadata(self):
        return self.db.metadata

    @cached_property
    def migrate(self):
        """Flask-Migrate's `Migrate` (alembic is imported here)."""
        from flask_migrate import Migrate

        return Migrate(db=self.db, directory=self.directory, **self.configure_args)


class _OnDemandCommands(click.Group):
    """Flask-Migrate's `db` subcommands, imported when the command line asks for them."""

    def _commands(self):
        from flask_migrate.cli import db as migrate_commands

        return migrate_commands.commands

    def list_commands(self, ctx):
        return sorted(self._commands())

    def get_command(self, ctx, cmd_name):
        return self._commands().get(cmd_name)


# The group itself as Flask-Migrate declares it (flask_migrate/cli.py): its options are
# read before any subcommand, so they cannot wait for the import.
@click.group(cls=_OnDemandCommands)
@click.option("-d", "--directory", default=None,
              help='Migration script directory (default is "migrations")')
@click.option("-x", "--x-arg", multiple=True,
              help="Additional arguments consumed by custom env.py scripts")
@with_appcontext
def db_commands(directory, x_arg):
    """Perform database migrations."""
    g.directory = directory
    g.x_arg = x_arg  # Flask-Migrate's Migrate.get_config() reads both


def init_app(app, db, directory):
    app.extensions["migrate"] = MigrateOnDemand(db, directory)
    app.cli.add_command(db_commands, name="db")
