"""Who voted for what, without carrying everyone everywhere: the poll's page and JSON
name an option's first few voters and count the rest, the voters' page (/p/<pid>/voters/
<oid>, no JavaScript needed) and /results name them all, and a vote answers what its
voter needs — their vote and the counts."""
import re

import pytest

from grouptools.poll import results, voters
from tests.poll.conftest import OPTIONS

NAMES = [f"成员{n}" for n in range(11)]
EN = {"Accept-Language": "en"}


@pytest.fixture
def crowded(make_poll):
    """A poll whose first option 11 members chose, in the order of NAMES."""
    world = make_poll(members=NAMES)
    for name in NAMES:
        assert world.vote(world.member(name), 0).status_code == 201
    return world


def test_the_page_shows_the_first_voters_and_how_many_voted(crowded):
    page = crowded.member("成员0").get(f"/p/{crowded.pid}", headers=EN).get_data(as_text=True)
    row = page[page.index('class="result-voters"'):]
    row = row[:row.index("</a>")]
    assert row.count('class="avatar ') == results.VOTERS_PREVIEW < len(NAMES)
    assert "11 voters ›" in row
    # The avatars are a link to the whole list: a plain page, no script needed.
    href = re.search(r'href="([^"]+)"', row).group(1)
    assert href == f"/p/{crowded.pid}/voters/{crowded.option_ids()[0]}"


def test_the_voters_page_names_every_voter_a_page_at_a_time(crowded, monkeypatch):
    path = f"/p/{crowded.pid}/voters/{crowded.option_ids()[0]}"
    member = crowded.member("成员3")
    page = member.get(path, headers=EN).get_data(as_text=True)
    assert [n for n in NAMES if f"<span>{n}</span>" in page] == NAMES
    assert "11 voters" in page and "More voters" not in page

    monkeypatch.setattr(voters, "VOTERS_PAGE", 4)
    first = member.get(path, headers=EN).get_data(as_text=True)
    assert [n for n in NAMES if f"<span>{n}</span>" in first] == NAMES[:4]
    assert f'href="{path}?page=2"' in first
    last = member.get(f"{path}?page=3", headers=EN).get_data(as_text=True)
    assert [n for n in NAMES if f"<span>{n}</span>" in last] == NAMES[8:]
    assert f'href="{path}?page=2"' in last and "?page=4" not in last


def test_an_option_nobody_chose_has_an_empty_voters_page(crowded):
    page = crowded.member("成员0").get(f"/p/{crowded.pid}/voters/{crowded.option_ids()[1]}",
                                        headers=EN)
    assert page.status_code == 200 and "Nobody has voted for this yet." in page.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["?page=0", "?page=x", "?page=99999999"])
def test_a_page_number_that_is_not_one_is_404(crowded, suffix):
    path = f"/p/{crowded.pid}/voters/{crowded.option_ids()[0]}{suffix}"
    assert crowded.member("成员0").get(path).status_code == 404


def test_the_voters_page_keeps_the_results_rules(make_poll, user):
    secret = make_poll(anonymous=True, results_visibility="always")
    secret.vote(secret.member("甲"), 0)
    path = f"/p/{secret.pid}/voters/{secret.option_ids()[0]}"
    assert secret.member("甲").get(path).status_code == 404  # nothing says who chose what

    hidden = make_poll(results_visibility="after_vote")
    hidden.vote(hidden.member("甲"), 0)
    path = f"/p/{hidden.pid}/voters/{hidden.option_ids()[0]}"
    assert hidden.member("乙").get(path).status_code == 403
    assert "甲" in hidden.member("甲").get(path).get_data(as_text=True)
    assert hidden.member("乙").get(f"/p/{hidden.pid}/voters/{hidden.pid}").status_code == 404
    # A stranger gets the poll's public card (and the join form), never the names.
    stranger = user("路人").get(path).get_data(as_text=True)
    assert "<span>甲</span>" not in stranger


def test_the_polls_json_names_the_first_voters_and_results_the_first_fifty(crowded):
    member = crowded.member("成员0")
    option = crowded.get(member).get_json()["results"]["options"][0]
    assert [v["name"] for v in option["voters"]] == NAMES[:results.VOTERS_PREVIEW]
    assert option["voters_more"] == len(NAMES) - results.VOTERS_PREVIEW
    listed = crowded.results(member).get_json()["options"][0]
    assert [v["name"] for v in listed["voters"]] == NAMES and listed["voters_more"] == 0
    assert listed["voters"][0]["avatar_url"].endswith(
        f"/members/{crowded.member_id('成员0')}/avatar.png")


def test_a_vote_answers_the_voters_vote_and_the_counts(make_poll):
    world = make_poll(multiple=True, max_choices=2, allow_change=True)
    world.vote(world.member("乙"), 0)
    answer = world.vote(world.member("甲"), 2, 0)
    assert answer.status_code == 201
    body = answer.get_json()
    assert set(body) == {"id", "my_vote", "voter_count", "closed", "results_visible_when",
                         "results"}
    ids = world.option_ids()
    assert body["id"] == world.pid and body["my_vote"] == [ids[0], ids[2]]  # options' order
    assert (body["voter_count"], body["closed"], body["results_visible_when"]) == (2, False, None)
    assert body["results"] == {
        "voter_count": 2, "counted": None, "pending": None,
        "options": [{"id": ids[0], "votes": 2, "percent": 100.0, "winner": True},
                    {"id": ids[1], "votes": 0, "percent": 0.0, "winner": False},
                    {"id": ids[2], "votes": 1, "percent": 50.0, "winner": False}]}
    changed = world.vote(world.member("甲"), 1).get_json()
    assert changed["my_vote"] == [ids[1]]
    assert [o["votes"] for o in changed["results"]["options"]] == [1, 1, 0]


def test_a_vote_hides_the_counts_where_the_results_are_hidden(make_poll):
    world = make_poll(results_visibility="after_close")
    body = world.vote(world.member("甲"), 1).get_json()
    assert body["results"] is None and body["results_visible_when"] == "after_close"
    assert body["voter_count"] == 1 and body["my_vote"] == [world.option_ids()[1]]
    # Its managers see them, as on the poll's page.
    owner = world.owner.post(f"/api/v1/groups/{world.gid}/join", json={})
    assert owner.status_code in (200, 201)
    managed = world.vote(world.owner, 0).get_json()
    assert [o["votes"] for o in managed["results"]["options"]] == [1, 1, 0]


def test_a_secret_ballot_answers_its_counts_in_batches(make_poll):
    world = make_poll(anonymous=True, results_visibility="always")
    body = world.vote(world.member("甲"), 1).get_json()
    assert body["my_vote"] is None and body["voter_count"] == 1
    assert body["results"]["counted"] == 0 and body["results"]["pending"] == 1
    assert [o["votes"] for o in body["results"]["options"]] == [0] * len(OPTIONS)


def test_the_live_counts_say_how_many_voted_for_each_option(crowded):
    live = crowded.member("成员0").get(f"/p/{crowded.pid}/live.json", headers=EN).get_json()
    assert [o["voters"] for o in live["options"]] == ["11 voters", "0 voters", "0 voters"]


def test_each_option_names_its_own_first_voters_in_voting_order(make_poll):
    """Votes for two options interleaved, one changed: each option's first voters are its
    own, in the order they chose it, and an option nobody chose names nobody."""
    world = make_poll(members=NAMES, multiple=True, max_choices=2, allow_change=True)
    for n, name in enumerate(NAMES[:9]):
        world.vote(world.member(name), n % 2)  # 成员0 → option 0, 成员1 → option 1, …
    world.vote(world.member("成员2"), 1, 0)  # 成员2 now chose both: last of option 1
    member = world.member("成员0")
    shown = world.get(member).get_json()["results"]["options"]
    first, second = ["成员0", "成员2", "成员4", "成员6", "成员8"], ["成员1", "成员3", "成员5", "成员7"]
    assert [v["name"] for v in shown[0]["voters"]] == first[:results.VOTERS_PREVIEW]
    assert [v["name"] for v in shown[1]["voters"]] == second + ["成员2"]
    assert shown[1]["voters_more"] == 0 and shown[2]["voters"] == []
    assert [o["votes"] for o in shown] == [5, 5, 0]
