"""A member who leaves or is removed (docs/security.md#leaving-and-removal): in lists still open
their own entries are withdrawn, the waitlist moves, the log says why and their tickets
stop working; entries an organiser added for others stay; closed lists do not change;
restoring brings nothing back."""
from datetime import timedelta

from sqlalchemy import update

from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.relay.models import Relay
from tests.relay.conftest import entry_of, listing, sign_up


def _path(url):
    return url.split("localhost", 1)[1]


def _member_ids(owner, gid):
    return {m["name"]: m["member_id"] for m in owner.get(f"/api/v1/groups/{gid}/members").get_json()}


def _relay(person, rid):
    return person.get(f"/api/v1/relays/{rid}").get_json()


def test_removal_frees_the_place_promotes_the_waitlist_and_kills_the_ticket(relay_with, app):
    rid, owner, people, gid = relay_with(members=["甲", "丙"], admins=["乙"], capacity=2)
    assert sign_up(people["甲"], rid).get_json()["number"] == 1
    assert sign_up(people["乙"], rid, for_name="王五").get_json()["number"] == 2
    assert sign_up(people["乙"], rid).get_json()["waitlist_position"] == 1
    assert sign_up(people["丙"], rid).get_json()["waitlist_position"] == 2
    ticket = _path(entry_of(people["甲"], rid, "甲")["ticket_url"])
    visitor = app.test_client()
    assert visitor.get(ticket).status_code == 200

    members = _member_ids(owner, gid)
    assert owner.delete(f"/api/v1/groups/{gid}/members/{members['甲']}").status_code == 204

    assert listing(owner, rid) == (["王五", "乙"], ["丙"])
    relay = _relay(owner, rid)
    assert relay["taken"] == 2 and relay["confirmed_count"] == 2
    latest = relay["log"][0]
    assert latest["kind"] == "removed_from_group"
    assert latest["text"] == "No. 1 was removed from the group → waitlist 1 promoted"
    assert latest["names"] == "甲 → 乙"
    for path in (ticket, f"{ticket}/qr.png"):
        assert visitor.get(path).status_code == 404
        assert owner.client.get(path).status_code == 404

    # The admin who added 王五 is removed too: their own place goes, 王五's stays.
    wang_ticket = _path(entry_of(owner, rid, "王五")["ticket_url"])
    assert owner.delete(f"/api/v1/groups/{gid}/members/{members['乙']}").status_code == 204
    assert listing(owner, rid) == (["王五", "丙"], [])
    assert "No. 1" in visitor.get(wang_ticket).get_data(as_text=True)


def test_leaving_withdraws_waitlisted_and_confirmed_entries_and_says_so(relay_with):
    rid, owner, people, gid = relay_with(members=["甲", "乙", "丙"], capacity=2, per_member_max=2)
    sign_up(people["甲"], rid)
    sign_up(people["甲"], rid)
    sign_up(people["甲"], rid)  # 甲 is No. 1, No. 2 and waitlist 1
    sign_up(people["乙"], rid)
    assert listing(owner, rid) == (["甲", "甲"], ["乙"])
    assert people["甲"].delete(f"/api/v1/groups/{gid}/members/me").status_code == 204

    assert listing(owner, rid) == (["乙"], [])
    log = _relay(owner, rid)["log"]
    assert [line["kind"] for line in log[:2]] == ["left_group", "left_group"]
    assert "left the group → waitlist 1 promoted" in log[1]["text"] + log[0]["text"]
    assert sign_up(people["丙"], rid).get_json()["number"] == 2


def test_a_closed_list_keeps_the_departed_member_and_their_ticket(relay_with, app):
    rid, owner, people, gid = relay_with(members=["甲", "乙"], capacity=1)
    sign_up(people["甲"], rid)
    sign_up(people["乙"], rid)
    assert owner.post(f"/api/v1/relays/{rid}/close").status_code == 200
    before = _relay(owner, rid)
    ticket = _path(entry_of(owner, rid, "甲")["ticket_url"])

    assert owner.delete(f"/api/v1/groups/{gid}/members/{_member_ids(owner, gid)['甲']}").status_code == 204
    people["乙"].delete(f"/api/v1/groups/{gid}/members/me")

    after = _relay(owner, rid)
    assert after["entries"] == before["entries"] and after["log"] == before["log"]
    assert after["taken"] == 1
    assert "No. 1" in app.test_client().get(ticket).get_data(as_text=True)


def test_a_list_past_its_deadline_is_closed_and_keeps_them_too(relay_with, app):
    rid, owner, people, gid = relay_with(members=["甲"], capacity=5)
    sign_up(people["甲"], rid)
    with app.app_context():
        db.session.execute(update(Relay).where(Relay.public_id == rid)
                           .values(deadline=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    people["甲"].delete(f"/api/v1/groups/{gid}/members/me")
    assert listing(owner, rid) == (["甲"], [])


def test_restoring_brings_nothing_back(relay_with, app):
    rid, owner, people, gid = relay_with(members=["甲", "乙"], capacity=1)
    sign_up(people["甲"], rid)
    ticket = _path(entry_of(people["甲"], rid, "甲")["ticket_url"])
    sign_up(people["乙"], rid)
    mid = _member_ids(owner, gid)["甲"]
    owner.delete(f"/api/v1/groups/{gid}/members/{mid}")
    assert owner.patch(f"/api/v1/groups/{gid}/members/{mid}", json={"status": "active"}).status_code == 200

    assert listing(owner, rid) == (["乙"], [])
    page = app.test_client().get(ticket).get_data(as_text=True)
    assert "No. 1" not in page and "This entry is no longer on the list." in page
    assert sign_up(people["甲"], rid).get_json()["waitlist_position"] == 1  # the end of the line


def test_a_member_who_rejoins_after_leaving_starts_from_nothing(relay_with):
    rid, owner, people, gid = relay_with(members=["甲"], capacity=3)
    sign_up(people["甲"], rid)
    people["甲"].delete(f"/api/v1/groups/{gid}/members/me")
    assert people["甲"].post(f"/api/v1/groups/{gid}/join", json={"answer": "回来了"}).status_code == 201
    assert listing(owner, rid) == ([], [])
    assert _relay(people["甲"], rid)["can_sign_up"] is True
