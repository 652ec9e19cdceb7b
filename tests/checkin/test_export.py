"""A habit in the owner's export of the group: every check-in with its photos in their
order, read in as many statements for many check-ins as for one."""
from tests.conftest import statements_run
from tests.core.test_images import encode, photo
from tests.core.test_uploads import upload


def check_in_with_photos(person, gid, hid, colours):
    ids = [upload(person, encode(photo(colour=c), "JPEG"), group_id=gid).get_json()["id"]
           for c in colours]
    response = person.post(f"/api/v1/habits/{hid}/checkins", json={"image_ids": ids})
    assert response.status_code == 201, response.get_json()
    return ids


def exported_checkins(owner, gid):
    habits = owner.get(f"/api/v1/groups/{gid}/export.json").get_json()["widgets"]["habits"]
    return habits[0]["checkins"]


def test_the_export_lists_each_check_in_with_its_photos_in_order(app, group_with):
    gid, owner, people = group_with(members=[f"成员{n}" for n in range(4)])
    hid = owner.post(f"/api/v1/groups/{gid}/habits", json={
        "title": "每天拍一张天空", "proof": "photo"}).get_json()["id"]
    first = check_in_with_photos(people["成员0"][0], gid, hid, [(200, 40, 40), (40, 200, 40)])
    with statements_run(app) as one:
        assert [len(c["images"]) for c in exported_checkins(owner, gid)] == [2]
    others = {name: check_in_with_photos(people[name][0], gid, hid, [(40, 40, 200)])
              for name in ("成员1", "成员2", "成员3")}
    with statements_run(app) as four:
        checkins = exported_checkins(owner, gid)
    photos = {c["name"]: [image["id"] for image in c["images"]] for c in checkins}
    assert photos == {"成员0": first, **others}
    assert all(image["url"].startswith("http") for c in checkins for image in c["images"])
    assert len(four) == len(one)
