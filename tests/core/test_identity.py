"""Who is asking: cookie sessions with CSRF, Bearer tokens without it."""
import time
from datetime import timedelta
from email.utils import parsedate_to_datetime

import itsdangerous

from grouptools.core import identity
from grouptools.core.timeutil import utcnow
from tests.conftest import bearer, csrf_headers


def sign_up_in_browser(client, name="李四"):
    headers = csrf_headers(client)
    response = client.post("/api/v1/people", json={"name": name}, headers=headers)
    assert response.status_code == 201
    return headers, response.get_json()


def test_creating_a_person_answers_id_name_and_token(client):
    response = client.post("/api/v1/people", json={"name": "  王五  "})
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "王五"
    assert len(body["id"]) == 10
    assert len(body["token"]) >= 40
    me = client.get("/api/v1/me", headers=bearer(body["token"])).get_json()
    assert me == {"id": body["id"], "name": "王五", "groups": []}


def test_a_cookieless_api_client_is_not_signed_in_by_creating_a_person(client):
    response = client.post("/api/v1/people", json={"name": "王五"})
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers
    assert client.get("/api/v1/me").status_code == 401


def test_browser_sign_up_keeps_the_person_in_the_cookie(client):
    _, body = sign_up_in_browser(client)
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.get_json()["id"] == body["id"]


def test_session_cookie_is_httponly_lax_and_lasts_a_year(client):
    headers = csrf_headers(client)
    response = client.post("/api/v1/people", json={"name": "李四"}, headers=headers)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie


def test_cookie_write_without_csrf_token_is_refused(client):
    sign_up_in_browser(client)
    response = client.patch("/api/v1/me", json={"name": "改名"})
    assert response.status_code == 400
    assert response.get_json()["message"]
    assert client.get("/api/v1/me").get_json()["name"] == "李四"


def test_cookie_write_with_csrf_token_succeeds(client):
    headers, _ = sign_up_in_browser(client)
    response = client.patch("/api/v1/me", json={"name": "改名"}, headers=headers)
    assert response.status_code == 200
    assert client.get("/api/v1/me").get_json()["name"] == "改名"


def test_cookie_write_with_a_wrong_csrf_token_is_refused(client):
    sign_up_in_browser(client)
    response = client.patch("/api/v1/me", json={"name": "改名"}, headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400


def test_csrf_token_still_works_days_later(client, monkeypatch):
    headers, _ = sign_up_in_browser(client)
    three_days_later = int(time.time()) + 3 * 86400
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: three_days_later)
    response = client.patch("/api/v1/me", json={"name": "第二天早上"}, headers=headers)
    assert response.status_code == 200


def test_bearer_write_needs_no_csrf_token(client, make_person):
    _, token = make_person()
    response = client.patch("/api/v1/me", json={"name": "新名字"}, headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["name"] == "新名字"


def test_bad_token_is_401_even_with_a_valid_cookie(client):
    headers, _ = sign_up_in_browser(client)
    assert client.get("/api/v1/me").status_code == 200
    response = client.get("/api/v1/me", headers=bearer("not-a-real-token"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    write = client.patch("/api/v1/me", json={"name": "x"}, headers={**headers, **bearer("nope")})
    assert write.status_code == 401


def test_no_identity_is_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["code"] == 401


def test_rotating_the_token_ends_the_old_one(client, make_person):
    _, old = make_person()
    response = client.post("/api/v1/me/token", headers=bearer(old))
    assert response.status_code == 201
    new = response.get_json()["token"]
    assert client.get("/api/v1/me", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(new)).status_code == 200


def test_a_tampered_session_cookie_is_nobody(client, app):
    sign_up_in_browser(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value[:-2] + "xx")
    assert client.get("/api/v1/me").status_code == 401


def test_the_session_cookie_is_signed_again_once_a_day_not_on_every_answer(
        client, app, monkeypatch):
    sign_up_in_browser(client)
    name = app.config["SESSION_COOKIE_NAME"]
    first = client.get("/api/v1/me")
    assert first.status_code == 200
    assert name not in first.headers.get("Set-Cookie", "")  # same day: nothing to send
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(identity, "utcnow", lambda: tomorrow)
    next_day = client.get("/api/v1/me")
    assert next_day.status_code == 200
    cookie = next_day.headers["Set-Cookie"]
    assert cookie.startswith(f"{name}=")  # the year starts again from today
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert expires > utcnow() + timedelta(days=364)
    again = client.get("/api/v1/me")
    assert name not in again.headers.get("Set-Cookie", "")
    assert again.get_json()["name"] == next_day.get_json()["name"]
