"""A removal racing a crowd of sign-ups at capacity, through gunicorn with 4 workers: the
confirmed places never exceed the capacity, numbers and waitlist stay contiguous, the
removed member keeps no entry (not even one sent at the same moment), no 500 — on SQLite
and on PostgreSQL, whichever the test run uses."""
import pytest
import requests

from tests.relay.test_race import _at_once, _members

pytestmark = pytest.mark.server

CAPACITY, CROWD, TRIES = 20, 40, 10


def test_a_removal_during_a_sign_up_burst_keeps_the_list_within_capacity(app, live_server):
    gid, owner_token, tokens = _members(app, CROWD + 1)
    removed_token, crowd = tokens[0], tokens[1:]
    owner = {"Authorization": f"Bearer {owner_token}"}
    rid = requests.post(f"{live_server}/api/v1/groups/{gid}/relays", headers=owner, timeout=30,
                        json={"title": "周六抢场地", "capacity": CAPACITY,
                              "per_member_max": TRIES + 1}).json()["id"]

    def signer(token):
        return lambda: requests.post(f"{live_server}/api/v1/relays/{rid}/entries",
                                     json={"values": {}}, timeout=120,
                                     headers={"Authorization": f"Bearer {token}"})

    first = signer(removed_token)()
    assert first.status_code == 201 and first.json()["number"] == 1
    members = requests.get(f"{live_server}/api/v1/groups/{gid}/members", headers=owner,
                           timeout=30).json()
    removed_id = next(m["member_id"] for m in members if m["name"] == "成员000")

    def removal():
        return requests.delete(f"{live_server}/api/v1/groups/{gid}/members/{removed_id}",
                               headers=owner, timeout=120)

    answers = _at_once([removal, *(signer(removed_token) for _ in range(TRIES)),
                        *(signer(t) for t in crowd)])
    removed, late, crowd_answers = answers[0], answers[1:TRIES + 1], answers[TRIES + 1:]
    assert removed.status_code == 204
    # The removed member's own sign-ups, sent at the same moment: in just before the
    # removal (then withdrawn by it) or refused after it.
    assert {r.status_code for r in late} <= {201, 404}, [r.text for r in late]
    assert [r.status_code for r in crowd_answers] == [201] * CROWD

    relay = requests.get(f"{live_server}/api/v1/relays/{rid}", headers=owner, timeout=30).json()
    confirmed = [e for e in relay["entries"] if e["status"] == "confirmed"]
    waiting = [e for e in relay["entries"] if e["status"] == "waitlisted"]
    assert relay["taken"] == len(confirmed) == relay["confirmed_count"] == CAPACITY
    assert sorted(e["number"] for e in confirmed) == list(range(1, CAPACITY + 1))
    assert sorted(e["waitlist_position"] for e in waiting) == list(range(1, CROWD - CAPACITY + 1))
    assert "成员000" not in {e["name"] for e in relay["entries"]}
    assert len(relay["entries"]) == CROWD
    log = requests.get(f"{live_server}/api/v1/relays/{rid}/log", headers=owner, timeout=30).json()
    assert "removed_from_group" in {line["kind"] for line in log["log"]}
