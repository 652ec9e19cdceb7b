"""Several app servers on one database, as docs/architecture.md promises: two gunicorn
servers on two loopback ports share the test database (PostgreSQL, or one SQLite file —
also a real deployment on one host) and one Redis for rate limits. Members write through
both at once, each action sent to both servers; afterwards every rule the database keeps
still holds, and a sign-in or session made on one server is honoured by the other."""
import random
import re
from contextlib import ExitStack
from datetime import date

import pytest
import requests
from sqlalchemy import func, select

from grouptools.checkin.models import Checkin, Habit
from grouptools.core.models import Group, Membership
from grouptools.extensions import db
from grouptools.notice.models import Notice, NoticeReceipt
from grouptools.poll.models import Participation, Poll, Vote
from grouptools.relay.models import Relay, RelayEntry
from tests.conftest import running_server
from tests.servers import call, group_of_members, in_parallel, redis_installed, running_redis

pytestmark = [pytest.mark.server, pytest.mark.scaleout]

MEMBERS, CAPACITY = 24, 10
# Low enough to reach in a test, high enough for the writers (each makes one group at most).
GROUP_LIMIT = 4


@pytest.fixture(scope="module")
def two_servers(app, database_url, tmp_path_factory):
    """(server A, server B, whether they share a Redis): two workers each."""
    folder = tmp_path_factory.mktemp("scaleout")
    with ExitStack() as stack:
        settings = {"GROUPTOOLS_RATELIMIT_CREATE_GROUP": f"{GROUP_LIMIT} per hour"}
        if redis_installed():
            settings.update(GROUPTOOLS_RATELIMIT_ENABLED="1",
                            GROUPTOOLS_RATELIMIT_STORAGE_URL=stack.enter_context(
                                running_redis(folder)))
        servers = [stack.enter_context(running_server(
            database_url, folder / f"instance-{name}", folder / f"gunicorn-{name}.log",
            workers=2, **settings)) for name in "ab"]
        yield (*servers, redis_installed())


def _widgets(base, gid, owner):
    made = {}
    for kind, path, body in (
            ("poll", "polls", {"title": "聚餐选哪家", "options": [{"text": t} for t in "甲乙丙"]}),
            ("relay", "relays", {"title": "周六羽毛球", "capacity": CAPACITY}),
            ("notice", "notices", {"title": "周六改时间", "body": "请确认"}),
            ("habit", "habits", {"title": "每天读书"})):
        response = call(base, "POST", f"/api/v1/groups/{gid}/{path}", owner, body)
        assert response.status_code == 201, response.text
        made[kind] = response.json()
    return made


def test_writers_on_two_servers_at_once_keep_every_rule(app, two_servers):
    a, b, _ = two_servers
    gid, owner, tokens = group_of_members(app, MEMBERS)
    made = _widgets(a, gid, owner)
    pid, rid = made["poll"]["id"], made["relay"]["id"]
    nid, hid = made["notice"]["id"], made["habit"]["id"]
    options = [o["id"] for o in made["poll"]["options"]]

    jobs = []
    for i, token in enumerate(tokens):
        for base in (a, b):  # every action twice, once through each server
            jobs += [
                lambda t=token, s=base, o=options[i % 3]: call(s, "POST", f"/api/v1/polls/{pid}/votes", t,
                                                              {"option_ids": [o]}),
                lambda t=token, s=base: call(s, "POST", f"/api/v1/relays/{rid}/entries", t, {"values": {}}),
                lambda t=token, s=base: call(s, "POST", f"/api/v1/notices/{nid}/confirm", t),
                lambda t=token, s=base: call(s, "POST", f"/api/v1/habits/{hid}/checkins", t, {}),
            ]
    random.Random(7).shuffle(jobs)
    answers = in_parallel(jobs)
    assert {r.status_code for r in answers} <= {200, 201, 409}, \
        [(r.status_code, r.text) for r in answers if r.status_code not in (200, 201, 409)]

    # What the members were told adds up: each action was taken once per member.
    by_path = {}
    for r in answers:
        by_path.setdefault(re.sub(r"^https?://[^/]+", "", r.url), []).append(r.status_code)
    # The same choice sent again within a minute of a first vote is a double tap, and is
    # told what the first was told (201): one vote stored per member all the same.
    assert by_path[f"/api/v1/polls/{pid}/votes"].count(201) == 2 * MEMBERS
    assert by_path[f"/api/v1/relays/{rid}/entries"].count(201) == MEMBERS
    assert by_path[f"/api/v1/notices/{nid}/confirm"].count(201) == MEMBERS
    assert by_path[f"/api/v1/habits/{hid}/checkins"].count(201) == MEMBERS

    with app.app_context():
        _check_every_rule(gid, pid, rid, nid, hid)

    # Both servers tell the organiser the same.
    relay_a, relay_b = (call(s, "GET", f"/api/v1/relays/{rid}", owner).json() for s in (a, b))
    assert relay_a["taken"] == relay_b["taken"] == CAPACITY
    assert relay_a["waitlist_count"] == relay_b["waitlist_count"] == MEMBERS - CAPACITY
    results = call(b, "GET", f"/api/v1/polls/{pid}/results", owner).json()
    assert results["voter_count"] == MEMBERS and sum(o["votes"] for o in results["options"]) == MEMBERS


def _check_every_rule(gid, pid, rid, nid, hid):
    """The invariants, read from the database itself."""
    group_id = db.session.scalar(select(Group.id).where(Group.public_id == gid))
    members = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.group_id == group_id))
    assert members == MEMBERS + 1
    poll = db.session.scalar(select(Poll).where(Poll.public_id == pid))
    relay = db.session.scalar(select(Relay).where(Relay.public_id == rid))
    notice = db.session.scalar(select(Notice).where(Notice.public_id == nid))
    habit = db.session.scalar(select(Habit).where(Habit.public_id == hid))

    def most_per_member(model, *where):
        counts = db.session.scalars(select(func.count()).select_from(model).where(*where)
                                    .group_by(model.membership_id)).all()
        return len(counts), max(counts)

    # One vote per member, and the counters agree with the votes.
    assert most_per_member(Participation, Participation.poll_id == poll.id) == (MEMBERS, 1)
    assert most_per_member(Vote, Vote.poll_id == poll.id) == (MEMBERS, 1)
    assert poll.voter_count == MEMBERS
    assert sum(option.votes for option in poll.options) == MEMBERS
    # Never above capacity: numbers 1…capacity, the rest waiting in an unbroken line.
    entries = db.session.scalars(select(RelayEntry).where(RelayEntry.relay_id == relay.id)).all()
    assert most_per_member(RelayEntry, RelayEntry.relay_id == relay.id) == (MEMBERS, 1)
    confirmed = sorted(e.confirmed_seq for e in entries if e.status == "confirmed")
    waiting = sorted(e.waitlist_seq for e in entries if e.status == "waitlisted")
    assert relay.taken == len(confirmed) == CAPACITY
    assert len(confirmed) == len(set(confirmed)) and len(waiting) == MEMBERS - CAPACITY
    # One receipt per member (the organiser's too: publishing read it), every member's confirmed.
    assert most_per_member(NoticeReceipt, NoticeReceipt.notice_id == notice.id) == (MEMBERS + 1, 1)
    assert db.session.scalar(select(func.count()).select_from(NoticeReceipt).where(
        NoticeReceipt.notice_id == notice.id, NoticeReceipt.confirmed_at.is_not(None))) == MEMBERS
    # One check-in per member per day.
    days = db.session.execute(select(Checkin.membership_id, Checkin.day).where(
        Checkin.habit_id == habit.id)).all()
    assert len(days) == len(set(days)) == MEMBERS
    assert all(isinstance(day, date) for _, day in days)


def _form_csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_a_sign_in_on_one_server_is_honoured_by_the_other(two_servers):
    a, b, _ = two_servers
    person = call(a, "POST", "/api/v1/people", json={"name": "两台手机"}).json()
    link = call(a, "GET", "/api/v1/me/signin-link", person["token"]).json()["url"]
    path = re.sub(r"^https?://[^/]+", "", link)

    phone, tablet = requests.Session(), requests.Session()
    for device, shown_by, signed_in_by in ((phone, a, b), (tablet, b, a)):
        page = device.get(f"{shown_by}{path}", timeout=30)  # the confirm page, from one server
        assert page.status_code == 200 and "两台手机" in page.text
        done = device.post(f"{signed_in_by}{path}", data={"csrf_token": _form_csrf(page)},
                           allow_redirects=False, timeout=30)  # confirmed on the other
        assert done.status_code == 303
        for server in (a, b):
            assert device.get(f"{server}/api/v1/me", timeout=30).json()["id"] == person["id"]

    # A CSRF token handed out by one server is good for a cookie write on the other.
    token = phone.get(f"{a}/api/v1/csrf", timeout=30).json()["csrf_token"]
    renamed = phone.patch(f"{b}/api/v1/me", json={"name": "换了名字"},
                          headers={"X-CSRFToken": token}, timeout=30)
    assert renamed.status_code == 200
    assert tablet.get(f"{a}/api/v1/me", timeout=30).json()["name"] == "换了名字"

    # Signing out everywhere through one server ends the other device's session on both.
    token = phone.get(f"{b}/api/v1/csrf", timeout=30).json()["csrf_token"]
    assert phone.post(f"{b}/api/v1/me/signout-everywhere", headers={"X-CSRFToken": token},
                      timeout=30).status_code == 200
    for server in (a, b):
        assert tablet.get(f"{server}/api/v1/me", timeout=30).status_code == 401
        assert phone.get(f"{server}/api/v1/me", timeout=30).status_code == 200


def test_rate_limits_are_counted_once_across_both_servers(two_servers):
    a, b, shared = two_servers
    assert shared, ("redis-server is not installed: the servers cannot share rate limits "
                    "(tools/system-packages.sh test installs it; -m 'not scaleout' leaves this out)")
    token = call(a, "POST", "/api/v1/people", json={"name": "建群狂人"}).json()["token"]
    answers = [call(server, "POST", "/api/v1/groups", token, {"name": f"群{i}"})
               for i, server in enumerate([a, b] * GROUP_LIMIT)]
    codes = [r.status_code for r in answers]
    # Alternating servers and their workers, the person gets the limit once, not per process.
    assert codes == [201] * GROUP_LIMIT + [429] * GROUP_LIMIT, codes
    assert answers[-1].json()["code"] == 429
