"""Confirmations and first views arriving at once through gunicorn with 4 workers, on
SQLite and PostgreSQL: one receipt per member, every confirmation counted, nothing 500."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.poll.test_race import at_once, group_with_members

pytestmark = pytest.mark.server

MEMBERS = 30


def new_notice(owner, gid):
    response = owner.call("POST", f"/api/v1/groups/{gid}/notices",
                          {"title": "并发确认", "body": "请确认"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_thirty_members_confirming_at_once_leave_one_receipt_each(live_server):
    owner, gid, members = group_with_members(live_server, MEMBERS)
    nid = new_notice(owner, gid)
    responses = at_once([(lambda m=m: m.call("POST", f"/api/v1/notices/{nid}/confirm"))
                         for m in members])
    assert [r.status_code for r in responses] == [201] * MEMBERS, [r.text for r in responses]
    report = owner.call("GET", f"/api/v1/notices/{nid}/receipts").json()
    assert (report["audience_count"], report["confirmed_count"]) == (MEMBERS + 1, MEMBERS)
    assert len(report["confirmed"]) == MEMBERS
    assert len({m["member_id"] for m in report["confirmed"]}) == MEMBERS
    export = owner.call("GET", f"/api/v1/notices/{nid}/export.csv").text.splitlines()
    assert len(export) == 1 + MEMBERS + 1  # header, members, the owner


def test_one_member_opening_and_confirming_many_times_at_once(live_server):
    owner, gid, (member,) = group_with_members(live_server, 1)
    nid = new_notice(owner, gid)
    calls = [(lambda: member.call("GET", f"/api/v1/notices/{nid}")) for _ in range(6)]
    calls += [(lambda: member.call("POST", f"/api/v1/notices/{nid}/confirm")) for _ in range(6)]
    responses = at_once(calls)
    assert all(r.status_code == 200 for r in responses[:6]), [r.text for r in responses]
    confirmations = responses[6:]
    assert sorted(r.status_code for r in confirmations) == [200] * 5 + [201]
    assert len({r.json()["confirmed_at"] for r in confirmations}) == 1
    report = owner.call("GET", f"/api/v1/notices/{nid}/receipts").json()
    assert (report["viewed_count"], report["confirmed_count"]) == (2, 1)  # the owner read it


def test_parallel_first_views_of_many_members(live_server):
    owner, gid, members = group_with_members(live_server, 12)
    nid = new_notice(owner, gid)
    with ThreadPoolExecutor(24) as pool:
        responses = list(pool.map(lambda m: m.call("GET", f"/api/v1/notices/{nid}"),
                                  members + members))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    report = owner.call("GET", f"/api/v1/notices/{nid}/receipts").json()
    assert report["viewed_count"] == 13 and report["confirmed_count"] == 0
