"""Parallel writers through gunicorn with several workers: no "database is locked", no 500."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.server

WRITERS = 20


def test_parallel_writers_through_gunicorn(live_server):
    def create(i):
        return requests.post(f"{live_server}/api/v1/people", json={"name": f"成员{i}"}, timeout=60)

    with ThreadPoolExecutor(WRITERS) as pool:
        created = list(pool.map(create, range(WRITERS)))
    assert [r.status_code for r in created] == [201] * WRITERS, [r.text for r in created]
    tokens = [r.json()["token"] for r in created]

    # Each writer reads (who is asking) and then writes: the pattern that fails at
    # once on SQLite with deferred transactions.
    def rename_and_rotate(i):
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        renamed = requests.patch(f"{live_server}/api/v1/me", json={"name": f"改名{i}"},
                                 headers=headers, timeout=60)
        rotated = requests.post(f"{live_server}/api/v1/me/token", headers=headers, timeout=60)
        return renamed, rotated

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(rename_and_rotate, range(WRITERS)))
    for renamed, rotated in results:
        assert renamed.status_code == 200, renamed.text
        assert rotated.status_code == 201, rotated.text

    for i, (_, rotated) in enumerate(results):
        me = requests.get(f"{live_server}/api/v1/me",
                          headers={"Authorization": f"Bearer {rotated.json()['token']}"}, timeout=10)
        assert me.json()["name"] == f"改名{i}"


def test_one_person_joining_many_times_at_once_gets_one_membership(live_server):
    def post(path, token=None, json=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.post(f"{live_server}{path}", json=json or {}, headers=headers, timeout=60)

    owner = post("/api/v1/people", json={"name": "群主"}).json()["token"]
    gid = post("/api/v1/groups", owner, {"name": "并发群"}).json()["id"]
    joiner = post("/api/v1/people", json={"name": "手快的人"}).json()["token"]

    with ThreadPoolExecutor(10) as pool:
        joins = list(pool.map(lambda _: post(f"/api/v1/groups/{gid}/join", joiner), range(10)))
    codes = sorted(r.status_code for r in joins)
    assert codes == [200] * 9 + [201], [r.text for r in joins]
    assert len({r.json()["member_id"] for r in joins}) == 1
    roster = requests.get(f"{live_server}/api/v1/groups/{gid}/members",
                          headers={"Authorization": f"Bearer {owner}"}, timeout=10).json()
    assert [m["name"] for m in roster] == ["群主", "手快的人"]


def test_access_log_never_shows_sign_in_secrets_or_tokens(live_server):
    created = requests.post(f"{live_server}/api/v1/people", json={"name": "谨慎的人"}, timeout=10).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    link = requests.get(f"{live_server}/api/v1/me/signin-link", headers=headers, timeout=10).json()["url"]
    secret = link.rsplit("/", 1)[1]
    requests.get(link, timeout=10)
    requests.post(link, headers={"Referer": link}, timeout=10)
    log = live_server.read_log()
    assert "/signin/[redacted]" in log
    assert secret not in log
    assert created["token"] not in log
