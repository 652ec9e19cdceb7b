"""Sign-ups and withdrawals racing through gunicorn with 4 workers: nobody over capacity,
numbers and waitlist positions contiguous, promotions strictly in waitlist order, no 500
(on SQLite and on PostgreSQL, whichever the test run uses)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from grouptools.core.groups import service as groups
from grouptools.core.people import service as people
from grouptools.extensions import db

pytestmark = pytest.mark.server

CAPACITY, CROWD, WITHDRAWALS = 100, 300, 50


def _members(app, count):
    """An owner and `count` members with their tokens, made in-process (only the race
    itself goes over HTTP)."""
    with app.app_context():
        owner, owner_token = people.create_person("群主")
        group = groups.create_group(owner, name="抢名额群")
        tokens = []
        for i in range(count):
            person, token = people.create_person(f"成员{i:03d}")
            groups.join_group(person, group)
            tokens.append(token)
        gid = group.public_id
        db.session.remove()
    return gid, owner_token, tokens


def _at_once(calls):
    """Run every call in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_a_crowd_signs_up_at_once_and_withdrawals_promote_in_order(app, live_server):
    gid, owner_token, tokens = _members(app, CROWD)
    owner = {"Authorization": f"Bearer {owner_token}"}
    rid = requests.post(f"{live_server}/api/v1/groups/{gid}/relays", headers=owner, timeout=30,
                        json={"title": "周六抢场地", "capacity": CAPACITY}).json()["id"]

    def signer(token):
        return lambda: requests.post(f"{live_server}/api/v1/relays/{rid}/entries", json={"values": {}},
                                     headers={"Authorization": f"Bearer {token}"}, timeout=120)

    answers = _at_once([signer(token) for token in tokens])
    assert [r.status_code for r in answers] == [201] * CROWD, {r.status_code for r in answers}
    placed = [r.json() for r in answers]
    assert sorted(p["number"] for p in placed if p["status"] == "confirmed") == list(range(1, CAPACITY + 1))
    assert sorted(p["waitlist_position"] for p in placed if p["status"] == "waitlisted") == \
        list(range(1, CROWD - CAPACITY + 1))

    relay = requests.get(f"{live_server}/api/v1/relays/{rid}", headers=owner, timeout=30).json()
    assert relay["taken"] == CAPACITY and relay["confirmed_count"] == CAPACITY
    by_id = {e["id"]: e for e in relay["entries"]}
    for answer in placed:  # what each person was told is what the list says
        assert by_id[answer["id"]]["number"] == answer["number"]
        assert by_id[answer["id"]]["waitlist_position"] == answer["waitlist_position"]
    waiting_before = [e["id"] for e in sorted((e for e in relay["entries"] if e["status"] == "waitlisted"),
                                              key=lambda e: e["waitlist_position"])]

    # 50 confirmed people withdraw at the same moment.
    token_of = {p["id"]: token for p, token in zip(placed, tokens)}
    leaving = [p["id"] for p in placed if p["status"] == "confirmed"][::2][:WITHDRAWALS]

    def withdrawer(eid):
        return lambda: requests.delete(f"{live_server}/api/v1/relays/{rid}/entries/{eid}",
                                       headers={"Authorization": f"Bearer {token_of[eid]}"}, timeout=120)

    gone = _at_once([withdrawer(eid) for eid in leaving])
    assert [r.status_code for r in gone] == [204] * WITHDRAWALS

    relay = requests.get(f"{live_server}/api/v1/relays/{rid}", headers=owner, timeout=30).json()
    confirmed = sorted((e for e in relay["entries"] if e["status"] == "confirmed"), key=lambda e: e["number"])
    waiting = sorted((e for e in relay["entries"] if e["status"] == "waitlisted"),
                     key=lambda e: e["waitlist_position"])
    assert relay["taken"] == CAPACITY
    assert [e["number"] for e in confirmed] == list(range(1, CAPACITY + 1))
    assert [e["waitlist_position"] for e in waiting] == list(range(1, CROWD - CAPACITY - WITHDRAWALS + 1))
    # Exactly the first 50 in line were promoted, in their order, to the end of the list.
    assert [e["id"] for e in confirmed[-WITHDRAWALS:]] == waiting_before[:WITHDRAWALS]
    assert [e["id"] for e in waiting] == waiting_before[WITHDRAWALS:]
    assert not set(leaving) & {e["id"] for e in relay["entries"]}
    log = requests.get(f"{live_server}/api/v1/relays/{rid}/log", headers=owner, timeout=30).json()["log"]
    withdrawals = [line for line in log if line["kind"] == "withdrew"]
    assert len(withdrawals) == WITHDRAWALS
    assert all(line["text"].endswith("→ waitlist 1 promoted") for line in withdrawals)
    assert "Traceback" not in live_server.read_log()


def test_one_member_tapping_sign_up_many_times_at_once_gets_one_entry(app, live_server):
    gid, owner_token, (token,) = _members(app, 1)
    owner = {"Authorization": f"Bearer {owner_token}"}
    rid = requests.post(f"{live_server}/api/v1/groups/{gid}/relays", headers=owner, timeout=30,
                        json={"title": "限报一次", "capacity": 5}).json()["id"]
    answers = _at_once([lambda: requests.post(f"{live_server}/api/v1/relays/{rid}/entries",
                                              json={"values": {}}, timeout=60,
                                              headers={"Authorization": f"Bearer {token}"})
                        for _ in range(10)])
    assert sorted(r.status_code for r in answers) == [201] + [409] * 9
    relay = requests.get(f"{live_server}/api/v1/relays/{rid}", headers=owner, timeout=30).json()
    assert relay["taken"] == 1 and len(relay["entries"]) == 1
