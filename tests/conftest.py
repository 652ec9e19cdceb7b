"""Fixtures: an app on SQLite or PostgreSQL (GROUPTOOLS_TEST_DATABASE_URL), clients,
people factories, and a real gunicorn server for tests with parallel writers."""
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

# Keep every instance file of the test run out of the checkout.
os.environ.setdefault("GROUPTOOLS_INSTANCE_DIR", tempfile.mkdtemp(prefix="gt-instance-"))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from grouptools import create_app  # noqa: E402
from grouptools.core.people import service as people  # noqa: E402
from grouptools.extensions import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "test-secret-key-not-for-production"


def reset_schema():
    """An empty database, then every migration: the schema tests see is the one
    `make run` builds."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("GROUPTOOLS_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app_config(database_url):
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": SECRET_KEY,
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture(scope="session")
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        reset_schema()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(app_config):
    """Factory for an extra app (other settings, test-only routes); its connections are
    closed afterwards, as PostgreSQL's driver insists."""
    made = []

    def make(**overrides):
        extra = create_app({**app_config, **overrides})
        made.append(extra)
        return extra

    yield make
    for extra in made:
        with extra.app_context():
            db.engine.dispose()


def wipe_database(app):
    """Every table emptied (an empty database: the next test's, or another server's)."""
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture(autouse=True)
def _clean_tables(app):
    """Every test starts from empty tables."""
    yield
    wipe_database(app)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_person(app):
    """Factory: a person made through the service, with their API token."""

    def make(name="张三"):
        with app.app_context():
            person, token = people.create_person(name)
            return person.public_id, token

    return make


@contextmanager
def statements_run(app):
    """The SQL statements the block runs, as a list of their texts (filled as they run)."""
    with app.app_context():
        engine = db.engine
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def csrf_headers(client):
    """Fetch a CSRF token into the client's session; headers for a cookie write."""
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    return {"X-CSRFToken": token}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(database_url, instance_dir, log_path, workers=4, **settings):
    """gunicorn serving the app on the test database until the block ends; its log
    must hold no traceback."""
    port = _free_port()
    env = {
        **os.environ,
        "GROUPTOOLS_DATABASE_URL": database_url,
        "GROUPTOOLS_SECRET_KEY": SECRET_KEY,
        "GROUPTOOLS_RATELIMIT_ENABLED": "0",
        "GROUPTOOLS_INSTANCE_DIR": str(instance_dir),
        **settings,
    }
    log = open(log_path, "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = LiveServer(f"http://127.0.0.1:{port}")
    base.log = log
    try:
        _wait_until_serving(base, proc, log)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.seek(0)
        server_log = log.read()
        log.close()
    assert "Traceback" not in server_log, server_log


@pytest.fixture(scope="session")
def live_server(app, database_url, tmp_path_factory):
    """gunicorn with 4 workers on the test database, as production runs it."""
    with running_server(database_url, tmp_path_factory.mktemp("server-instance"),
                        tmp_path_factory.mktemp("server-log") / "gunicorn.log") as server:
        yield server


class LiveServer(str):
    """The server's base URL; `.log` is its combined error and access log."""

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()


def _wait_until_serving(base, proc, log):
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            raise RuntimeError(f"gunicorn did not start:\n{log.read()}")
        time.sleep(0.2)


class ApiUser:
    """A person talking to the JSON API with their Bearer token."""

    def __init__(self, app, name):
        self.client = app.test_client()
        body = self.client.post("/api/v1/people", json={"name": name}).get_json()
        self.id, self.name, self.token = body["id"], body["name"], body["token"]

    def call(self, method, path, json=None, **kwargs):
        headers = {**bearer(self.token), **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.call("POST", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.call("PATCH", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def user(app):
    """Factory: user("张三") is a new person with a token and a client."""
    return lambda name="张三": ApiUser(app, name)


@pytest.fixture
def group_with(user):
    """Factory: an owner's group with members already joined (and admins if asked).

    Returns (group_id, owner, {name: (ApiUser, member_id)})."""

    def make(members=(), admins=(), **settings):
        owner = user("群主")
        gid = owner.post("/api/v1/groups", json={"name": "跑步群", **settings}).get_json()["id"]
        people = {}
        for name in (*members, *admins):
            person = user(name)
            joined = person.post(f"/api/v1/groups/{gid}/join", json={"answer": "朋友介绍"}).get_json()
            people[name] = (person, joined["member_id"])
        for name in admins:
            owner.patch(f"/api/v1/groups/{gid}/members/{people[name][1]}", json={"role": "admin"})
        return gid, owner, people

    return make
