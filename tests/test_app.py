"""The app as a whole: health, home page, the OpenAPI document, the schema."""
import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from grouptools.extensions import db


def test_healthz_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"


def test_home_page_in_both_languages(client):
    zh = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    en = client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "群投票" in zh
    assert "Polls, sign-up lists, notices, check-ins and member cards" in en


def test_openapi_document_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert "/api/v1/people" in spec["paths"]
    assert "/api/v1/me" in spec["paths"]
    person_create = spec["components"]["schemas"]["PersonCreate"]
    assert person_create["properties"]["name"]["maxLength"] == 64


def test_no_swagger_ui_is_served(client):
    for path in ["/api/v1/swagger-ui", "/api/v1/redoc", "/api/v1/rapidoc"]:
        assert client.get(path).status_code == 404


def test_migrations_build_exactly_the_models(app_ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_serving_pages_does_not_load_alembic(tmp_path):
    """Only `flask db` needs alembic (about 11 MB in every worker): an app that serves
    pages, and tells a load balancer whether it is ready, never imports it."""
    script = (
        "import sys\n"
        "from grouptools import create_app\n"
        "app = create_app({'TESTING': True})\n"
        "client = app.test_client()\n"
        "for path in ('/', '/healthz'):\n"
        "    assert client.get(path).status_code == 200, path\n"
        "ready = client.get('/readyz')\n"
        "assert ready.status_code == 503 and b'no migrations' in ready.data, ready.data\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'flask_migrate')))\n"
    )
    env_db = f"sqlite:///{tmp_path / 'app.db'}"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "GROUPTOOLS_DATABASE_URL": env_db})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_flask_db_commands_still_work(app):
    """`flask db …` loads Flask-Migrate when asked: it lists its commands, and runs them
    against the app's database (at the newest migration, nothing left to generate)."""
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["db", "--help"])
    assert listing.exit_code == 0
    assert "upgrade" in listing.output and "downgrade" in listing.output
    assert runner.invoke(args=["db", "check"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade"]).exit_code == 0
    # a database one migration behind: upgrading is needed, `check` says so
    assert runner.invoke(args=["db", "check"]).exit_code != 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0
