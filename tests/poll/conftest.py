"""Poll factories: a group with members and a poll made through the API, pictures
uploaded the way a phone uploads them."""
import io

import pytest
from PIL import Image

from tests.conftest import bearer

OPTIONS = [{"text": "爬山"}, {"text": "看电影"}, {"text": "吃火锅"}]


def png_bytes(colour=(200, 80, 60), size=(64, 48)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def upload_picture(person, gid, colour=(200, 80, 60)):
    """An image stored for the group through POST /api/v1/images; its public id."""
    response = person.client.post(
        "/api/v1/images", headers=bearer(person.token),
        data={"file": (io.BytesIO(png_bytes(colour)), "photo.png"), "group_id": gid},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


class PollWorld:
    """A group (owner 群主, members by name) with one poll: `.pid`, `.owner`, `.member(name)`."""

    def __init__(self, gid, owner, people, pid, body):
        self.gid, self.owner, self.people, self.pid, self.body = gid, owner, people, pid, body

    def member(self, name):
        return self.people[name][0]

    def member_id(self, name):
        return self.people[name][1]

    def option_ids(self):
        return [o["id"] for o in self.body["options"]]

    def vote(self, person, *indexes):
        ids = self.option_ids()
        return person.post(f"/api/v1/polls/{self.pid}/votes",
                           json={"option_ids": [ids[i] for i in indexes]})

    def get(self, person):
        return person.get(f"/api/v1/polls/{self.pid}")

    def results(self, person):
        return person.get(f"/api/v1/polls/{self.pid}/results")


@pytest.fixture
def make_poll(group_with):
    """make_poll(members=[...], admins=[...], group={settings}, **poll settings)."""

    def make(members=("甲", "乙", "丙"), admins=(), group=None, **settings):
        gid, owner, people = group_with(members=members, admins=admins, **(group or {}))
        body = {"title": "周末去哪儿", "options": OPTIONS, **settings}
        response = owner.post(f"/api/v1/groups/{gid}/polls", json=body)
        assert response.status_code == 201, response.get_json()
        created = response.get_json()
        return PollWorld(gid, owner, people, created["id"], created)

    return make
