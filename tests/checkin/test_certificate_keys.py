"""A certificate's picture, once drawn, is answered after one light statement
(core.share.send_keyed_picture): its ETag still moves with everything it shows (the
earner's name, the habit's title, the group's name, the language), and whoever may not
see it is still refused after others fetched it."""
from tests.checkin.test_certificates import earned, path_of  # noqa: F401 (a fixture)
from tests.conftest import statements_run


def picture(person, achievement, etag=None, **headers):
    if etag:
        headers["If-None-Match"] = etag
    return person.get(path_of(achievement["card_url"]), headers=headers)


def selects(seen):
    return len([s for s in seen if s.lstrip().upper().startswith("SELECT")])


def test_a_drawn_certificate_costs_one_statement_and_renames_change_it(earned):  # noqa: F811
    hid, owner, people, achievement, gid = earned
    member, runner = people["乙"][0], people["张小明"][0]
    first = picture(member, achievement)
    assert first.status_code == 200
    with statements_run(owner.client.application) as seen:
        assert picture(member, achievement, first.headers["ETag"]).status_code == 304
    assert selects(seen) == 2  # the asker's identity, then the one deciding the picture
    assert runner.patch("/api/v1/me", json={"name": "张大明"}).status_code == 200
    renamed = picture(member, achievement, first.headers["ETag"])
    assert renamed.status_code == 200 and renamed.headers["ETag"] != first.headers["ETag"]
    retitle = owner.patch(f"/api/v1/habits/{hid}", json={"title": "每天跑步 10 公里"})
    assert retitle.status_code == 200
    retitled = picture(member, achievement, renamed.headers["ETag"])
    assert retitled.status_code == 200 and retitled.headers["ETag"] != renamed.headers["ETag"]
    assert owner.patch(f"/api/v1/groups/{gid}", json={"name": "夜跑群"}).status_code == 200
    regrouped = picture(member, achievement, retitled.headers["ETag"])
    assert regrouped.status_code == 200 and regrouped.headers["ETag"] != retitled.headers["ETag"]
    chinese = picture(member, achievement, regrouped.headers["ETag"],
                      **{"Accept-Language": "zh-CN"})
    assert chinese.status_code == 200 and chinese.headers["ETag"] != regrouped.headers["ETag"]


def test_strangers_are_refused_after_members_fetched_it_and_the_earner_keeps_it(
        earned, user, app):  # noqa: F811
    hid, owner, people, achievement, gid = earned
    shown = picture(people["乙"][0], achievement)
    assert shown.status_code == 200
    assert picture(user("路人"), achievement, shown.headers["ETag"]).status_code == 404
    assert app.test_client().get(path_of(achievement["card_url"])).status_code == 401
    member, runner = people["乙"][0], people["张小明"][0]
    assert member.delete(f"/api/v1/groups/{gid}/members/me").status_code == 204
    assert picture(member, achievement, shown.headers["ETag"]).status_code == 404
    assert runner.delete(f"/api/v1/groups/{gid}/members/me").status_code == 204
    assert picture(runner, achievement).status_code == 200  # still theirs after leaving
