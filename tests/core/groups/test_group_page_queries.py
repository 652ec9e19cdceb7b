"""The group page, a widget's page and the group's export read what they need up front:
as many statements for six polls and six lists as for one, and the asker's membership
once per request — while a membership written during a request is read afresh."""
import re

import pytest

from grouptools.core.access import Action, authorize, membership_of
from grouptools.core.errors import NotFound
from grouptools.core.groups import moves
from grouptools.core.groups import service as groups
from grouptools.core.models import Membership
from grouptools.core.people import service as people
from grouptools.extensions import db
from tests.conftest import statements_run

OPTIONS = [{"text": "爬山"}, {"text": "看电影"}, {"text": "吃火锅"}]
# The asker's own membership row, looked up by who they are (not a roster or a join).
MINE = re.compile(r"membership\.person_id = ", re.IGNORECASE)


def add_widgets(owner, members, gid, secret=False):
    """An open poll (and a secret one if asked) with votes, and two sign-up lists — one
    with slots and private fields, one with a capacity — with entries, a waitlist, a
    withdrawal and a check-in: what a group page and an export have to show."""
    polls = [False, True] if secret else [False]
    for anonymous in polls:
        poll = owner.post(f"/api/v1/groups/{gid}/polls", json={
            "title": "周末去哪儿", "options": OPTIONS, "anonymous": anonymous,
            "multiple": not anonymous}).get_json()
        for i, member in enumerate(members):
            member.post(f"/api/v1/polls/{poll['id']}/votes",
                        json={"option_ids": [poll["options"][i % 3]["id"]]})
    fields = [{"key": "phone", "label": "手机号", "type": "phone", "private": True}]
    slotted = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "值日", "fields": fields,
        "slots": [{"label": "上午", "capacity": 1}, {"label": "下午", "capacity": 2}]}).get_json()
    limited = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "羽毛球", "capacity": 1, "fields": fields}).get_json()
    for i, member in enumerate(members):
        values = {"phone": "13800138000"}
        member.post(f"/api/v1/relays/{slotted['id']}/entries",
                    json={"values": values, "slot_id": slotted["slots"][i % 2]["id"]})
        entry = member.post(f"/api/v1/relays/{limited['id']}/entries",
                            json={"values": values}).get_json()
    member.delete(f"/api/v1/relays/{limited['id']}/entries/{entry['id']}")
    first = owner.get(f"/api/v1/relays/{slotted['id']}").get_json()["entries"][0]
    owner.post(f"/api/v1/relays/{slotted['id']}/entries/{first['id']}/attend")
    return poll["id"], slotted["id"]


def run(app, person, path):
    with statements_run(app) as seen:
        response = person.get(path)
    assert response.status_code == 200
    return seen


@pytest.fixture
def group(group_with):
    gid, owner, people_ = group_with(members=["甲", "乙", "丙"])
    return gid, owner, [person for person, _ in people_.values()]


def test_the_group_page_reads_as_much_for_six_widgets_of_each_kind_as_for_one(app, group):
    gid, owner, members = group
    add_widgets(owner, members, gid)
    one = {who: run(app, person, f"/g/{gid}") for who, person in (("member", members[0]),
                                                                  ("owner", owner))}
    for _ in range(5):
        add_widgets(owner, members, gid)
    six = {who: run(app, person, f"/g/{gid}") for who, person in (("member", members[0]),
                                                                  ("owner", owner))}
    page = members[0].get(f"/g/{gid}").get_data(as_text=True)
    assert page.count("周末去哪儿") == 6 and page.count("值日") == 6
    for who in ("member", "owner"):
        assert len(six[who]) == len(one[who]), who
        assert len([s for s in six[who] if MINE.search(s)]) == 1, who


def test_a_widget_page_reads_the_askers_membership_once(app, group):
    gid, owner, members = group
    pid, rid = add_widgets(owner, members, gid)
    for path in (f"/g/{gid}", f"/p/{pid}", f"/r/{rid}", f"/api/v1/polls/{pid}",
                 f"/api/v1/relays/{rid}", f"/api/v1/groups/{gid}/export.json"):
        for person in (members[0], owner):
            if "export" in path and person is not owner:
                continue
            mine = [s for s in run(app, person, path)
                    if MINE.search(s)]
            assert len(mine) == 1, path


def test_the_export_reads_as_much_for_five_widgets_of_each_kind_as_for_one(app, group):
    gid, owner, members = group
    add_widgets(owner, members, gid, secret=True)
    one = run(app, owner, f"/api/v1/groups/{gid}/export.json")
    for _ in range(4):
        add_widgets(owner, members, gid, secret=True)
    five = run(app, owner, f"/api/v1/groups/{gid}/export.json")
    widgets = owner.get(f"/api/v1/groups/{gid}/export.json").get_json()["widgets"]
    assert len(widgets["polls"]) == 10 and len(widgets["relays"]) == 10
    assert len(five) == len(one)


def test_the_export_shows_each_widget_as_its_own_api_answer_does(group):
    """Read together, each poll and list is exactly what the owner reads of it alone."""
    gid, owner, members = group
    for _ in range(2):
        add_widgets(owner, members, gid, secret=True)
    widgets = owner.get(f"/api/v1/groups/{gid}/export.json").get_json()["widgets"]
    for section, path in (("polls", "/api/v1/polls/"), ("relays", "/api/v1/relays/")):
        for item in widgets[section]:
            assert item == owner.get(path + item["id"]).get_json()


# --- Writes during a request are read afresh ------------------------------------------

@pytest.fixture
def world(app_ctx):
    owner = people.create_person("群主")[0]
    group = groups.create_group(owner, name="跑步群")
    return owner, group


def test_joining_and_leaving_are_read_afresh_within_a_request(app, world):
    owner, group = world
    newcomer = people.create_person("新人")[0]
    with app.test_request_context():
        assert membership_of(newcomer, group) is None
        groups.join_group(newcomer, group)
        assert authorize(newcomer, Action.VIEW_GROUP, group).status == "active"
        groups.leave_group(newcomer, group)
        with pytest.raises(NotFound):
            authorize(newcomer, Action.VIEW_GROUP, group)
        groups.join_group(newcomer, group)
        assert membership_of(newcomer, group).status == "active"


def test_removal_and_roles_are_read_afresh_within_a_request(app, world):
    owner, group = world
    member = people.create_person("甲")[0]
    groups.join_group(member, group)
    with app.test_request_context():
        mine = membership_of(member, group)
        groups.change_member(owner, group, mine, role="owner")
        assert membership_of(owner, group).role == "admin"
        assert authorize(member, Action.CHANGE_ROLES, group).role == "owner"
        groups.remove_member(member, group, membership_of(owner, group))
        with pytest.raises(NotFound):
            authorize(owner, Action.VIEW_GROUP, group)


def test_a_moved_membership_answers_for_its_new_device_within_the_request(app, world):
    owner, group = world
    member = people.create_person("甲")[0]
    target, _ = groups.join_group(member, group)
    device = people.create_person("甲的新手机")[0]
    with app.test_request_context():
        assert membership_of(member, group) is target and membership_of(device, group) is None
        moves.redeem_move_link(moves.issue_move_link(owner, group, target), device)
        assert membership_of(member, group) is None
        assert membership_of(device, group).id == target.id


def test_one_request_does_not_see_what_an_earlier_one_read(app, world):
    """Tests and commands hold one app context across requests: nothing read in one
    request may answer in the next."""
    owner, group = world
    newcomer = people.create_person("新人")[0]
    with app.test_request_context():
        assert membership_of(newcomer, group) is None
    db.session.add(Membership(group=group, person=newcomer, role="member", status="active"))
    db.session.commit()
    with app.test_request_context():
        assert membership_of(newcomer, group).status == "active"
    assert membership_of(newcomer, group).status == "active"  # outside a request: read


# --- The group page's group, asker and membership: one statement ----------------------

def _reads(seen):
    """The statements that read something (SQLite's BEGIN left out)."""
    return [s for s in seen if not s.strip().upper().startswith("BEGIN")]


def test_the_group_page_and_its_304_read_the_group_and_the_asker_in_one_statement(
        app, group):
    """A phone (cookie) or an API client (token): the page reads the group with the asker,
    their membership and the roster's first members, then every kind's lines; its 304
    reads that one statement only — however many widgets the group holds."""
    from tests.core.groups.test_views import ZH, submit

    gid, owner, members = group
    add_widgets(owner, members, gid)
    phone = app.test_client()
    assert submit(phone, f"/g/{gid}", f"/g/{gid}/join", {"your_name": "手机用户"},
                  headers=ZH).status_code == 303
    phone.get(f"/g/{gid}")  # shows the welcome once (a page with a message is not kept)
    for reader in (phone, members[0], owner):
        with statements_run(app) as seen:
            page = reader.get(f"/g/{gid}")
        assert page.status_code == 200 and "周末去哪儿" in page.get_data(as_text=True)
        assert len(_reads(seen)) == 2, seen
        assert len([s for s in seen if MINE.search(s)]) == 1
        with statements_run(app) as seen:
            unchanged = reader.get(f"/g/{gid}", headers={"If-None-Match": page.headers["ETag"]})
        assert unchanged.status_code == 304
        assert len(_reads(seen)) == 1, seen


def test_a_bad_token_is_refused_before_an_unknown_group_is_looked_for(app, group):
    gid, owner, members = group
    stranger = app.test_client()
    for path in (f"/g/{gid}", "/g/AAAAAAAAAA"):
        answer = stranger.get(path, headers={"Authorization": "Bearer not-a-token"})
        assert answer.status_code == 401, path
    assert owner.get("/g/AAAAAAAAAA").status_code == 404
