"""Polls over HTTP: every status docs/api.md names for polls, on SQLite and PostgreSQL."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll.models import Poll, Vote
from tests.poll.conftest import OPTIONS, upload_picture

POLL_KEYS = {"id", "title", "description", "options", "multiple", "min_choices", "max_choices",
             "anonymous", "results_visibility", "allow_change", "deadline", "closed",
             "voter_count", "my_vote", "results", "results_visible_when", "url", "can_manage"}


def soon(hours=2):
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).isoformat()


def pass_deadline(app, pid):
    """Let the deadline pass without anything running (the API refuses past deadlines)."""
    with app.app_context():
        db.session.execute(update(Poll).where(Poll.public_id == pid)
                           .values(deadline=datetime.now(timezone.utc) - timedelta(seconds=1)))
        db.session.commit()


# --- creating -----------------------------------------------------------------------------

def test_create_answers_the_poll_in_the_contracts_shape(make_poll):
    world = make_poll(multiple=True, min_choices=1, max_choices=2, deadline=soon(),
                      description="周六出发")
    poll = world.body
    assert set(poll) == POLL_KEYS
    assert poll["url"].endswith(f"/p/{poll['id']}")
    assert [o["text"] for o in poll["options"]] == ["爬山", "看电影", "吃火锅"]
    assert set(poll["options"][0]) == {"id", "text", "image_url", "thumb_url"}
    assert poll["my_vote"] == [] and poll["voter_count"] == 0 and poll["closed"] is False
    assert poll["results_visibility"] == "always" and poll["results"]["voter_count"] == 0
    assert poll["deadline"].endswith("+00:00")


def test_picture_options_answer_their_addresses(make_poll, group_with):
    gid, owner, _ = group_with()
    image_id = upload_picture(owner, gid)
    response = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "哪张好看", "options": [{"image_id": image_id}, {"image_id": image_id, "text": "B"}]})
    assert response.status_code == 201
    option = response.get_json()["options"][0]
    assert option["text"] == "" and option["image_url"].endswith(f"/images/{image_id}")
    assert option["thumb_url"].endswith(f"/images/{image_id}/thumb")
    assert owner.get(option["thumb_url"]).status_code == 200


def test_a_picture_of_another_group_is_422(group_with):
    gid, owner, _ = group_with()
    other_gid = owner.post("/api/v1/groups", json={"name": "别的群"}).get_json()["id"]
    foreign = upload_picture(owner, other_gid)
    response = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "x", "options": [{"image_id": foreign}, {"text": "y"}]})
    assert response.status_code == 422
    assert "image_id" in response.get_json()["errors"]["json"]["options"]["0"]


@pytest.mark.parametrize("body", [
    {"title": "x", "options": OPTIONS, "anonymous": True, "allow_change": True},
    {"title": "", "options": OPTIONS},
    {"title": "x" * 201, "options": OPTIONS},
    {"title": "a\x00b", "options": OPTIONS},
    {"title": "x", "options": [{"text": "only one"}]},
    {"title": "x", "options": [{"text": str(i)} for i in range(51)]},
    {"title": "x", "options": [{"text": "a"}, {}]},
    {"title": "x", "options": [{"text": "a"}, {"text": "b" * 201}]},
    {"title": "x", "options": [{"text": "a"}, {"image_id": "../../etc"}]},
    {"title": "x", "options": [{"text": "a"}, {"text": "b", "colour": "red"}]},
    {"title": "x", "options": OPTIONS, "max_choices": 2 ** 70, "multiple": True},
    {"title": "x", "options": OPTIONS, "multiple": True, "min_choices": 3, "max_choices": 2},
    {"title": "x", "options": OPTIONS, "results_visibility": "nobody"},
    {"title": "x", "options": OPTIONS, "deadline": "2030-01-01T10:00"},
    {"title": "x", "options": OPTIONS, "deadline": "2001-01-01T10:00+08:00"},
    {"title": "x", "options": OPTIONS, "colour": "red"},
    {"title": "x", "options": "爬山,看电影"},
])
def test_invalid_polls_are_422_never_500(group_with, body):
    gid, owner, _ = group_with()
    response = owner.post(f"/api/v1/groups/{gid}/polls", json=body)
    assert response.status_code == 422, response.get_json()
    payload = response.get_json()
    assert payload["code"] == 422 and payload["message"] and payload["errors"]["json"]


def test_anonymous_with_allow_change_says_why(group_with):
    gid, owner, _ = group_with()
    response = owner.post(f"/api/v1/groups/{gid}/polls", headers={"Accept-Language": "zh-CN"},
                          json={"title": "x", "options": OPTIONS, "anonymous": True,
                                "allow_change": True})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["allow_change"]


def test_json_routes_refuse_other_content_types_with_415(make_poll):
    world = make_poll()
    response = world.owner.post(f"/api/v1/groups/{world.gid}/polls", data="title=x",
                                content_type="text/plain")
    assert response.status_code == 415
    vote = world.member("甲").post(f"/api/v1/polls/{world.pid}/votes", data="x",
                                   content_type="application/x-www-form-urlencoded")
    assert vote.status_code == 415


def test_who_may_create(group_with, user):
    gid, owner, people = group_with(members=["甲"])
    body = {"title": "x", "options": OPTIONS}
    assert people["甲"][0].post(f"/api/v1/groups/{gid}/polls", json=body).status_code == 403
    assert user("路人").post(f"/api/v1/groups/{gid}/polls", json=body).status_code == 404
    assert owner.client.post(f"/api/v1/groups/{gid}/polls", json=body).status_code == 401
    owner.patch(f"/api/v1/groups/{gid}", json={"members_can_create": True})
    assert people["甲"][0].post(f"/api/v1/groups/{gid}/polls", json=body).status_code == 201


# --- access -------------------------------------------------------------------------------

MANAGER_CALLS = [
    ("PATCH", "", {"title": "改"}),
    ("DELETE", "", None),
    ("POST", "/close", None),
    ("POST", "/reopen", None),
    ("POST", "/duplicate", None),
    ("GET", "/export.csv", None),
]


@pytest.mark.parametrize("method, suffix, body", MANAGER_CALLS)
def test_members_get_403_and_strangers_404_on_manager_actions(make_poll, user, method, suffix, body):
    world = make_poll()
    path = f"/api/v1/polls/{world.pid}{suffix}"
    assert world.member("甲").call(method, path, json=body).status_code == 403
    assert user("路人").call(method, path, json=body).status_code == 404
    assert world.owner.client.open(path, method=method, json=body).status_code == 401


@pytest.mark.parametrize("method, suffix, body", [
    ("GET", "", None), ("GET", "/results", None), ("POST", "/votes", {"option_ids": []}),
    ("DELETE", "/votes", None),
])
def test_strangers_get_404_and_nobody_401(make_poll, user, method, suffix, body):
    world = make_poll()
    path = f"/api/v1/polls/{world.pid}{suffix}"
    assert user("路人").call(method, path, json=body).status_code == 404
    assert world.owner.client.open(path, method=method, json=body).status_code == 401


def test_admins_manage_polls_they_did_not_create(make_poll):
    world = make_poll(admins=["管理员"])
    admin = world.member("管理员")
    assert admin.post(f"/api/v1/polls/{world.pid}/close").status_code == 200
    assert admin.get(f"/api/v1/polls/{world.pid}/export.csv").status_code == 200


def test_unknown_poll_is_404(user):
    assert user().get("/api/v1/polls/nosuchpoll").status_code == 404


# --- voting -------------------------------------------------------------------------------

def test_first_vote_201_a_double_tap_201_the_same_later_200(make_poll, app):
    world = make_poll()
    member = world.member("甲")
    first = world.vote(member, 1)
    assert first.status_code == 201
    body = first.get_json()
    assert body["my_vote"] == [world.option_ids()[1]] and body["voter_count"] == 1
    # The same first vote sent twice (a double tap) answers as the first did.
    double = world.vote(member, 1)
    assert double.status_code == 201 and double.get_json()["voter_count"] == 1
    with app.app_context():
        db.session.execute(update(Vote).values(created_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    again = world.vote(member, 1)
    assert again.status_code == 200 and again.get_json()["voter_count"] == 1


def test_change_without_allow_change_is_409(make_poll):
    world = make_poll()
    member = world.member("甲")
    world.vote(member, 0)
    response = world.vote(member, 1)
    assert response.status_code == 409
    assert response.get_json()["message"]
    assert world.get(member).get_json()["my_vote"] == [world.option_ids()[0]]


def test_change_and_withdraw_where_allowed(make_poll):
    world = make_poll(allow_change=True, multiple=True, max_choices=2)
    member = world.member("甲")
    world.vote(member, 0)
    changed = world.vote(member, 1, 2)
    assert changed.status_code == 200
    assert changed.get_json()["my_vote"] == world.option_ids()[1:]
    assert [o["votes"] for o in changed.get_json()["results"]["options"]] == [0, 1, 1]
    assert member.delete(f"/api/v1/polls/{world.pid}/votes").status_code == 204
    after = world.get(member).get_json()
    assert after["my_vote"] == [] and after["voter_count"] == 0


def test_withdrawing_is_409_without_allow_change_and_on_secret_ballots(make_poll):
    for settings in ({}, {"anonymous": True}):
        world = make_poll(**settings)
        member = world.member("甲")
        world.vote(member, 0)
        assert member.delete(f"/api/v1/polls/{world.pid}/votes").status_code == 409


def test_secret_ballot_twice_is_409_and_my_vote_is_null(make_poll):
    world = make_poll(anonymous=True)
    member = world.member("甲")
    first = world.vote(member, 2)
    assert first.status_code == 201 and first.get_json()["my_vote"] is None
    assert world.get(world.member("乙")).get_json()["my_vote"] == []
    for again in ((2,), (0,)):
        response = world.vote(member, *again)
        assert response.status_code == 409
    # A secret ballot's results open after close by default; one ballot waits until then.
    assert first.get_json()["results"] is None
    assert first.get_json()["results_visible_when"] == "after_close"
    closed = world.owner.post(f"/api/v1/polls/{world.pid}/close").get_json()
    results = closed["results"]
    assert [r["votes"] for r in results["options"]] == [0, 0, 1]
    assert (results["counted"], results["pending"], results["voter_count"]) == (1, 0, 1)
    assert all(r["voters"] is None for r in results["options"])


@pytest.mark.parametrize("chosen", [(), (0,), (0, 1, 2)])
def test_min_max_is_422(make_poll, chosen):
    world = make_poll(multiple=True, min_choices=2, max_choices=2)
    response = world.vote(world.member("甲"), *chosen)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["option_ids"]


@pytest.mark.parametrize("option_ids", [["nosuchopt1"], ["\x00" * 10], "not a list",
                                        [12345], ["x" * 5000]])
def test_bad_option_ids_are_422(make_poll, option_ids):
    world = make_poll()
    response = world.member("甲").post(f"/api/v1/polls/{world.pid}/votes",
                                       json={"option_ids": option_ids})
    assert response.status_code == 422


def test_a_closed_poll_refuses_votes_with_409_and_a_message(make_poll):
    world = make_poll()
    closed = world.owner.post(f"/api/v1/polls/{world.pid}/close")
    assert closed.status_code == 200 and closed.get_json()["closed"] is True
    response = world.vote(world.member("甲"), 0)
    assert response.status_code == 409
    assert "closed" in response.get_json()["message"]
    reopened = world.owner.post(f"/api/v1/polls/{world.pid}/reopen").get_json()
    assert reopened["closed"] is False
    assert world.vote(world.member("甲"), 0).status_code == 201


def test_past_the_deadline_the_poll_is_closed(app, make_poll):
    world = make_poll(deadline=soon())
    pass_deadline(app, world.pid)
    assert world.get(world.member("甲")).get_json()["closed"] is True
    assert world.vote(world.member("甲"), 0).status_code == 409


def test_members_who_left_cannot_vote(make_poll):
    world = make_poll()
    member = world.member("甲")
    member.delete(f"/api/v1/groups/{world.gid}/members/me")
    assert world.vote(member, 0).status_code == 404


# --- results and visibility ---------------------------------------------------------------

def test_results_in_the_contracts_shape(make_poll):
    world = make_poll(multiple=True, max_choices=2)
    world.vote(world.member("甲"), 0, 1)
    world.vote(world.member("乙"), 0)
    results = world.results(world.member("丙")).get_json()
    assert results["voter_count"] == 2
    first = results["options"][0]
    assert first["votes"] == 2 and first["percent"] == 100.0 and first["winner"] is True
    assert [v["name"] for v in first["voters"]] == ["甲", "乙"]
    assert set(first["voters"][0]) == {"member_id", "name", "avatar_url"}
    assert first["voters"][0]["avatar_url"].endswith("/avatar.png")
    assert results["options"][1]["percent"] == 50.0
    # A member sees neither the not-voted list nor the reminder.
    assert results["not_voted"] is None and results["reminder_text"] is None


def test_managers_get_not_voted_and_the_reminder(make_poll):
    world = make_poll()
    world.vote(world.member("甲"), 0)
    results = world.results(world.owner).get_json()
    assert [m["name"] for m in results["not_voted"]] == ["群主", "乙", "丙"]
    assert results["not_voted_count"] == 3
    assert results["reminder_text"].startswith("@群主 @乙 @丙 ")
    assert results["reminder_text"].endswith(f"/p/{world.pid}")


@pytest.mark.parametrize("mode, when_before, when_after_vote", [
    ("always", None, None),
    ("after_vote", "after_vote", None),
    ("after_close", "after_close", "after_close"),
    ("managers", "never", "never"),
])
def test_each_visibility_mode_in_json(make_poll, mode, when_before, when_after_vote):
    world = make_poll(results_visibility=mode)
    member = world.member("甲")
    before = world.get(member).get_json()
    assert before["results_visible_when"] == when_before
    assert (before["results"] is None) == (when_before is not None)
    assert world.results(member).status_code == (403 if when_before else 200)
    after = world.vote(member, 0).get_json()
    assert after["results_visible_when"] == when_after_vote
    assert (after["results"] is None) == (when_after_vote is not None)
    assert after["voter_count"] == 1  # always shown
    assert world.results(member).status_code == (403 if when_after_vote else 200)
    # Managers always see results.
    assert world.get(world.owner).get_json()["results"]["voter_count"] == 1
    world.owner.post(f"/api/v1/polls/{world.pid}/close")
    closed = world.get(world.member("乙")).get_json()
    assert (closed["results"] is None) == (mode == "managers")


# --- managing -----------------------------------------------------------------------------

def test_managers_edit_title_description_deadline_visibility(make_poll):
    world = make_poll()
    deadline = soon(5)
    response = world.owner.patch(f"/api/v1/polls/{world.pid}", json={
        "title": "改个标题", "description": "补充", "deadline": deadline,
        "results_visibility": "after_close"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["description"], body["results_visibility"]) == \
        ("改个标题", "补充", "after_close")
    cleared = world.owner.patch(f"/api/v1/polls/{world.pid}", json={"deadline": None})
    assert cleared.get_json()["deadline"] is None


def test_options_are_fixed_once_voted(make_poll):
    world = make_poll()
    before = world.owner.patch(f"/api/v1/polls/{world.pid}",
                               json={"options": [{"text": "甲"}, {"text": "乙"}]})
    assert before.status_code == 200
    world.body = before.get_json()
    world.vote(world.member("甲"), 0)
    after = world.owner.patch(f"/api/v1/polls/{world.pid}",
                              json={"options": [{"text": "丙"}, {"text": "丁"}]})
    assert after.status_code == 409
    assert world.owner.patch(f"/api/v1/polls/{world.pid}",
                             json={"anonymous": True}).status_code == 409


def test_patch_refuses_unknown_and_invalid_fields(make_poll):
    world = make_poll()
    for body in ({"colour": "red"}, {"title": ""}, {"deadline": "tomorrow"},
                 {"results_visibility": "x"}):
        assert world.owner.patch(f"/api/v1/polls/{world.pid}", json=body).status_code == 422


def test_duplicate_is_a_new_open_poll_without_votes(make_poll):
    world = make_poll(results_visibility="after_vote")
    world.vote(world.member("甲"), 0)
    world.owner.post(f"/api/v1/polls/{world.pid}/close")
    response = world.owner.post(f"/api/v1/polls/{world.pid}/duplicate")
    assert response.status_code == 201
    copy = response.get_json()
    assert copy["id"] != world.pid and copy["closed"] is False and copy["voter_count"] == 0
    assert [o["text"] for o in copy["options"]] == ["爬山", "看电影", "吃火锅"]
    assert copy["results_visibility"] == "after_vote"


def test_delete_is_204_then_404(make_poll):
    world = make_poll()
    assert world.owner.delete(f"/api/v1/polls/{world.pid}").status_code == 204
    assert world.get(world.owner).status_code == 404


# --- CSV ----------------------------------------------------------------------------------

def read_csv(response):
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_results_read_once_a_version_still_answer_each_asker_as_they_stand(make_poll):
    """/results is the same for every member who may see it and for every organiser, so
    a worker keeps it once a version: a vote shows at once to a member who read it just
    before, a member who has not voted is still refused on an "after_vote" poll, and
    only organisers ever see who has not voted, whoever read first."""
    world = make_poll(results_visibility="after_vote")
    first, second, third = (world.member(name) for name in ("甲", "乙", "丙"))

    def counts(answer):
        return [(o["votes"], [v["name"] for v in o["voters"]]) for o in answer["options"]]

    organiser = world.results(world.owner).get_json()
    assert organiser["voter_count"] == 0 and organiser["not_voted_count"] == 4
    world.vote(first, 0)
    seen = world.results(first)
    assert seen.status_code == 200 and counts(seen.get_json())[0] == (1, ["甲"])
    assert seen.get_json()["not_voted"] is None and seen.get_json()["not_voted_count"] is None
    assert world.results(second).status_code == 403  # has not voted: what was kept is not theirs
    assert world.results(world.owner).get_json()["not_voted_count"] == 3
    world.vote(second, 0)
    again = world.results(first).get_json()
    assert counts(again)[0] == (2, ["甲", "乙"]) and again["voter_count"] == 2
    assert world.results(third).status_code == 403
    assert [m["name"] for m in world.results(world.owner).get_json()["not_voted"]] == ["群主", "丙"]


@pytest.mark.parametrize("mode", ["always", "after_vote", "after_close", "managers"])
def test_csv_export_for_managers_in_every_mode(make_poll, mode):
    world = make_poll(results_visibility=mode)
    world.vote(world.member("甲"), 0)
    world.vote(world.member("乙"), 2)
    assert world.member("甲").get(f"/api/v1/polls/{world.pid}/export.csv").status_code == 403
    response = world.owner.get(f"/api/v1/polls/{world.pid}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert ["爬山", "1", "50%"] in rows and ["吃火锅", "1", "50%"] in rows
    names = [row[0] for row in rows if row]
    assert "甲" in names and "乙" in names


def test_a_secret_ballots_export_has_totals_only(make_poll):
    world = make_poll(anonymous=True)
    world.vote(world.member("甲"), 0)
    world.vote(world.member("乙"), 1)
    waiting = read_csv(world.owner.get(f"/api/v1/polls/{world.pid}/export.csv"))
    assert ["爬山", "0", "0%"] in waiting and ["Ballots waiting to be counted", "2"] in waiting
    world.owner.post(f"/api/v1/polls/{world.pid}/close")
    rows = read_csv(world.owner.get(f"/api/v1/polls/{world.pid}/export.csv"))
    flat = " ".join(" ".join(row) for row in rows)
    assert ["爬山", "1", "50%"] in rows and ["Ballots counted", "2"] in rows
    assert "甲" not in flat and "乙" not in flat and "丙" not in flat


def test_csv_cells_never_run_as_formulas(make_poll):
    world = make_poll(options=[{"text": "=HYPERLINK(\"x\")"}, {"text": "b"}])
    world.vote(world.member("甲"), 0)
    rows = read_csv(world.owner.get(f"/api/v1/polls/{world.pid}/export.csv"))
    assert ["'=HYPERLINK(\"x\")", "1", "100%"] in rows
