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


def _without_password(url):
    """A storage URL without its password, fit for a terminal."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


@cli.command("doctor")
def doctor():
    """Check the database, the font pictures are drawn with, that it writes Chinese, and
    where rate limits are counted.

    Exits non-zero when the database does not answer or Chinese cannot be drawn."""
    from flask import current_app
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from grouptools.core import fonts
    from grouptools.extensions import db

    healthy = True
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    click.echo(f"database: {url.render_as_string(hide_password=True)}")
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        click.echo("  connects: yes")
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        click.echo(f"  connects: NO ({type(error).__name__}: {reason})")
        healthy = False

    setting = fonts.font_setting()
    regular, bold = fonts.find_cjk_font(), fonts.find_cjk_font(bold=True)
    if setting and (regular is None or regular.source != "GROUPTOOLS_FONT"):
        click.echo(f"GROUPTOOLS_FONT={setting} cannot be opened as a font; looking elsewhere")
    emoji = fonts.find_emoji_font()
    for label, choice in (("font", regular), ("bold font", bold), ("emoji font", emoji)):
        if choice is None:
            click.echo(f"{label}: none found")
        else:
            click.echo(f"{label}: {choice.path} "
                       f"(face {choice.index}: {choice.face}; found by {choice.source})")
    if regular is not None and not regular.names_simplified_chinese:
        click.echo("  its name does not say Simplified Chinese (SC): a collection's other faces "
                   "draw some characters in Japanese or Traditional forms")
    if bold is not None and not bold.is_bold:
        click.echo("  no bold face: bold text is drawn thicker instead")

    if fonts.can_draw_chinese():
        click.echo(f"draws Chinese ({fonts.CHINESE_SAMPLE}): yes")
    else:
        click.echo(f"draws Chinese ({fonts.CHINESE_SAMPLE}): NO, it draws missing-glyph boxes. "
                   "Install a CJK font (Debian: apt-get install fonts-noto-cjk) "
                   "or set GROUPTOOLS_FONT.")
        healthy = False
    from grouptools.config import Config

    storage = current_app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    click.echo(f"rate limits: {'on' if current_app.config.get('RATELIMIT_ENABLED') else 'off'}, "
               f"counted in {_without_password(storage)}")
    warning = Config.shared_ratelimit_warning(current_app.config)
    if warning:
        click.echo(f"  WARNING: {warning}")
    if not healthy:
        raise SystemExit(1)


LOOPBACK_HOSTS = ("localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def lan_address():
    """This machine's address on the local network (the Wi-Fi a phone shares), or None.

    Connecting a UDP socket sends nothing; it only makes the system choose the interface
    of its default route, whose address the socket then reports. The target is a
    documentation address (RFC 5737) that never answers."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def base_url_for(host, port, configured=None, find_address=None):
    """The base of links and QR codes for a server bound to `host`:`port`.

    A configured GROUPTOOLS_BASE_URL wins. A server bound to every interface is reached
    from a phone by the machine's LAN address; one bound to a given address, by that
    address; on loopback, links follow the request's Host as before (None)."""
    if configured:
        return configured.rstrip("/")
    host = host.strip("[]")
    if host in LOOPBACK_HOSTS or host.startswith("127."):
        return None
    if host in WILDCARD_HOSTS:
        host = (find_address or lan_address)()
        if host is None:
            return None
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


@cli.command("base-url")
@click.option("--host", required=True, help="The address the server binds (make run's HOST).")
@click.option("--port", required=True, type=click.IntRange(1, 65535), help="Its port.")
def base_url(host, port):
    """Print the base URL links and QR codes should use for a server on HOST:PORT
    (GROUPTOOLS_BASE_URL when set; the LAN address for HOST=0.0.0.0), and say on stderr
    where a phone on the same Wi-Fi opens it. `make run` passes it to gunicorn."""
    import os

    url = base_url_for(host, port, os.environ.get("GROUPTOOLS_BASE_URL"))
    if url is None and host.strip("[]") in WILDCARD_HOSTS:
        click.echo("no local network address found: links follow the address each "
                   "browser used", err=True)
    elif url is not None:
        click.echo(f"links and QR codes point at {url}; on a phone on the same Wi-Fi, "
                   f"open {url}", err=True)
    click.echo(url or "")


BATCH_OPTION = click.option("--batch-size", default=500, show_default=True,
                            type=click.IntRange(1, 10_000),
                            help="Rows deleted per transaction.")


def _clean_up(batch_size):
    from grouptools.core.image_cleanup import delete_all_unused_images

    deleted = delete_all_unused_images(batch_size)
    click.echo(f"deleted {deleted} unused picture{'' if deleted == 1 else 's'} older than a day "
               "(photos picked for a poll or notice never published, pictures removed or "
               "replaced)")


@cli.command("cleanup")
@BATCH_OPTION
def cleanup(batch_size):
    """Delete what nobody needs any more: uploaded pictures that nothing uses and that
    are older than a day, such as the photos of a poll that was never published.

    `make run` runs it as the server starts; uploads do a little as they go; on a
    long-running server run it from cron (README.md, "Checking a server")."""
    _clean_up(batch_size)


@cli.command("cleanup-images", hidden=True)
@BATCH_OPTION
def cleanup_images(batch_size):
    """The older name of `cleanup`, kept for crontabs that call it."""
    _clean_up(batch_size)


@cli.command("demo")
@click.option("--base-url", default=None,
              help="Where the server will answer, for the sign-in links "
                   "(default: GROUPTOOLS_BASE_URL, else http://127.0.0.1:8000).")
def demo(base_url):
    """Fill an empty database with two sample groups (Chinese, English) holding every
    widget, and print a sign-in link per sample person. `make demo` runs it on a fresh
    SQLite in instance-demo/ and serves it."""
    from flask import current_app

    from grouptools.demo import NotEmpty, seed_demo

    base_url = (base_url or current_app.config.get("BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    try:
        with current_app.test_request_context("/", base_url=base_url, method="POST"):
            sample = seed_demo()
    except NotEmpty:
        raise click.ClickException(
            "this database already has groups: the demo fills only an empty one "
            "(make demo uses a fresh SQLite in instance-demo/)") from None
    click.echo("Sample groups ready. Open a link to sign in as that person "
               "(each asks you to confirm first):")
    for person in sample:
        click.echo(f"  {person.name} ({person.role}, {person.group}): {person.signin_url}")


@cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup(path):
    """Copy the whole database to PATH while the servers keep running.

    SQLite: its online backup API, one consistent snapshot, checked with PRAGMA
    integrity_check. PostgreSQL: pg_dump --format=custom (or what to run, when pg_dump is
    not installed)."""
    from flask import current_app

    from grouptools.core import backup as backups

    try:
        outcome = backups.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(outcome.message)


@cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Really replace the database's contents.")
def restore(path, yes):
    """Replace the database's contents with the backup at PATH.

    Stop the app servers first. Then run `flask --app wsgi db upgrade` if the backup is
    older than this code (`/readyz` says so)."""
    from flask import current_app

    from grouptools.core import backup as backups
    from grouptools.extensions import db

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if not yes:
        raise click.ClickException(
            f"this replaces everything in {_without_password(url)} with {path}; "
            "stop the app servers, then run again with --yes")
    db.engine.dispose()
    try:
        outcome = backups.restore(url, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(outcome.message)
    from grouptools.core.health import readiness

    ready, reason = readiness()
    click.echo("the database is at this code's newest migration" if ready else reason)


@cli.command("import-group")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--owner", default=None,
              help="The public id of the person who becomes the owner (default: a new person "
                   "named like the exported group's owner, with a sign-in link printed).")
def import_group(path, owner):
    """Make a new group from a group's export.zip (from this or another server).

    Members come back as placeholders that a manager hands out with one-time links;
    importing the same file twice makes two groups."""
    import json

    from flask import current_app
    from sqlalchemy import select

    from grouptools.core.errors import DomainError
    from grouptools.core.groups.importzip import import_group as import_zip
    from grouptools.core.models import Person
    from grouptools.core.people.service import create_person
    from grouptools.core.people.views import personal_signin_url
    from grouptools.extensions import db

    base_url = (current_app.config.get("BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    with current_app.test_request_context("/", base_url=base_url, method="POST"):
        if owner:
            person = db.session.scalar(select(Person).where(Person.public_id == owner))
            if person is None:
                raise click.ClickException(f"no person with the id {owner!r}")
        else:
            person = None
        try:
            with open(path, "rb") as archive:
                if person is None:
                    person, _ = create_person(_owner_name(archive))
                    archive.seek(0)
                group = import_zip(person, archive)
        except DomainError as error:
            db.session.rollback()
            details = f" {json.dumps(error.errors, ensure_ascii=False)}" if error.errors else ""
            raise click.ClickException(f"{error.message}{details}") from None
        click.echo(f"imported {group.name!r} as group {group.public_id}, owned by "
                   f"{person.name!r} ({person.public_id})")
        if not owner:
            click.echo(f"the owner signs in with: {personal_signin_url(person)}")


def _owner_name(archive):
    """The exported owner's name, for the new person who will own the group."""
    import json
    import zipfile

    try:
        with zipfile.ZipFile(archive) as bundle:
            info = bundle.getinfo("group.json")
            if info.file_size > 32 * 1024 * 1024:
                raise ValueError
            members = json.loads(bundle.read(info)).get("members", [])
        name = next(m["name"] for m in members if m.get("role") == "owner")
        return str(name)[:64] or "Owner"
    except Exception:  # the import itself says what is wrong with the file
        return "Owner"
