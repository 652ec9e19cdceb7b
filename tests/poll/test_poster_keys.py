"""A widget's poster and QR code, once drawn, are answered after one light statement
(core.share.send_keyed_picture): their ETags still move with everything they show, and
a change that does not show on them (a vote) neither changes the ETag nor redraws."""
import io

from PIL import Image

from grouptools.core import posters
from tests.conftest import statements_run
from tests.core.test_share import zbar
from tests.poll.test_api import pass_deadline, soon

ZH, EN = {"Accept-Language": "zh-CN"}, {"Accept-Language": "en"}


def poster(person, pid, etag=None, **headers):
    if etag:
        headers["If-None-Match"] = etag
    return person.get(f"/p/{pid}/poster.png", headers=headers)


def selects(seen):
    return len([s for s in seen if s.lstrip().upper().startswith("SELECT")])


def test_a_vote_neither_changes_the_poster_nor_redraws_it(make_poll, monkeypatch):
    world = make_poll(members=("甲", "乙"))
    drawn = []
    original = posters.draw_poster
    monkeypatch.setattr(posters, "draw_poster",
                        lambda content: drawn.append(1) or original(content))
    first = poster(world.member("甲"), world.pid)
    assert first.status_code == 200 and len(drawn) == 1
    app = world.owner.client.application
    with statements_run(app) as seen:
        assert poster(world.member("乙"), world.pid).data == first.data
    assert selects(seen) == 2  # the asker's identity, then the one deciding the poster
    assert world.vote(world.member("甲"), 0).status_code == 201
    same = poster(world.member("乙"), world.pid, first.headers["ETag"])
    assert same.status_code == 304 and same.headers["ETag"] == first.headers["ETag"]
    assert len(drawn) == 1


def test_a_renamed_poll_or_group_and_a_language_change_the_poster(make_poll):
    world = make_poll(members=("甲",))
    first = poster(world.owner, world.pid, **ZH)
    assert poster(world.owner, world.pid, first.headers["ETag"], **ZH).status_code == 304
    english = poster(world.owner, world.pid, first.headers["ETag"], **EN)
    assert english.status_code == 200 and english.headers["ETag"] != first.headers["ETag"]
    assert world.owner.patch(f"/api/v1/polls/{world.pid}",
                             json={"title": "周六去哪里"}).status_code == 200
    renamed = poster(world.owner, world.pid, first.headers["ETag"], **ZH)
    assert renamed.status_code == 200 and renamed.headers["ETag"] != first.headers["ETag"]
    assert world.owner.patch(f"/api/v1/groups/{world.gid}",
                             json={"name": "新的群名"}).status_code == 200
    group_renamed = poster(world.owner, world.pid, renamed.headers["ETag"], **ZH)
    assert group_renamed.status_code == 200
    assert group_renamed.headers["ETag"] != renamed.headers["ETag"]


def test_a_passing_deadline_changes_the_poster(make_poll, app):
    world = make_poll(members=("甲",), deadline=soon())
    first = poster(world.owner, world.pid)
    pass_deadline(app, world.pid)  # nothing writes: only the clock moved
    closed = poster(world.owner, world.pid, first.headers["ETag"])
    assert closed.status_code == 200 and closed.headers["ETag"] != first.headers["ETag"]


def test_the_qr_code_keeps_its_link_and_size_and_unknown_ids_stay_404(make_poll, tmp_path):
    world = make_poll(members=("甲",))
    path = f"/p/{world.pid}/qr.png"
    for _ in range(2):
        default = world.member("甲").get(path)
        small = world.member("甲").get(path + "?size=200")
        assert zbar(default.data, tmp_path) == [f"http://localhost/p/{world.pid}"]
        assert Image.open(io.BytesIO(default.data)).width == 512
        assert Image.open(io.BytesIO(small.data)).width == 200
    assert world.member("甲").get("/p/ZZZZZZZZZZ/qr.png").status_code == 404
    assert world.member("甲").get("/p/ZZZZZZZZZZ/poster.png").status_code == 404


def test_a_signed_in_browser_gets_a_drawn_qr_code_without_its_person_being_read(
        make_poll, app):
    from tests.core.test_identity import sign_up_in_browser

    world = make_poll(members=("甲",))
    browser = app.test_client()
    sign_up_in_browser(browser, name="路人")
    first = browser.get(f"/p/{world.pid}/qr.png")
    assert first.status_code == 200
    with statements_run(app) as seen:
        again = browser.get(f"/p/{world.pid}/qr.png")
    assert again.status_code == 200 and again.data == first.data
    # Only the statement that decides the picture: a QR code is the same for everyone.
    assert selects(seen) == 1 and not any("FROM person" in s for s in seen)
    assert browser.get("/api/v1/me").get_json()["name"] == "路人"  # still signed in
