"""Check-ins arriving at once through gunicorn with 4 workers, on SQLite and PostgreSQL:
a double (or octuple) tap makes one check-in, a member's make-ups sent at once never
exceed the month's allowance, many members at once are all counted, nothing 500."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from grouptools.core.models import Group, Membership
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from tests.poll.test_race import at_once, group_with_members

pytestmark = pytest.mark.server


def new_habit(owner, gid, **settings):
    response = owner.call("POST", f"/api/v1/groups/{gid}/habits",
                          {"title": "并发打卡", "milestones": [1], **settings})
    assert response.status_code == 201, response.text
    return response.json()


def test_one_member_tapping_eight_times_at_once_checks_in_once(live_server):
    owner, gid, (member,) = group_with_members(live_server, 1)
    habit = new_habit(owner, gid)
    path = f"/api/v1/habits/{habit['id']}/checkins"
    responses = at_once([(lambda: member.call("POST", path, {"text": "打卡"}))] * 8)
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    earned = [a["days"] for r in responses for a in r.json()["achievements"]]
    assert earned == [1]  # the milestone, once
    me = member.call("GET", f"/api/v1/habits/{habit['id']}").json()["me"]
    assert (me["total_days"], me["done_today"]) == (1, True)
    assert len(owner.call("GET", f"/api/v1/habits/{habit['id']}/achievements").json()) == 1


def test_make_ups_sent_at_once_keep_to_the_allowance(app, live_server):
    owner, gid, (member,) = group_with_members(live_server, 1)
    habit = new_habit(owner, gid, makeups_per_month=1, makeup_days_back=3)
    # The member's own days start at joining: they joined a week ago.
    with app.app_context():
        db.session.execute(update(Membership).where(
            Membership.group_id == select(Group.id).where(Group.public_id == gid)
            .scalar_subquery()).values(joined_at=utcnow() - timedelta(days=7)))
        db.session.commit()
    today = date.fromisoformat(habit["today"])
    days = [today - timedelta(days=back) for back in (1, 2, 3)]
    path = f"/api/v1/habits/{habit['id']}/checkins"
    responses = at_once([(lambda d=d: member.call("POST", path, {"date": d.isoformat()}))
                         for d in days for _ in range(2)])
    assert all(r.status_code in (200, 201, 409) for r in responses), [r.text for r in responses]
    made = {r.json()["date"] for r in responses if r.status_code in (200, 201)}
    months = [d[:7] for d in made]
    assert made and len(months) == len(set(months)), made  # one make-up a month, at most
    calendar = member.call("GET", f"/api/v1/habits/{habit['id']}/calendar?month={today:%Y-%m}")
    assert len(calendar.json()["days"]) == sum(m == f"{today:%Y-%m}" for m in months)


def test_thirty_members_checking_in_at_once_are_all_counted(live_server):
    owner, gid, members = group_with_members(live_server, 30)
    habit = new_habit(owner, gid)
    path = f"/api/v1/habits/{habit['id']}/checkins"
    responses = at_once([(lambda m=m: m.call("POST", path, {})) for m in members])
    assert [r.status_code for r in responses] == [201] * 30, [r.text for r in responses]
    stats = owner.call("GET", f"/api/v1/habits/{habit['id']}/stats").json()
    assert (stats["done_count"], stats["member_count"], len(stats["leaderboard"])) == (30, 31, 30)
