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
