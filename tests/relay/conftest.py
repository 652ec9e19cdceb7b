"""Relay factories: a group's relay made through the API, sign-ups, and the list as a
member reads it."""
import pytest

PHONE_FIELD = {"key": "phone", "label": "手机号", "type": "phone", "required": True,
               "private": True}


@pytest.fixture
def relay_with(group_with):
    """Factory: relay_with(members=[...], **settings) → (rid, owner, {name: ApiUser}, gid).

    The group's owner creates the relay; settings go to POST …/relays as they are."""

    def make(members=(), admins=(), title="周六羽毛球", **settings):
        gid, owner, people = group_with(members=members, admins=admins)
        created = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": title, **settings})
        assert created.status_code == 201, created.get_json()
        return created.get_json()["id"], owner, {n: p for n, (p, _) in people.items()}, gid

    return make


def sign_up(person, rid, **body):
    return person.post(f"/api/v1/relays/{rid}/entries", json={"values": {}, **body})


def listing(person, rid):
    """(confirmed names by number, waitlisted names by position; slot by slot) as
    `person` reads them."""
    relay = person.get(f"/api/v1/relays/{rid}").get_json()
    slot_order = {slot["id"]: i for i, slot in enumerate(relay["slots"])}
    confirmed = sorted((e for e in relay["entries"] if e["status"] == "confirmed"),
                       key=lambda e: (slot_order.get(e["slot_id"], 0), e["number"]))
    waiting = sorted((e for e in relay["entries"] if e["status"] == "waitlisted"),
                     key=lambda e: (slot_order.get(e["slot_id"], 0), e["waitlist_position"]))
    return [e["name"] for e in confirmed], [e["name"] for e in waiting]


def entry_of(person, rid, name):
    relay = person.get(f"/api/v1/relays/{rid}").get_json()
    return next(e for e in relay["entries"] if e["name"] == name)
