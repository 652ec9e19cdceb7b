"""A member's sign-up or withdrawal at the same moment as another of their writes (a
vote, a confirmation, a check-in) on PostgreSQL: every writer takes its rows in one
order — the widget's rows, the member's row, the group's clock (docs/architecture.md)
— so neither waits for the other in a circle and both land. The other write here is
played on a connection of its own, as a vote's commit runs it: the member's row touched
first, the group's clock moved at its commit while the relay's write waits."""
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text

from grouptools.core.models import Group, Membership
from grouptools.extensions import db
from tests.conftest import bearer
from tests.servers import group_of_members

TOUCH_MEMBER = text("UPDATE membership SET last_active_at = now() WHERE id = :id")
MOVE_CLOCK = text("INSERT INTO group_clock (group_id, widgets_version) VALUES (:id, 1) "
                  "ON CONFLICT (group_id) DO UPDATE "
                  "SET widgets_version = group_clock.widgets_version + 1")
WAITING = text("SELECT count(*) FROM pg_stat_activity "
               "WHERE datname = current_database() AND wait_event_type = 'Lock'")


def _wait_until_one_waits_for_a_lock(connection):
    deadline = time.monotonic() + 20
    while connection.execute(WAITING).scalar() == 0:
        connection.rollback()  # the activity is read once per transaction
        assert time.monotonic() < deadline, "the relay's write never reached the member's row"
        time.sleep(0.02)


@pytest.mark.parametrize("write", ["sign-up", "withdrawal"])
def test_a_relay_write_and_the_same_members_other_write_at_once_both_land(app, write):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")
    gid, owner, (token,) = group_of_members(app, 1)
    client = app.test_client()
    rid = client.post(f"/api/v1/groups/{gid}/relays", headers=bearer(owner),
                      json={"title": "周六羽毛球", "capacity": 5}).get_json()["id"]
    if write == "sign-up":
        def relay_write():
            return app.test_client().post(f"/api/v1/relays/{rid}/entries",
                                          headers=bearer(token), json={"values": {}})
    else:
        eid = client.post(f"/api/v1/relays/{rid}/entries", headers=bearer(token),
                          json={"values": {}}).get_json()["id"]

        def relay_write():
            return app.test_client().delete(f"/api/v1/relays/{rid}/entries/{eid}",
                                            headers=bearer(token))
    with app.app_context():
        member_id, group_id = db.session.execute(
            select(Membership.id, Membership.group_id).join(Group)
            .where(Group.public_id == gid, Membership.role == "member")).one()
        db.session.remove()
        # The connections end (and let go of their locks) before the pool waits for its
        # thread.
        with ThreadPoolExecutor(1) as pool, db.engine.connect() as other, \
                db.engine.connect() as watcher:
            other.execute(TOUCH_MEMBER, {"id": member_id})
            answer = pool.submit(relay_write)
            _wait_until_one_waits_for_a_lock(watcher)
            other.execute(MOVE_CLOCK, {"id": group_id})  # must not wait for the relay's write
            other.commit()
            answered = answer.result(timeout=30)
    assert answered.status_code in (201, 204), answered.get_data(as_text=True)
    entries = client.get(f"/api/v1/relays/{rid}", headers=bearer(owner)).get_json()["entries"]
    assert len(entries) == (1 if write == "sign-up" else 0)
