"""The stranger's join screen (issue 15): a person not in the group who opens the group's
link or any widget's link learns what the group is — its introduction, how many members
it has and who runs it — on the same screen as "your name → join"; in statements that do
not grow with the group."""
import re

import pytest
from sqlalchemy import select

from grouptools.core.models import Group, Person
from grouptools.core.widgets import registered_widgets
from grouptools.extensions import db
from tests.conftest import statements_run
from tests.core.groups.test_views import ZH

EN = {"Accept-Language": "en"}
INTRO = "三年二班的家长群：班级通知、活动报名。"


@pytest.fixture
def class_group(group_with):
    """An open group of 3 active members, its owner called 群主."""
    return group_with(members=["甲", "乙"], description=INTRO)


def intro_of(html):
    return re.search(r'<div class="group-intro">.*?</div>', html, re.S).group(0)


@pytest.mark.parametrize("headers, members, owner", [
    (ZH, "3 位成员", "群主：群主"),
    (EN, "3 members", "Group owner: 群主"),
])
def test_a_stranger_on_the_group_link_sees_its_intro_members_and_owner(
        client, class_group, headers, members, owner):
    gid, _, _ = class_group
    answer = client.get(f"/g/{gid}", headers=headers)
    assert answer.status_code == 200
    intro = intro_of(answer.get_data(as_text=True))
    assert INTRO in intro and members in intro and owner in intro
    assert 'name="your_name"' in answer.get_data(as_text=True)


@pytest.mark.parametrize("headers, members", [(ZH, "3 位成员"), (EN, "3 members")])
def test_every_widget_link_shows_the_group_beside_the_join_form(app, client, class_group,
                                                                 headers, members):
    gid, owner, _ = class_group
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.public_id == owner.id))
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        pages = []
        for kind in registered_widgets(app):
            widget = kind.sample(person, group)
            with app.test_request_context():
                pages.append(kind.page(widget))
    for page in pages:
        html = client.get(page, headers=headers).get_data(as_text=True)
        intro = intro_of(html)
        # (a sample member card may have given the owner a nickname on the way)
        owner_name = client.get(f"/api/v1/groups/{gid}").get_json()["owner_name"]
        assert "跑步群" in intro and INTRO in intro and members in intro, page
        assert owner_name in intro, page
        assert 'name="your_name"' in html, page


def test_the_owner_is_named_as_the_group_knows_them(client, group_with, user):
    gid, owner, _ = group_with()
    owner.patch(f"/api/v1/groups/{gid}", json={"description": ""})
    # The owner's nickname in the group, once a new owner took over.
    heir = user("李老师")
    mid = heir.post(f"/api/v1/groups/{gid}/join", json={"nickname": "班主任李老师"}
                    ).get_json()["member_id"]
    owner.patch(f"/api/v1/groups/{gid}/members/{mid}", json={"role": "owner"})
    card = client.get(f"/api/v1/groups/{gid}").get_json()
    assert card["owner_name"] == "班主任李老师" and card["member_count"] == 2
    page = client.get(f"/g/{gid}", headers=EN).get_data(as_text=True)
    assert "Group owner: 班主任李老师" in intro_of(page)


def test_pending_and_removed_people_count_for_nothing(client, group_with, user):
    gid, owner, people = group_with(members=["甲"], join_policy="approval")
    user("等待者").post(f"/api/v1/groups/{gid}/join", json={"answer": "朋友"})
    assert client.get(f"/api/v1/groups/{gid}").get_json()["member_count"] == 1  # owner only
    assert "1 member" in intro_of(client.get(f"/g/{gid}", headers=EN).get_data(as_text=True))


def test_the_join_screens_statements_do_not_grow_with_the_group(app, client, group_with, user):
    gid, owner, _ = group_with(members=["甲"])
    client.get(f"/g/{gid}")  # warm
    with statements_run(app) as small:
        assert client.get(f"/g/{gid}").status_code == 200
    for index in range(12):
        user(f"成员{index}").post(f"/api/v1/groups/{gid}/join", json={})
    with statements_run(app) as large:
        page = client.get(f"/g/{gid}", headers=EN)
    assert "14 members" in page.get_data(as_text=True)
    assert len(large) == len(small), "\n".join(large)
