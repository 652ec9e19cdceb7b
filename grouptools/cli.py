"""`flask --app wsgi grouptools …`: commands for whoever runs the server."""
import click
from flask.cli import AppGroup

cli = AppGroup("grouptools", help="grouptools administration.")


@cli.command("secret-key")
def secret_key():
    """Create the development secret key (before gunicorn starts its workers)."""
    from grouptools.config import INSTANCE_DIR, development_secret_key

    development_secret_key()
    click.echo(f"secret key ready in {INSTANCE_DIR}")
