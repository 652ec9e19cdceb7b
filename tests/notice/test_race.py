"""Confirmations and first views arriving at once through gunicorn with 4 workers, on
SQLite and PostgreSQL: one receipt per member, every confirmation counted, nothing 500."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.notice.test_pending import pending_agrees
from tests.poll.test_race import Client, at_once, group_with_members

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


def test_counts_kept_by_parallel_openings_and_confirmations_are_exact(live_server, app):
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
    assert pending_agrees(app, nid) == opened - confirmed
    # A member who confirmed leaves; one who only opened it is removed: both drop out.
    assert confirming[0].call("DELETE", f"/api/v1/groups/{gid}/members/me").status_code == 204
    removed = next(m for m in report["viewed"] if m["name"] != "群主")["member_id"]
    assert owner.call("DELETE", f"/api/v1/groups/{gid}/members/{removed}").status_code == 204
    report = owner.call("GET", f"/api/v1/notices/{nid}/receipts").json()
    assert (report["audience_count"], report["viewed_count"], report["confirmed_count"]) == (
        MEMBERS - 1, opened - 2, confirmed - 1)
    assert len(report["confirmed"]) == confirmed - 1
    assert len(report["viewed"]) == opened - confirmed - 1
    assert pending_agrees(app, nid) == opened - confirmed - 1


def test_members_joining_and_leaving_while_notices_are_published_are_on_each_list(
        live_server, app):
    """Who has not opened each notice (notice.pending) stays exact when members join and
    leave at the very moment notices are published: each is in every notice's list
    published before or after their joining, never in neither, never listed after leaving."""
    owner, gid, members = group_with_members(live_server, 10)
    joining = [Client(live_server, f"新成员{i}") for i in range(10)]
    calls = [(lambda: owner.call("POST", f"/api/v1/groups/{gid}/notices",
                                 {"title": "同时发布", "body": "请确认"})) for _ in range(4)]
    calls += [(lambda p=p: p.call("POST", f"/api/v1/groups/{gid}/join", {})) for p in joining]
    calls += [(lambda m=m: m.call("DELETE", f"/api/v1/groups/{gid}/members/me"))
              for m in members[:5]]
    responses = at_once(calls)
    assert all(r.status_code in (201, 204) for r in responses), [r.text for r in responses]
    for published in responses[:4]:
        nid = published.json()["id"]
        report = owner.call("GET", f"/api/v1/notices/{nid}/receipts").json()
        assert report["audience_count"] == 1 + 5 + 10
        assert report["not_viewed_count"] == len(report["not_viewed"]) == 15  # the owner read it
        assert pending_agrees(app, nid) == 16


def test_confirmations_while_the_audience_is_chosen_again_and_a_revision_follows(
        live_server, app):
    """Members confirming at the moment their manager chooses the audience again (they
    stay in it) are never asked again; confirmations of a revision replaced meanwhile
    leave the new revision's lists whole."""
    owner, gid, members = group_with_members(live_server, 12)
    ids = {}
    for member in members:
        # Joining again answers who they are.
        ids[member] = member.call("POST", f"/api/v1/groups/{gid}/join", {}).json()["member_id"]
    response = owner.call("POST", f"/api/v1/groups/{gid}/notices",
                          {"title": "选定的人", "audience_member_ids": list(ids.values())})
    assert response.status_code == 201, response.text
    nid = response.json()["id"]
    again = {"audience_member_ids": [ids[m] for m in members[:-2]]}  # two leave the choice
    calls = [(lambda: owner.call("PATCH", f"/api/v1/notices/{nid}", again))]
    calls += [(lambda m=m: m.call("POST", f"/api/v1/notices/{nid}/confirm"))
              for m in members[:8]]
    at_once(calls)
    report = owner.call("GET", f"/api/v1/notices/{nid}/receipts").json()
    assert (report["audience_count"], report["confirmed_count"]) == (10, 8)
    assert report["not_viewed_count"] == len(report["not_viewed"]) == 2
    assert pending_agrees(app, nid) == 2

    calls = [(lambda: owner.call("PATCH", f"/api/v1/notices/{nid}", {"new_revision": True}))]
    calls += [(lambda m=m: m.call("POST", f"/api/v1/notices/{nid}/confirm"))
              for m in members[8:10]]
    at_once(calls)
    report = owner.call("GET", f"/api/v1/notices/{nid}/receipts").json()
    confirmed = report["confirmed_count"]  # those that came after the revision: of it
    assert report["revision"] == 2 and confirmed <= 2
    assert report["not_viewed_count"] == len(report["not_viewed"]) == 10 - confirmed
    assert pending_agrees(app, nid) == 10 - confirmed


def test_removals_restorations_and_new_revisions_at_once_leave_exact_lists(live_server, app):
    """Managers removing and restoring members while new revisions and audiences of the
    group's notices are published: nothing fails (no lock waits on another in a circle on
    PostgreSQL) and each notice lists exactly its audience members who have not opened it."""
    owner, gid, members = group_with_members(live_server, 12)
    ids = [m.call("POST", f"/api/v1/groups/{gid}/join", {}).json()["member_id"] for m in members]
    nids = [new_notice(owner, gid) for _ in range(2)]
    for mid in ids[6:]:
        assert owner.call("DELETE", f"/api/v1/groups/{gid}/members/{mid}").status_code == 204
    calls = [(lambda nid=nid: owner.call("PATCH", f"/api/v1/notices/{nid}",
                                         {"new_revision": True})) for nid in nids]
    calls += [(lambda: owner.call("PATCH", f"/api/v1/notices/{nids[0]}",
                                  {"audience_member_ids": ids[:3]}))]
    calls += [(lambda: new_notice(owner, gid) and owner.call("GET", "/healthz"))]
    calls += [(lambda mid=mid: owner.call("DELETE", f"/api/v1/groups/{gid}/members/{mid}"))
              for mid in ids[3:6]]
    calls += [(lambda mid=mid: owner.call("PATCH", f"/api/v1/groups/{gid}/members/{mid}",
                                          {"status": "active"})) for mid in ids[6:]]
    calls += [(lambda m=m: m.call("POST", f"/api/v1/notices/{nids[1]}/confirm"))
              for m in members[:3]]
    responses = at_once(calls)
    assert all(r.status_code < 400 for r in responses), [r.text for r in responses]
    listed = owner.call("GET", f"/api/v1/groups/{gid}/export.json").json()["widgets"]["notices"]
    assert len(listed) == 3
    for notice in listed:
        report = owner.call("GET", f"/api/v1/notices/{notice['id']}/receipts").json()
        assert report["not_viewed_count"] == len(report["not_viewed"])
        pending_agrees(app, notice["id"])
