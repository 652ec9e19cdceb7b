"""Secret ballots as an organiser, a member and the database see them: no per-member time
moves with a vote, counts move only in batches of 5 for every asker, results after close
are exact (a small pool at close, a deadline passing with ballots pending), and a
pending ballot is sealed with no member on it."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from grouptools.core.sealed import SealBroken, unseal
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll import ballots
from grouptools.poll.models import PendingBallot, Poll
from tests.poll.test_views import EN, create, created_pid, owner_phone  # noqa: F401

MEMBERS = [f"成员{i}" for i in range(12)]


def counts(results):
    return [o["votes"] for o in results["options"]]


def secret_world(make_poll, members=MEMBERS, **settings):
    return make_poll(members=members, anonymous=True, **settings)


def pool_size(app, world):
    with app.app_context():
        poll = db.session.scalar(select(Poll).where(Poll.public_id == world.pid))
        return db.session.scalar(select(func.count(PendingBallot.id))
                                 .where(PendingBallot.poll_id == poll.id))


def test_an_owner_polling_roster_and_results_between_votes_learns_nothing_per_member(make_poll):
    world = secret_world(make_poll)
    owner = world.owner
    roster_path = f"/api/v1/groups/{world.gid}/members"

    def look():
        roster = owner.get(roster_path).get_json()
        results = world.results(owner).get_json()
        return roster, results

    roster, results = look()
    assert "last_active_at" in roster[0]  # the owner does see activity on the roster
    assert counts(results) == [0, 0, 0] and results["counted"] == 0
    steps = []
    for i, name in enumerate(MEMBERS):
        assert world.vote(world.member(name), i % 3).status_code == 201
        after_roster, after = look()
        # Not the roster: nobody's last activity (or anything else) moved with the vote.
        assert after_roster == roster
        # The number who took part moves live; the counts only in whole batches of 5.
        assert after["voter_count"] == i + 1
        assert after["counted"] == (i + 1) // 5 * 5
        assert after["pending"] == (i + 1) % 5
        if after["counted"] == results["counted"]:
            assert counts(after) == counts(results), f"the counts moved with vote {i + 1}"
        else:
            steps.append([b - a for a, b in zip(counts(results), counts(after))])
        results = after
    # Each step is a batch of five mixed ballots: none of them names its voter's choice.
    assert steps == [[2, 2, 1], [2, 1, 2]]
    assert [o["percent"] for o in results["options"]] == [40.0, 30.0, 30.0]  # of counted


def test_no_per_member_time_moves_with_a_secret_vote(make_poll, app):
    world = secret_world(make_poll, members=("甲",))
    from grouptools.core.models import Membership, Person

    def times():
        with app.app_context():
            member = db.session.scalar(select(Membership).join(Person).where(Person.name == "甲"))
            poll = db.session.scalar(select(Poll).where(Poll.public_id == world.pid))
            return (member.last_active_at, member.updated_at, member.person.updated_at,
                    poll.updated_at)

    before = times()
    assert world.vote(world.member("甲"), 1).status_code == 201
    assert times() == before


def test_counts_move_in_batches_for_every_asker_whatever_the_visibility(make_poll):
    world = secret_world(make_poll, members=MEMBERS[:6], results_visibility="always")
    member = world.member(MEMBERS[0])
    for name in MEMBERS[:4]:
        world.vote(world.member(name), 0)
    for asker in (world.owner, member):
        seen = world.results(asker).get_json()
        assert counts(seen) == [0, 0, 0] and (seen["counted"], seen["pending"]) == (0, 4)
        assert seen["voter_count"] == 4
        assert world.get(asker).get_json()["results"]["options"] == seen["options"]
    world.vote(world.member(MEMBERS[4]), 1)
    for asker in (world.owner, member):
        seen = world.results(asker).get_json()
        assert counts(seen) == [4, 1, 0] and (seen["counted"], seen["pending"]) == (5, 0)


def test_open_ballots_count_live_and_say_counted_null(make_poll):
    world = make_poll()
    world.vote(world.member("甲"), 0)
    results = world.results(world.owner).get_json()
    assert counts(results) == [1, 0, 0]
    assert results["counted"] is None and results["pending"] is None


@pytest.mark.parametrize("voters", [1, 3, 7])
def test_results_after_a_manual_close_are_exact_whatever_the_pool(make_poll, app, voters):
    world = secret_world(make_poll)
    for i, name in enumerate(MEMBERS[:voters]):
        world.vote(world.member(name), i % 2)
    closed = world.owner.post(f"/api/v1/polls/{world.pid}/close").get_json()["results"]
    expected = [(voters + 1) // 2, voters // 2, 0]
    assert counts(closed) == expected
    assert (closed["counted"], closed["pending"], closed["voter_count"]) == (voters, 0, voters)
    assert pool_size(app, world) == 0
    # Members see the same exact results now that it is closed.
    assert counts(world.results(world.member("成员0")).get_json()) == expected


def test_a_deadline_passing_with_ballots_pending_is_counted_on_first_read(make_poll, app):
    world = secret_world(make_poll, deadline=(utcnow() + timedelta(hours=1)).isoformat())
    for i, name in enumerate(MEMBERS[:8]):
        world.vote(world.member(name), i % 3)
    assert pool_size(app, world) == 3
    with app.app_context():
        db.session.execute(update(Poll).where(Poll.public_id == world.pid)
                           .values(deadline=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    # A member's GET is the first to notice: the pool is counted before anything is read.
    seen = world.results(world.member("成员0")).get_json()
    assert counts(seen) == [3, 3, 2] and (seen["counted"], seen["pending"]) == (8, 0)
    assert pool_size(app, world) == 0
    assert world.vote(world.member("成员9"), 0).status_code == 409


def test_the_groups_export_after_a_deadline_has_the_exact_counts(make_poll, app):
    world = secret_world(make_poll, deadline=(utcnow() + timedelta(hours=1)).isoformat())
    second = world.owner.post(f"/api/v1/groups/{world.gid}/polls", json={
        "title": "第二个", "options": [{"text": "a"}, {"text": "b"}], "anonymous": True,
        "deadline": (utcnow() + timedelta(hours=1)).isoformat()}).get_json()
    for name in MEMBERS[:3]:
        world.vote(world.member(name), 1)
        world.member(name).post(f"/api/v1/polls/{second['id']}/votes",
                                json={"option_ids": [second["options"][0]["id"]]})
    with app.app_context():
        db.session.execute(update(Poll).values(deadline=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    exported = world.owner.get(f"/api/v1/groups/{world.gid}/export.json").get_json()
    polls = {p["title"]: p["results"] for p in exported["widgets"]["polls"]}
    assert counts(polls["周末去哪儿"]) == [0, 3, 0] and counts(polls["第二个"]) == [3, 0]
    assert polls["周末去哪儿"]["pending"] == polls["第二个"]["pending"] == 0


def test_reopening_after_a_deadline_counts_the_pool_first(make_poll, app):
    world = secret_world(make_poll, deadline=(utcnow() + timedelta(hours=1)).isoformat())
    for name in MEMBERS[:2]:
        world.vote(world.member(name), 2)
    with app.app_context():
        db.session.execute(update(Poll).where(Poll.public_id == world.pid)
                           .values(deadline=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    reopened = world.owner.post(f"/api/v1/polls/{world.pid}/reopen").get_json()
    assert not reopened["closed"]
    assert counts(reopened["results"]) == [0, 0, 2] and reopened["results"]["pending"] == 0
    # Open again: new ballots wait for a batch again.
    world.vote(world.member(MEMBERS[2]), 0)
    assert counts(world.results(world.owner).get_json()) == [0, 0, 2]


def test_a_pending_ballot_is_sealed_with_no_member_and_no_time(make_poll, app, make_app):
    world = secret_world(make_poll, multiple=True, max_choices=3)
    world.vote(world.member("成员0"), 0)
    world.vote(world.member("成员1"), 0)
    world.vote(world.member("成员2"), 0, 1, 2)
    assert {c.name for c in PendingBallot.__table__.columns} == {"id", "poll_id", "sealed"}
    with app.app_context():
        poll = db.session.scalar(select(Poll).where(Poll.public_id == world.pid))
        sealed = db.session.scalars(select(PendingBallot.sealed).order_by(PendingBallot.id)).all()
        assert len(sealed) == 3
        # The same choice seals differently; one option or three, the same length.
        assert len(set(sealed)) == 3 and len({len(s) for s in sealed}) == 1
        for blob in sealed:
            for option in poll.options:
                assert option.public_id.encode() not in blob
        # It opens with the server's key, bound to its poll.
        assert unseal(ballots.PURPOSE, sealed[0], f"poll {poll.id}".encode())
        with pytest.raises(SealBroken):
            unseal(ballots.PURPOSE, sealed[0], f"poll {poll.id + 1}".encode())
    # Without the secret key (another server's), it does not open.
    other = make_app(SECRET_KEY="another-secret-key")
    with other.app_context(), pytest.raises(SealBroken):
        unseal(ballots.PURPOSE, sealed[0], f"poll {poll.id}".encode())
    # A rotated key (the old one kept in SECRET_KEY_FALLBACKS) still opens it.
    rotated = make_app(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=[app.config["SECRET_KEY"]])
    with rotated.app_context():
        assert unseal(ballots.PURPOSE, sealed[0], f"poll {poll.id}".encode())


def test_a_ballot_the_key_cannot_open_stays_pending_and_is_not_miscounted(make_poll, app):
    world = secret_world(make_poll)
    world.vote(world.member("成员0"), 0)
    with app.app_context():
        db.session.execute(update(PendingBallot).values(sealed=b"\x00" * 37))
        db.session.commit()
    closed = world.owner.post(f"/api/v1/polls/{world.pid}/close").get_json()["results"]
    assert counts(closed) == [0, 0, 0] and closed["pending"] == 1


# --- defaults and pages -------------------------------------------------------------------

def test_a_secret_ballots_results_default_to_after_close(make_poll):
    assert make_poll(anonymous=True).body["results_visibility"] == "after_close"
    assert make_poll().body["results_visibility"] == "always"
    chosen = make_poll(anonymous=True, results_visibility="always")
    assert chosen.body["results_visibility"] == "always"


def test_the_page_says_how_many_ballots_wait(make_poll):
    world = secret_world(make_poll, members=MEMBERS[:7], results_visibility="always")
    for name in MEMBERS[:7]:
        world.vote(world.member(name), 0)
    page = world.member("成员0").get(f"/p/{world.pid}", headers=EN).get_data(as_text=True)
    assert "Ballots waiting to be counted: 2. Secret ballots are counted in batches of 5" in page
    assert "Votes are secret: nobody, organisers included" in page
    live = world.member("成员0").get(f"/p/{world.pid}/live.json", headers=EN).get_json()
    assert live["pending_label"].startswith("Ballots waiting to be counted: 2.")
    assert [o["votes"] for o in live["options"]] == [5, 0, 0]
    world.owner.post(f"/api/v1/polls/{world.pid}/close")
    closed = world.member("成员0").get(f"/p/{world.pid}", headers=EN).get_data(as_text=True)
    assert "Ballots waiting to be counted" not in closed
    assert "7 votes · 100%" in closed


def test_the_new_poll_form_leaves_visibility_to_the_kind_of_poll(app, owner_phone):
    phone, gid = owner_phone
    form = phone.get(f"/g/{gid}/polls/new", headers=EN).get_data(as_text=True)
    assert 'name="results_visibility" value="" checked' in form and "Automatic" in form
    secret = created_pid(create(phone, gid, anonymous="1", results_visibility=""))
    plain = created_pid(create(phone, gid, results_visibility=""))
    chosen = created_pid(create(phone, gid, anonymous="1", results_visibility="managers"))
    with app.app_context():
        stored = dict(db.session.execute(select(Poll.public_id, Poll.results_visibility)).all())
    assert (stored[secret], stored[plain], stored[chosen]) == ("after_close", "always", "managers")
