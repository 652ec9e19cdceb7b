"""A member who leaves or is removed (docs/security.md#leaving-and-removal): in open polls their
open-ballot votes leave the results; a secret ballot cannot be undone; closed polls do not
change; restoring brings nothing back."""
from datetime import timedelta

from sqlalchemy import func, select, update

from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll.models import Participation, Poll, Vote


def _counts(world):
    results = world.results(world.owner).get_json()
    return results["voter_count"], [o["votes"] for o in results["options"]]


def _remove(world, name):
    response = world.owner.delete(f"/api/v1/groups/{world.gid}/members/{world.member_id(name)}")
    assert response.status_code == 204


def _version(app, pid):
    with app.app_context():
        return db.session.scalar(select(Poll.version).where(Poll.public_id == pid))


def test_removal_takes_open_ballot_votes_out_of_the_results(make_poll, app):
    world = make_poll(multiple=True, max_choices=2)
    assert world.vote(world.member("甲"), 0, 1).status_code == 201
    assert world.vote(world.member("乙"), 0).status_code == 201
    assert _counts(world) == (2, [2, 1, 0])
    version = _version(app, world.pid)

    _remove(world, "甲")

    assert _counts(world) == (1, [1, 0, 0])
    assert _version(app, world.pid) > version  # live results and pictures refresh
    results = world.results(world.owner).get_json()
    assert [v["name"] for v in results["options"][0]["voters"]] == ["乙"]
    assert results["options"][1]["voters"] == []
    assert "甲" not in [m["name"] for m in results["not_voted"]]  # gone from every list
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 1
        assert db.session.scalar(select(func.count()).select_from(Participation)) == 1


def test_leaving_does_the_same(make_poll):
    world = make_poll()
    world.vote(world.member("甲"), 2)
    world.vote(world.member("乙"), 2)
    assert world.member("乙").delete(f"/api/v1/groups/{world.gid}/members/me").status_code == 204
    assert _counts(world) == (1, [0, 0, 1])


def test_a_closed_poll_keeps_the_votes(make_poll):
    world = make_poll()
    world.vote(world.member("甲"), 0)
    world.vote(world.member("乙"), 1)
    assert world.owner.post(f"/api/v1/polls/{world.pid}/close").status_code == 200
    before = world.results(world.owner).get_json()
    _remove(world, "甲")
    world.member("乙").delete(f"/api/v1/groups/{world.gid}/members/me")
    after = world.results(world.owner).get_json()
    assert after["voter_count"] == 2 and after["options"] == before["options"]


def test_a_poll_past_its_deadline_keeps_the_votes(make_poll, app):
    world = make_poll()
    world.vote(world.member("甲"), 0)
    with app.app_context():
        db.session.execute(update(Poll).where(Poll.public_id == world.pid)
                           .values(deadline=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    _remove(world, "甲")
    assert _counts(world) == (1, [1, 0, 0])


def test_a_secret_ballot_cannot_be_undone(make_poll, app):
    world = make_poll(anonymous=True, results_visibility="always")
    world.vote(world.member("甲"), 0)
    world.vote(world.member("乙"), 1)
    before = world.get(world.owner).get_json()
    _remove(world, "甲")
    after = world.get(world.owner).get_json()
    assert after["voter_count"] == 2 and after["results"] == before["results"]
    with app.app_context():  # nothing names the member's choice, so nothing is taken
        assert db.session.scalar(select(func.count()).select_from(Participation)) == 2


def test_restoring_brings_nothing_back(make_poll):
    world = make_poll()
    world.vote(world.member("甲"), 0)
    _remove(world, "甲")
    restored = world.owner.patch(f"/api/v1/groups/{world.gid}/members/{world.member_id('甲')}",
                                 json={"status": "active"})
    assert restored.status_code == 200
    assert world.get(world.member("甲")).get_json()["my_vote"] == []
    assert _counts(world) == (0, [0, 0, 0])
    assert world.vote(world.member("甲"), 1).status_code == 201  # a new vote, counted once
    assert _counts(world) == (1, [0, 1, 0])
