"""A member who taps "check in" again, as people do in a busy chat, is answered at once
even while another request is writing: the second tap writes nothing, so on SQLite it
never waits for the writer's turn (core.database.before_the_write)."""
import threading
import time

import pytest
from sqlalchemy import text

from grouptools.checkin import checkins, service
from grouptools.core.groups.service import create_group, join_group
from grouptools.core.people.service import create_person
from grouptools.extensions import db


def test_a_second_tap_is_answered_while_another_request_writes(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the writer's turn is SQLite's: PostgreSQL writers lock rows")
        owner, _ = create_person("群主")
        group = create_group(owner, name="跑步群")
        member, token = create_person("甲")
        join_group(member, group)
        habit = service.create_habit(owner, group, title="晨跑")
        checkins.check_in(member, habit)
        hid = habit.public_id
    holding, release = threading.Event(), threading.Event()

    def hold_the_turn():
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(text("UPDATE person SET name = name"))
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_turn)
    holder.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        again = app.test_client().post(f"/api/v1/habits/{hid}/checkins", json={},
                                       headers={"Authorization": f"Bearer {token}"})
        waited = time.monotonic() - started
        still_writing = holder.is_alive()
    finally:
        release.set()
        holder.join()
    assert again.status_code == 200  # "that day was checked in already"
    assert still_writing and waited < 2
