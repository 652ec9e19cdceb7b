"""Notice factories: a group with members and a notice published through the API."""
import pytest


class NoticeWorld:
    """A group (owner 群主, members by name) with one notice: `.nid`, `.owner`, `.member(name)`."""

    def __init__(self, gid, owner, people, nid, body):
        self.gid, self.owner, self.people, self.nid, self.body = gid, owner, people, nid, body

    def member(self, name):
        return self.people[name][0]

    def member_id(self, name):
        return self.people[name][1]

    @property
    def path(self):
        return f"/api/v1/notices/{self.nid}"

    def read(self, person):
        return person.get(self.path)

    def confirm(self, person):
        return person.post(f"{self.path}/confirm")

    def receipts(self, person=None):
        return (person or self.owner).get(f"{self.path}/receipts")

    def remove(self, name):
        response = self.owner.delete(f"/api/v1/groups/{self.gid}/members/{self.member_id(name)}")
        assert response.status_code == 204


def names(listed):
    return [member["name"] for member in listed]


@pytest.fixture
def make_notice(group_with):
    """make_notice(members=[...], admins=[...], chosen=[names], group={settings}, **notice)."""

    def make(members=("甲", "乙", "丙"), admins=(), chosen=None, group=None, **settings):
        gid, owner, people = group_with(members=members, admins=admins, **(group or {}))
        body = {"title": "周六活动改期", "body": "改到周日上午十点，地点不变。", **settings}
        if chosen is not None:
            body["audience_member_ids"] = [people[name][1] for name in chosen]
        response = owner.post(f"/api/v1/groups/{gid}/notices", json=body)
        assert response.status_code == 201, response.get_json()
        created = response.get_json()
        return NoticeWorld(gid, owner, people, created["id"], created)

    return make
