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


def test_counts_kept_by_parallel_openings_and_confirmations_are_exact(live_server):
    """Each member at once opens the notice and confirms it twice, some only open it:
    the counts the writes keep (receipts.tally) agree with the receipts listed."""
    owner, gid, members = group_with_members(live_server, MEMBERS)
    nid = new_notice(owner, gid)
    confirming, opening = members[: MEMBERS * 2 // 3], members[MEMBERS * 2 // 3:]
    calls = [(lambda m=m: m.call("GET", f"/api/v1/notices/{nid}")) for m in members]
    calls += [(lambda m=m: m.call("POST", f"/api/v1/notices/{nid}/confirm"))
              for m in confirming + confirming]
    at_once(calls)
    report = owner.call("GET", f"/api/v1/notices/{nid}/receipts").json()
    confirmed, opened = len(confirming), MEMBERS + 1  # the owner opened it publishing it
    assert (report["audience_count"], report["viewed_count"], report["confirmed_count"],
            report["not_viewed_count"]) == (MEMBERS + 1, opened, confirmed, 0)
    assert len(report["confirmed"]) == confirmed
    assert len(report["viewed"]) == opened - confirmed and report["not_viewed"] == []
    # A member who confirmed leaves; one who only opened it is removed: both drop out.
    assert confirming[0].call("DELETE", f"/api/v1/groups/{gid}/members/me").status_code == 204
    removed = next(m for m in report["viewed"] if m["name"] != "群主")["member_id"]
    assert owner.call("DELETE", f"/api/v1/groups/{gid}/members/{removed}").status_code == 204
    report = owner.call("GET", f"/api/v1/notices/{nid}/receipts").json()
    assert (report["audience_count"], report["viewed_count"], report["confirmed_count"]) == (
        MEMBERS - 1, opened - 2, confirmed - 1)
    assert len(report["confirmed"]) == confirmed - 1
    assert len(report["viewed"]) == opened - confirmed - 1
