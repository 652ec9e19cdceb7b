"""Votes arriving at once through gunicorn with 4 workers, on SQLite and PostgreSQL:
every vote counted exactly once, one member's simultaneous changes leave exactly one
consistent choice, a secret ballot is voted once and its parallel ballots are counted
exactly (in batches, and at close), and nothing answers 500."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.server

MEMBERS = 50


class Client:
    def __init__(self, base, name):
        self.base = base
        body = requests.post(f"{base}/api/v1/people", json={"name": name}, timeout=60).json()
        self.headers = {"Authorization": f"Bearer {body['token']}"}

    def call(self, method, path, json=None):
        return requests.request(method, f"{self.base}{path}", json=json, headers=self.headers,
                                timeout=120)


def group_with_members(base, count):
    owner = Client(base, "群主")
    gid = owner.call("POST", "/api/v1/groups", {"name": "并发投票群"}).json()["id"]

    def member(i):
        person = Client(base, f"成员{i}")
        assert person.call("POST", f"/api/v1/groups/{gid}/join", {}).status_code == 201
        return person

    with ThreadPoolExecutor(10) as pool:
        members = list(pool.map(member, range(count)))
    return owner, gid, members


def new_poll(owner, gid, **settings):
    body = {"title": "并发", "options": [{"text": t} for t in "ABCD"], **settings}
    response = owner.call("POST", f"/api/v1/groups/{gid}/polls", body)
    assert response.status_code == 201, response.text
    poll = response.json()
    return poll["id"], [o["id"] for o in poll["options"]]


def at_once(calls):
    with ThreadPoolExecutor(len(calls)) as pool:
        responses = list(pool.map(lambda call: call(), calls))
    assert all(r.status_code < 500 for r in responses), [r.text for r in responses]
    return responses


def test_fifty_members_voting_at_once_are_all_counted(live_server):
    owner, gid, members = group_with_members(live_server, MEMBERS)
    pid, options = new_poll(owner, gid)
    responses = at_once([
        (lambda m=m, i=i: m.call("POST", f"/api/v1/polls/{pid}/votes",
                                 {"option_ids": [options[i % 3]]}))
        for i, m in enumerate(members)])
    assert [r.status_code for r in responses] == [201] * MEMBERS, [r.text for r in responses]
    results = owner.call("GET", f"/api/v1/polls/{pid}/results").json()
    assert results["voter_count"] == MEMBERS
    assert [o["votes"] for o in results["options"]] == [17, 17, 16, 0]
    # The counters agree with who is listed as having voted.
    assert sum(len(o["voters"]) for o in results["options"]) == MEMBERS
    assert results["not_voted_count"] == 1  # the owner


def test_one_member_sending_eight_changes_at_once_ends_with_one_choice(live_server):
    owner, gid, (member,) = group_with_members(live_server, 1)
    pid, options = new_poll(owner, gid, multiple=True, min_choices=1, max_choices=2,
                            allow_change=True)
    choices = [[options[0]], [options[1]], [options[2]], [options[3]],
               [options[0], options[1]], [options[2], options[3]],
               [options[1], options[3]], [options[0], options[2]]]

    def send_all():
        return at_once([
            (lambda c=c: member.call("POST", f"/api/v1/polls/{pid}/votes", {"option_ids": c}))
            for c in choices])

    for round_ in ("first votes", "changes"):
        responses = send_all()
        codes = sorted(r.status_code for r in responses)
        if round_ == "first votes":
            assert codes == [200] * 7 + [201], [r.text for r in responses]
        else:
            assert codes == [200] * 8, [r.text for r in responses]
        poll = member.call("GET", f"/api/v1/polls/{pid}").json()
        mine = poll["my_vote"]
        assert sorted(mine) in [sorted(c) for c in choices]
        assert 1 <= len(mine) <= 2 and poll["voter_count"] == 1
        counts = {o["id"]: o["votes"] for o in poll["results"]["options"]}
        assert counts == {o: (1 if o in mine else 0) for o in options}
        voters = {o["id"]: [v["name"] for v in o["voters"]] for o in poll["results"]["options"]}
        assert voters == {o: (["成员0"] if o in mine else []) for o in options}


def test_a_secret_ballot_sent_eight_times_at_once_counts_once(live_server):
    owner, gid, (member,) = group_with_members(live_server, 1)
    pid, options = new_poll(owner, gid, anonymous=True)
    responses = at_once([
        (lambda i=i: member.call("POST", f"/api/v1/polls/{pid}/votes",
                                 {"option_ids": [options[i % 4]]}))
        for i in range(8)])
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7
    results = owner.call("GET", f"/api/v1/polls/{pid}/results").json()
    assert results["voter_count"] == 1 and results["pending"] == 1
    assert sum(o["votes"] for o in results["options"]) == 0  # waiting for its batch
    results = owner.call("POST", f"/api/v1/polls/{pid}/close").json()["results"]
    assert sum(o["votes"] for o in results["options"]) == results["counted"] == 1


def test_secret_voters_at_once_are_counted_in_batches_and_exactly_at_close(live_server):
    owner, gid, members = group_with_members(live_server, 23)
    pid, options = new_poll(owner, gid, anonymous=True)
    responses = at_once([
        (lambda m=m, i=i: m.call("POST", f"/api/v1/polls/{pid}/votes",
                                 {"option_ids": [options[i % 3]]}))
        for i, m in enumerate(members)])
    assert [r.status_code for r in responses] == [201] * 23, [r.text for r in responses]
    # Every answer a voter got showed whole batches only.
    for response in responses:
        assert response.json()["results"] is None  # after close, by default
    results = owner.call("GET", f"/api/v1/polls/{pid}/results").json()
    assert (results["voter_count"], results["counted"], results["pending"]) == (23, 20, 3)
    assert sum(o["votes"] for o in results["options"]) == 20
    results = owner.call("POST", f"/api/v1/polls/{pid}/close").json()["results"]
    assert [o["votes"] for o in results["options"]] == [8, 8, 7, 0]
    assert (results["counted"], results["pending"]) == (23, 0)


def test_secret_votes_racing_a_close_are_counted_exactly(live_server):
    owner, gid, members = group_with_members(live_server, 20)
    pid, options = new_poll(owner, gid, anonymous=True)
    calls = [(lambda m=m, i=i: m.call("POST", f"/api/v1/polls/{pid}/votes",
                                      {"option_ids": [options[i % 2]]}))
             for i, m in enumerate(members)]
    calls.insert(10, lambda: owner.call("POST", f"/api/v1/polls/{pid}/close"))
    responses = at_once(calls)
    accepted = sum(r.status_code == 201 for r in responses)
    assert accepted + sum(r.status_code == 409 for r in responses) == 20
    results = owner.call("GET", f"/api/v1/polls/{pid}/results").json()
    assert results["voter_count"] == results["counted"] == accepted
    assert results["pending"] == 0
    assert sum(o["votes"] for o in results["options"]) == accepted


def test_votes_racing_a_close_are_either_counted_or_refused(live_server):
    owner, gid, members = group_with_members(live_server, 20)
    pid, options = new_poll(owner, gid)
    calls = [(lambda m=m: m.call("POST", f"/api/v1/polls/{pid}/votes", {"option_ids": [options[0]]}))
             for m in members]
    calls.insert(10, lambda: owner.call("POST", f"/api/v1/polls/{pid}/close"))
    responses = at_once(calls)
    accepted = sum(r.status_code == 201 for r in responses)
    refused = sum(r.status_code == 409 for r in responses)
    assert accepted + refused == 20
    results = owner.call("GET", f"/api/v1/polls/{pid}/results").json()
    assert results["voter_count"] == accepted == results["options"][0]["votes"]


def test_votes_racing_their_voters_removal_leave_nothing_behind(live_server):
    """Each member votes for the first time at the very moment an organiser removes
    them: whichever lands first, a removed member's vote never stays in open results."""
    owner, gid, members = group_with_members(live_server, 12)
    pid, options = new_poll(owner, gid, multiple=True, max_choices=2)
    roster = owner.call("GET", f"/api/v1/groups/{gid}/members").json()
    ids = {m["name"]: m["member_id"] for m in roster}
    calls = []
    for i, member in enumerate(members):
        mid = ids[f"成员{i}"]
        calls.append(lambda m=member: m.call("POST", f"/api/v1/polls/{pid}/votes",
                                             {"option_ids": options[:2]}))
        calls.append(lambda mid=mid: owner.call("DELETE", f"/api/v1/groups/{gid}/members/{mid}"))
    answers = at_once(calls)
    assert {a.status_code for a in answers[1::2]} == {204}
    assert {a.status_code for a in answers[0::2]} <= {201, 404}
    results = owner.call("GET", f"/api/v1/polls/{pid}/results").json()
    assert results["voter_count"] == 0
    assert [o["votes"] for o in results["options"]] == [0, 0, 0, 0]
