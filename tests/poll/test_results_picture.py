"""The results picture (/p/<pid>/results.png) shows, on an open ballot, the avatars of
each option's voters — the same colour and initial as on the pages — and on a secret
ballot none at all."""
import io

import pytest
from PIL import Image

from grouptools.core.avatars import avatar_colour, colour_index
from grouptools.poll import picture


@pytest.fixture
def drawn_avatars(monkeypatch):
    """(seed, name) of every avatar the results picture draws while the test runs."""
    calls = []
    original = picture.paste_round_avatar

    def spy(image, xy, seed, name, size):
        calls.append((seed, name))
        return original(image, xy, seed, name, size)

    monkeypatch.setattr(picture, "paste_round_avatar", spy)
    picture._drawn.clear()
    return calls


def test_an_open_ballot_shows_each_options_voters_as_their_avatars(make_poll, drawn_avatars):
    world = make_poll(members=("甲", "乙", "丙"))
    for name, option in (("甲", 0), ("乙", 0), ("丙", 1)):
        assert world.vote(world.member(name), option).status_code == 201
    response = world.member("甲").get(f"/p/{world.pid}/results.png")
    assert response.status_code == 200
    person = {name: world.member(name).get("/api/v1/me").get_json()["id"]
              for name in ("甲", "乙", "丙")}
    assert drawn_avatars == [(person["甲"], "甲"), (person["乙"], "乙"), (person["丙"], "丙")]
    drawn = Image.open(io.BytesIO(response.data)).convert("RGB")
    colours = set(drawn.get_flattened_data())
    for name in ("甲", "乙", "丙"):
        assert avatar_colour(person[name]) in colours
    # The same avatar the pages show: the person's colour.
    page = world.member("甲").get(f"/p/{world.pid}").get_data(as_text=True)
    assert f"avatar-c{colour_index(person['丙'])}" in page


def test_more_voters_than_fit_are_counted_after_the_avatars(make_poll, drawn_avatars):
    names = tuple(f"成员{i}" for i in range(20))
    world = make_poll(members=names)
    for name in names:
        world.vote(world.member(name), 2)
    assert world.member("成员0").get(f"/p/{world.pid}/results.png").status_code == 200
    assert 0 < len(drawn_avatars) < 20
    assert drawn_avatars[0] == (world.member("成员0").get("/api/v1/me").get_json()["id"], "成员0")


def test_a_secret_ballot_draws_no_avatar(make_poll, drawn_avatars):
    world = make_poll(members=("甲", "乙"), anonymous=True, results_visibility="always")
    for name in ("甲", "乙"):
        assert world.vote(world.member(name), 0).status_code == 201
    response = world.owner.get(f"/p/{world.pid}/results.png")
    assert response.status_code == 200 and drawn_avatars == []


def test_a_renamed_voter_gets_a_new_picture(make_poll):
    world = make_poll(members=("甲",))
    world.vote(world.member("甲"), 0)
    first = world.owner.get(f"/p/{world.pid}/results.png")
    assert world.member("甲").patch("/api/v1/me", json={"name": "甲乙"}).status_code == 200
    second = world.owner.get(f"/p/{world.pid}/results.png",
                             headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
