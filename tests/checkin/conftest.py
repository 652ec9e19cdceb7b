"""Check-in factories: a group in a chosen time zone whose members joined when the test
says, habits made through the service, and check-ins at a chosen instant (`now`)."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from grouptools.checkin import checkins, service, stats
from grouptools.core.groups.service import create_group, join_group, remove_member
from grouptools.core.models import Membership
from grouptools.core.people.service import create_person
from grouptools.extensions import db

EARLY = datetime(2025, 1, 1, tzinfo=timezone.utc)


def at(text, zone="+08:00"):
    """An instant from a local wall-clock time with its offset: at("2026-03-02 06:00")."""
    return datetime.fromisoformat(f"{text}{zone}")


class HabitWorld:
    """A group (owner 群主) in `zone`; `member(name)` joins one; `habit(**settings)` makes a
    habit as the owner; `check_in(person, habit, now, **body)` checks in at `now`."""

    def __init__(self, zone):
        self.owner, _ = create_person("群主")
        self.group = create_group(self.owner, name="跑步群", timezone=zone)
        self.set_joined(self.owner, EARLY)

    def membership(self, person):
        return db.session.scalar(select(Membership).where(
            Membership.group_id == self.group.id, Membership.person_id == person.id))

    def set_joined(self, person, when):
        self.membership(person).joined_at = when
        db.session.commit()

    def member(self, name, joined=EARLY):
        person, _ = create_person(name)
        join_group(person, self.group)
        self.set_joined(person, joined)
        return person

    def remove(self, person):
        remove_member(self.owner, self.group, self.membership(person))

    def habit(self, **settings):
        return service.create_habit(self.owner, self.group, **{"title": "晨跑", **settings})

    def check_in(self, person, habit, now, **body):
        return checkins.check_in(person, habit, now=now, **body)

    def me(self, person, habit, now):
        return service.habit_state(person, habit, now=now).me

    def stats(self, habit, now, person=None):
        return stats.habit_stats(person or self.owner, habit, now=now)


@pytest.fixture
def world(app):
    """world(zone="Asia/Shanghai") inside an app and request context."""
    with app.app_context(), app.test_request_context():
        yield lambda zone="Asia/Shanghai": HabitWorld(zone)
        db.session.remove()
