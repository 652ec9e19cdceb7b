"""The results picture, once drawn, is answered after one light statement
(core.share.send_keyed_picture): its ETag still moves with everything it shows, and
whoever may not see it is still refused, however often others have fetched it."""
from tests.conftest import statements_run

ZH, EN = {"Accept-Language": "zh-CN"}, {"Accept-Language": "en"}


def picture(person, pid, etag=None, **headers):
    if etag:
        headers["If-None-Match"] = etag
    return person.get(f"/p/{pid}/results.png", headers=headers)


def test_a_drawn_picture_costs_one_statement_after_the_askers_and_a_vote_redraws_it(make_poll):
    world = make_poll(members=("甲", "乙"))
    world.vote(world.member("甲"), 0)
    first = picture(world.member("甲"), world.pid)
    assert first.status_code == 200
    app = world.owner.client.application
    with statements_run(app) as seen:
        again = picture(world.member("乙"), world.pid)
    assert again.status_code == 200 and again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    # The asker's identity, then the one statement that decides the picture.
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 2
    with statements_run(app) as seen:
        assert picture(world.member("乙"), world.pid, first.headers["ETag"]).status_code == 304
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 2
    world.vote(world.member("乙"), 1)
    changed = picture(world.member("甲"), world.pid, first.headers["ETag"])
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert changed.data != first.data


def test_each_language_gets_its_own_picture(make_poll):
    world = make_poll(members=("甲",))
    world.vote(world.member("甲"), 0)
    chinese = picture(world.member("甲"), world.pid, **ZH)
    english = picture(world.member("甲"), world.pid, **EN)
    assert chinese.headers["ETag"] != english.headers["ETag"] and chinese.data != english.data
    assert picture(world.member("甲"), world.pid, chinese.headers["ETag"], **ZH).status_code == 304
    assert picture(world.member("甲"), world.pid, chinese.headers["ETag"], **EN).status_code == 200


def test_a_renamed_group_and_a_closed_poll_get_new_pictures(make_poll):
    world = make_poll(members=("甲",))
    first = picture(world.owner, world.pid)
    assert world.owner.patch(f"/api/v1/groups/{world.gid}",
                             json={"name": "新的群名"}).status_code == 200
    renamed = picture(world.owner, world.pid, first.headers["ETag"])
    assert renamed.status_code == 200 and renamed.headers["ETag"] != first.headers["ETag"]
    assert world.owner.post(f"/p/{world.pid}/close").status_code in (302, 303)
    closed = picture(world.owner, world.pid, renamed.headers["ETag"])
    assert closed.status_code == 200 and closed.headers["ETag"] != renamed.headers["ETag"]


def test_those_who_may_not_see_it_are_refused_after_others_fetched_it(make_poll, user, app):
    world = make_poll(members=("甲", "乙"), results_visibility="after_vote")
    world.vote(world.member("甲"), 0)
    shown = picture(world.member("甲"), world.pid)
    assert shown.status_code == 200
    # 乙 has not voted: the results stay hidden from them, ETag or not.
    assert picture(world.member("乙"), world.pid).status_code == 403
    assert picture(world.member("乙"), world.pid, shown.headers["ETag"]).status_code == 403
    assert picture(user("路人"), world.pid, shown.headers["ETag"]).status_code == 404
    assert app.test_client().get(f"/p/{world.pid}/results.png").status_code == 401
    # A member who left is a stranger again.
    assert world.member("甲").delete(
        f"/api/v1/groups/{world.gid}/members/me").status_code == 204
    assert picture(world.member("甲"), world.pid, shown.headers["ETag"]).status_code == 404
    # Once 乙 votes, they see it.
    world.vote(world.member("乙"), 1)
    assert picture(world.member("乙"), world.pid).status_code == 200
