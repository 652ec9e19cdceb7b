"""Member-card factories: a group with members and cards set up through the API."""
import pytest

SETTINGS = {
    "fields": [
        {"key": "name", "required": True},
        {"key": "phone", "private": True, "required": True},
        {"key": "company"},
        {"key": "city"},
        {"key": "wechat", "private": True},
        {"key": "intro"},
    ],
    "display_name_format": "{company}-{name}",
    "folder_visibility": "members",
}


class CardWorld:
    """A group (owner 群主, members by name) whose member cards are set up."""

    def __init__(self, gid, owner, people):
        self.gid, self.owner, self.people = gid, owner, people

    def member(self, name):
        return self.owner if name == "群主" else self.people[name][0]

    def member_id(self, name):
        return self.people[name][1]

    @property
    def base(self):
        return f"/api/v1/groups/{self.gid}"

    def settings(self, person=None, **changes):
        return (person or self.owner).call("PUT", f"{self.base}/card-settings",
                                           json={**SETTINGS, **changes})

    def save(self, person, values, public=None):
        body = {"values": values}
        if public is not None:
            body["public"] = public
        return person.call("PUT", f"{self.base}/cards/me", json=body)

    def fill(self, who, public=None, **values):
        response = self.save(self.member(who), values, public)
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    def folder(self, person=None, **query):
        return (person or self.owner).get(f"{self.base}/cards", query_string=query)

    def remove(self, name):
        response = self.owner.delete(f"{self.base}/members/{self.member_id(name)}")
        assert response.status_code == 204


@pytest.fixture
def make_cards(group_with):
    """make_cards(members=[...], admins=[...], settings={...}) → CardWorld."""

    def make(members=("甲", "乙"), admins=(), settings=None, group=None):
        gid, owner, people = group_with(members=members, admins=admins, **(group or {}))
        world = CardWorld(gid, owner, people)
        if settings is not False:
            response = world.settings(**(settings or {}))
            assert response.status_code == 200, response.get_json()
        return world

    return make
