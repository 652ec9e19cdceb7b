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


def test_a_cookie_met_before_is_still_nobody_when_tampered_with(client, app):
    sign_up_in_browser(client)
    name = app.config["SESSION_COOKIE_NAME"]
    assert client.get("/api/v1/me").status_code == 200  # this worker has met the cookie
    cookie = client.get_cookie(name).value
    client.set_cookie(name, cookie[:-2] + "xx")
    assert client.get("/api/v1/me").status_code == 401
    client.set_cookie(name, cookie)
    assert client.get("/api/v1/me").status_code == 200


def test_a_cookie_met_before_ends_when_its_year_is_over(client, app, monkeypatch):
    sign_up_in_browser(client)
    assert client.get("/api/v1/me").status_code == 200  # this worker has met the cookie
    later = time.time() + timedelta(days=366).total_seconds()
    monkeypatch.setattr(identity.time, "time", lambda: later)
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
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


# --- The cookie's person read with the widget (core.loaders: one statement, not two) ----

def _browser_signed_in_as(app, person):
    """A browser holding `person`'s session cookie, signed in through their link."""
    import re
    url = person.get("/api/v1/me/signin-link").get_json()["url"]
    path = re.sub(r"^https?://[^/]+", "", url)
    browser = app.test_client()
    page = browser.get(path).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = browser.post(path, data={"csrf_token": csrf})
    assert done.status_code == 303
    browser.get(re.sub(r"^https?://[^/]+", "", done.headers["Location"]))  # its flash shown
    return browser


def test_a_widget_page_read_by_a_cookie_ended_everywhere_is_a_strangers(app, group_with):
    gid, owner, people = group_with(members=["甲"])
    member = people["甲"][0]
    pid = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "周末去哪儿", "options": [{"text": "爬山"}, {"text": "看电影"}],
        "results_visibility": "always"}).get_json()["id"]
    lost_phone, laptop = _browser_signed_in_as(app, member), _browser_signed_in_as(app, member)
    page = lost_phone.get(f"/p/{pid}")
    assert page.status_code == 200 and "public-item" not in page.get_data(as_text=True)
    etag = page.headers["ETag"]
    assert lost_phone.get(f"/p/{pid}", headers={"If-None-Match": etag}).status_code == 304
    assert lost_phone.get(f"/api/v1/polls/{pid}").status_code == 200
    picture = lost_phone.get(f"/p/{pid}/results.png")
    assert picture.status_code == 200
    assert lost_phone.get(f"/p/{pid}/results.png").status_code == 200  # from its key

    assert laptop.post("/api/v1/me/signout-everywhere",
                       headers=csrf_headers(laptop)).status_code == 200

    # The lost phone is nobody now: the page is the public card (not 304, not the
    # member's page), the member's JSON is 401, and an unknown id asks for a name first.
    card = lost_phone.get(f"/p/{pid}", headers={"If-None-Match": etag})
    assert card.status_code == 200
    assert "public-item" in card.get_data(as_text=True)  # a stranger's card
    assert lost_phone.get(f"/api/v1/polls/{pid}").status_code == 401
    assert lost_phone.get("/api/v1/polls/AAAAAAAAAA").status_code == 401
    assert lost_phone.get("/p/AAAAAAAAAA").status_code == 404
    # The results picture is the members' (its key reads the asker too): refused.
    assert lost_phone.get(f"/p/{pid}/results.png").status_code == 401
    assert lost_phone.get(f"/p/{pid}/results.png",
                          headers={"If-None-Match": picture.headers["ETag"]}).status_code == 401
    # The laptop that asked stays in, and an unknown id is 404 for someone known.
    assert laptop.get(f"/p/{pid}").status_code == 200
    assert "public-item" not in laptop.get(f"/p/{pid}").get_data(as_text=True)
    assert laptop.get("/api/v1/polls/AAAAAAAAAA").status_code == 404
    assert laptop.get(f"/p/{pid}/results.png",
                      headers={"If-None-Match": picture.headers["ETag"]}).status_code == 304


def test_a_bad_token_is_401_on_every_get_whether_or_not_the_route_asks_who(app, group_with):
    gid, owner, _ = group_with(members=["甲"])
    pid = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "周末去哪儿", "options": [{"text": "爬山"}, {"text": "看电影"}]}).get_json()["id"]
    client = app.test_client()
    etag = client.get(f"/api/v1/polls/{pid}", headers=bearer(owner.token)).headers["ETag"]
    stale = bearer("not-a-token-anyone-has")
    for path in (f"/api/v1/polls/{pid}", "/api/v1/polls/AAAAAAAAAA", f"/p/{pid}",
                 f"/p/{pid}/qr.png", f"/api/v1/groups/{gid}", "/healthz"):
        answer = client.get(path, headers={**stale, "If-None-Match": etag})
        assert answer.status_code == 401, path
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "not valid" in client.get(f"/api/v1/polls/{pid}", headers=stale).get_json()["message"]
    # The owner's token: 304 for what they hold, 404 for an unknown id.
    assert client.get(f"/api/v1/polls/{pid}", headers={
        **bearer(owner.token), "If-None-Match": etag}).status_code == 304
    assert client.get("/api/v1/polls/AAAAAAAAAA", headers=bearer(owner.token)).status_code == 404
