"""Production defaults (issue 10 §6): no start without a base URL or trusted hosts, no
link built from a Host an outsider chose, HSTS behind HTTPS, and a warning when rate
limits are counted per worker."""
import logging

import pytest

from grouptools import create_app
from grouptools.config import Config
from grouptools.extensions import limiter
from tests.conftest import SECRET_KEY, bearer

BASE = "https://groups.example.org"
EVIL = {"Host": "evil.example"}


def production(database_url, **config):
    return {"TESTING": True, "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False, "ENV_NAME": "production", "BASE_URL": None,
            "TRUSTED_HOSTS": None, **config}


def test_production_refuses_to_start_without_a_base_url_or_trusted_hosts(database_url):
    with pytest.raises(RuntimeError, match="GROUPTOOLS_BASE_URL .or GROUPTOOLS_TRUSTED_HOSTS"):
        create_app(production(database_url))


def test_trusted_hosts_come_from_a_comma_separated_setting(monkeypatch):
    monkeypatch.setenv("GROUPTOOLS_TRUSTED_HOSTS", " groups.example.org, .example.net ,")
    from grouptools import config

    assert config._list("GROUPTOOLS_TRUSTED_HOSTS") == ["groups.example.org", ".example.net"]
    monkeypatch.setenv("GROUPTOOLS_TRUSTED_HOSTS", "")
    assert config._list("GROUPTOOLS_TRUSTED_HOSTS") is None


def test_with_trusted_hosts_another_host_is_refused(make_app, database_url, user):
    app = make_app(**production(database_url, TRUSTED_HOSTS=["groups.example.org"]))
    client = app.test_client()
    refused = client.get("/", headers=EVIL)
    assert refused.status_code == 400
    refused = client.post("/api/v1/people", json={"name": "张三"}, headers=EVIL)
    assert refused.status_code == 400 and refused.get_json()["code"] == 400
    created = client.post("/api/v1/people", json={"name": "张三"},
                          headers={"Host": "groups.example.org"})
    assert created.status_code == 201


def test_with_a_base_url_no_link_names_the_requests_host(make_app, database_url, user):
    app = make_app(**production(database_url, BASE_URL=BASE))
    owner = user("群主")
    gid = owner.post("/api/v1/groups", json={"name": "跑步群"}).get_json()["id"]
    pid = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "周末", "options": [{"text": "爬山"}, {"text": "看电影"}]}).get_json()["id"]
    client = app.test_client()
    headers = {**bearer(owner.token), **EVIL}
    link = client.get("/api/v1/me/signin-link", headers=headers).get_json()["url"]
    assert link.startswith(f"{BASE}/signin/")
    assert client.get(f"/api/v1/polls/{pid}", headers=headers).get_json()["url"] == f"{BASE}/p/{pid}"
    page = client.get(f"/p/{pid}", headers=EVIL).get_data(as_text=True)
    assert f'<meta property="og:url" content="{BASE}/p/{pid}">' in page
    assert "evil.example" not in page
    qr_evil = client.get(f"/p/{pid}/qr.svg", headers=EVIL)
    qr_plain = client.get(f"/p/{pid}/qr.svg", headers={"Host": "groups.example.org"})
    assert qr_evil.status_code == 200 and qr_evil.get_data() == qr_plain.get_data()


def test_an_https_base_url_adds_hsts_and_secure_cookies(make_app, database_url, client):
    app = make_app(**production(database_url, BASE_URL=BASE))
    answer = app.test_client().get("/api/v1/csrf")
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in answer.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_memory_rate_limits_are_warned_about_in_production(make_app, database_url, caplog,
                                                           monkeypatch):
    # Creating an app binds the one limiter: put its switch back afterwards.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    with caplog.at_level(logging.WARNING):
        app = make_app(**production(database_url, BASE_URL=BASE, RATELIMIT_ENABLED=True,
                                    RATELIMIT_STORAGE_URI="memory://"))
    assert any("each gunicorn worker" in r.getMessage()
               and "GROUPTOOLS_RATELIMIT_STORAGE_URL=redis://" in r.getMessage()
               for r in caplog.records)
    result = app.test_cli_runner().invoke(args=["grouptools", "doctor"])
    assert "rate limits: on, counted in memory://" in result.output
    assert "WARNING: rate limits are counted in memory" in result.output
    assert "GROUPTOOLS_RATELIMIT_STORAGE_URL=redis://" in result.output

    # Shared counters (redis, as the docs show): no warning, and no password printed.
    app.config["RATELIMIT_STORAGE_URI"] = "redis://:pw@cache:6379/0"
    assert Config.shared_ratelimit_warning(app.config) is None
    result = app.test_cli_runner().invoke(args=["grouptools", "doctor"])
    assert "counted in redis://:***@cache:6379/0" in result.output
    assert "WARNING: rate limits" not in result.output
