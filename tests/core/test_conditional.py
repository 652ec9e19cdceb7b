"""ETags of widget pages and answers (core.conditional): what one member holds stops
matching when another member acts, when the roster or a name changes, when the local day
turns; the event's rotating sign-in code is never kept."""
from datetime import datetime, time, timezone

import pytest
from sqlalchemy import select

from grouptools.core.models import Group, Person
from grouptools.core.widgets import registered_widgets
from grouptools.extensions import db


def _sample(app, owner, gid, key):
    with app.app_context():
        kind = next(kind for kind in registered_widgets(app) if kind.key == key)
        person = db.session.scalar(select(Person).where(Person.public_id == owner.id))
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        widget = kind.sample(person, group)
        with app.test_request_context():
            page = kind.page(widget)
        return widget.public_id, page


def _vote(owner, actor, gid, wid):
    option = actor.get(f"/api/v1/polls/{wid}").get_json()["options"][0]["id"]
    return actor.post(f"/api/v1/polls/{wid}/votes", json={"option_ids": [option]})


def _sign_in(owner, actor, gid, wid):
    code = owner.get(f"/api/v1/events/{wid}/code").get_json()["code"]
    return actor.post(f"/api/v1/events/{wid}/signin", json={"code": code})


# What another member does in each kind: (the API's read, the act).
ACTS = {
    "poll": ("/api/v1/polls/{}", _vote),
    "relay": ("/api/v1/relays/{}", lambda owner, actor, gid, wid: actor.post(
        f"/api/v1/relays/{wid}/entries", json={})),
    "notice": ("/api/v1/notices/{}", lambda owner, actor, gid, wid: actor.post(
        f"/api/v1/notices/{wid}/confirm", json={})),
    "checkin": ("/api/v1/habits/{}", lambda owner, actor, gid, wid: actor.post(
        f"/api/v1/habits/{wid}/checkins", json={})),
    "event": ("/api/v1/events/{}", _sign_in),
    "card": ("/api/v1/card-folders/{}", lambda owner, actor, gid, wid: actor.call(
        "PUT", f"/api/v1/groups/{gid}/cards/me", json={"values": {"name": "李四"}})),
}


def test_every_kind_has_an_act_here(app):
    assert {kind.key for kind in registered_widgets(app)} == set(ACTS)


@pytest.mark.parametrize("key", sorted(ACTS))
def test_another_members_act_changes_what_a_member_holds(app, group_with, key):
    gid, owner, people = group_with(members=("张三", "李四"))
    reader, actor = people["张三"][0], people["李四"][0]
    wid, page = _sample(app, owner, gid, key)
    api_path, act = ACTS[key]
    reads = (page, api_path.format(wid), f"/g/{gid}")
    held = {}
    for path in reads:
        first = reader.get(path)
        assert first.status_code == 200, path
        held[path] = first.headers["ETag"]
        assert reader.get(path, headers={"If-None-Match": held[path]}).status_code == 304, path
    answer = act(owner, actor, gid, wid)
    assert answer.status_code in (200, 201), answer.get_json()
    for path, etag in held.items():
        after = reader.get(path, headers={"If-None-Match": etag})
        assert after.status_code == 200 and after.headers["ETag"] != etag, path
        assert reader.get(path, headers={"If-None-Match": after.headers["ETag"]}
                          ).status_code == 304, path


def test_a_refused_act_moves_nothing(app, group_with):
    gid, owner, people = group_with(members=("张三", "李四"))
    reader, actor = people["张三"][0], people["李四"][0]
    wid, page = _sample(app, owner, gid, "poll")
    etag = reader.get(page).headers["ETag"]
    refused = actor.post(f"/api/v1/polls/{wid}/votes", json={"option_ids": ["Zz9Zz9Zz9Z"]})
    assert refused.status_code in (404, 422)
    unchanged = reader.get(page, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    # What a browser needs to keep using what it holds: the same ETag, asked again each
    # time, for this cookie and language only; no body, so no type.
    assert unchanged.headers["ETag"] == etag
    assert unchanged.headers["Cache-Control"] == "private, no-cache"
    assert {"Cookie", "Accept-Language"} <= {
        name.strip() for name in unchanged.headers["Vary"].split(",")}
    assert "Content-Type" not in unchanged.headers
    assert unchanged.headers["X-Content-Type-Options"] == "nosniff"


def test_a_roster_change_or_a_new_name_changes_every_page_of_the_group(app, group_with, user):
    gid, owner, people = group_with(members=("张三",))
    reader = people["张三"][0]
    wid, page = _sample(app, owner, gid, "relay")
    etag = reader.get(page).headers["ETag"]
    user("新人").post(f"/api/v1/groups/{gid}/join", json={})
    joined = reader.get(page, headers={"If-None-Match": etag})
    assert joined.status_code == 200
    etag = joined.headers["ETag"]
    assert reader.get(page, headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.public_id == owner.id))
        person.name = "群主改名"
        db.session.commit()
    assert reader.get(page, headers={"If-None-Match": etag}).status_code == 200


def test_the_event_display_and_its_code_are_never_kept(app, group_with):
    gid, owner, people = group_with(members=("张三",))
    wid, page = _sample(app, owner, gid, "event")
    for path in (f"{page.rstrip('/')}/display", f"/api/v1/events/{wid}/code"):
        first = owner.get(path)
        assert first.status_code == 200, path
        assert first.headers["Cache-Control"] == "no-store" and "ETag" not in first.headers
        again = owner.get(path, headers={"If-None-Match": "*"})
        assert again.status_code == 200 and again.data, path


def test_a_habits_clock_turns_with_the_local_day_and_its_window(app, group_with):
    gid, owner, _ = group_with(timezone="Asia/Shanghai")
    wid, _ = _sample(app, owner, gid, "checkin")
    with app.app_context():
        habit = next(k for k in registered_widgets(app) if k.key == "checkin").model.find(wid)
        before = datetime(2026, 12, 3, 15, 59, tzinfo=timezone.utc)  # 23:59 in Shanghai
        after = datetime(2026, 12, 3, 16, 1, tzinfo=timezone.utc)  # 00:01 the next day
        assert habit.clock(before) != habit.clock(after)
        habit.window_start, habit.window_end = time(6), time(9)
        inside = datetime(2026, 12, 3, 23, 0, tzinfo=timezone.utc)  # 07:00 in Shanghai
        later = datetime(2026, 12, 4, 2, 0, tzinfo=timezone.utc)  # 10:00, the same day
        assert habit.clock(inside) != habit.clock(later)
        db.session.rollback()


def test_a_card_answers_304_until_its_owner_saves_it(app, group_with):
    gid, owner, people = group_with(members=("张三",))
    reader = people["张三"][0]
    _sample(app, owner, gid, "card")  # the owner's card is in it
    cid = owner.get(f"/api/v1/groups/{gid}/cards/me").get_json()["id"]
    for path in (f"/api/v1/cards/{cid}", f"/c/{cid}"):
        etag = reader.get(path).headers["ETag"]
        assert reader.get(path, headers={"If-None-Match": etag}).status_code == 304
        saved = owner.call("PUT", f"/api/v1/groups/{gid}/cards/me",
                           json={"values": {"name": "王小明", "city": path}})
        assert saved.status_code == 200
        assert reader.get(path, headers={"If-None-Match": etag}).status_code == 200, path


def test_new_card_settings_change_the_folder_page(app, group_with):
    gid, owner, people = group_with(members=("张三",))
    reader = people["张三"][0]
    wid, page = _sample(app, owner, gid, "card")
    etag = reader.get(page).headers["ETag"]
    settings = owner.get(f"/api/v1/groups/{gid}/card-settings").get_json()
    fields = [{**f, "label": f["label"] + "！"} if f["key"] == "city" else f
              for f in settings["fields"]]
    saved = owner.call("PUT", f"/api/v1/groups/{gid}/card-settings", json={"fields": fields})
    assert saved.status_code == 200, saved.get_json()
    assert reader.get(page, headers={"If-None-Match": etag}).status_code == 200


def test_the_groups_card_answers_304_until_a_card_or_the_settings_change(app, group_with):
    gid, owner, people = group_with(members=("张三",))
    reader = people["张三"][0]
    _sample(app, owner, gid, "card")
    paths = [f"/api/v1/groups/{gid}/cards", f"/api/v1/groups/{gid}/cards?q=%E5%BC%A0",
             f"/api/v1/groups/{gid}/card-settings"]
    managers = [f"/api/v1/groups/{gid}/cards/incomplete", f"/api/v1/groups/{gid}/cards/export.csv"]
    held = {path: reader.get(path).headers["ETag"] for path in paths}
    held.update({path: owner.get(path).headers["ETag"] for path in managers})
    assert len(set(held.values())) == len(held)  # each address its own answer
    for path, etag in held.items():
        asker = owner if path in managers else reader
        assert asker.get(path, headers={"If-None-Match": etag}).status_code == 304, path
    # A member saves their card: the folder, its search and the incomplete list change.
    saved = reader.call("PUT", f"/api/v1/groups/{gid}/cards/me",
                        json={"values": {"name": "张三", "phone": "13800138000"}})
    assert saved.status_code in (200, 201), saved.get_json()
    for path, etag in held.items():
        asker = owner if path in managers else reader
        answer = asker.get(path, headers={"If-None-Match": etag})
        assert answer.status_code == 200 and answer.headers["ETag"] != etag, path
    # Another asker never gets the reader's answer.
    etag = reader.get(paths[0]).headers["ETag"]
    assert owner.get(paths[0], headers={"If-None-Match": etag}).status_code == 200


def test_nobody_without_the_secret_key_can_work_out_an_etag(make_app):
    # Holding an ETag lets its holder have a 304 before the widget is loaded
    # (core.loaders.peek_widget): ETags are keyed by the app's secret.
    from grouptools.core.conditional import _etag_of

    def etag(secret):
        app = make_app(SECRET_KEY=secret)
        with app.test_request_context("/api/v1/polls/Aa1Aa1Aa1A"):
            return _etag_of(("polls", 1, 1, 1, 1, ()), None, None)

    assert etag("one secret") == etag("one secret") != etag("another secret")
