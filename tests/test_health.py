"""Health checks for load balancers (docs/deploy.md#health-checks): /healthz says the
process is up without touching anything; /readyz answers 200 only when the database
answers and is at the newest migration, 503 with the reason otherwise."""
from contextlib import contextmanager

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import text

from grouptools.core.health import expected_heads
from grouptools.extensions import db
from tests.conftest import statements_run


def test_healthz_does_no_database_work(app, client):
    with statements_run(app) as seen:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"
    assert seen == []


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ready"
    assert response.headers["Cache-Control"] == "no-store"


@contextmanager
def database_at(app, revision):
    """The database's recorded migration set to `revision` (None: no row) for the block."""
    with app.app_context():
        (head,) = expected_heads(app)
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
            if revision:
                conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                             {"v": revision})
    try:
        yield head
    finally:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                         {"v": head})


def previous_revision(app):
    config = AlembicConfig()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    scripts = ScriptDirectory.from_config(config)
    (head,) = scripts.get_heads()
    return scripts.get_revision(head).down_revision


def test_a_database_behind_on_migrations_is_not_ready(app, client):
    behind = previous_revision(app)
    with database_at(app, behind) as head:
        response = client.get("/readyz")
    assert response.status_code == 503
    reason = response.get_data(as_text=True)
    assert f"migrations behind: database at {behind}, code expects {head}" in reason
    assert "flask --app wsgi db upgrade" in reason
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_a_database_never_migrated_or_from_newer_code_is_not_ready(app, client):
    with database_at(app, None):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "no migrations applied" in response.get_data(as_text=True)
    with database_at(app, "f00dfeedbeef"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "which this code does not know" in response.get_data(as_text=True)


def test_an_unreachable_database_is_not_ready_and_the_reason_holds_no_password(
        make_app, database_url, tmp_path):
    if database_url.startswith("postgresql"):
        # A port nothing listens on (the test database's own credentials).
        from sqlalchemy.engine import make_url

        url = make_url(database_url).set(port=1, password="s3cret-pw")
        unreachable = url.render_as_string(hide_password=False)
    else:
        unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    reason = response.get_data(as_text=True)
    assert reason.startswith("database unreachable (OperationalError)")
    assert "s3cret-pw" not in reason
