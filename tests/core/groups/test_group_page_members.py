"""The group page's members section: how many there are, who waits for approval (for
managers), and the first eight faces — read in one statement whatever the group's size."""
import re

from tests.conftest import statements_run

AVATAR = re.compile(r'<span class="avatar[ "]')


def members_section(page):
    return page.split('id="members"', 1)[1].split("</section>", 1)[0]


def test_the_page_counts_every_member_and_shows_the_first_eight(app, group_with, user):
    gid, owner, people = group_with(members=[f"成员{n}" for n in range(10)])
    page = people["成员3"][0].get(f"/g/{gid}").get_data(as_text=True)
    assert "11 members" in page
    assert len(AVATAR.findall(members_section(page))) == 8
    assert "waiting for approval" not in page


def test_the_eight_faces_are_the_first_eight_to_join_in_their_order(app, group_with):
    joined = list("甲乙丙丁戊己庚辛壬癸")
    gid, owner, people = group_with(members=joined)
    owner_name = owner.get("/api/v1/me").get_json()["name"]
    section = members_section(people["癸"][0].get(f"/g/{gid}").get_data(as_text=True))
    faces = re.findall(r'<span class="avatar[^"]*" aria-hidden="true">([^<]+)</span>', section)
    assert faces == [owner_name[0].upper(), *joined[:7]]


def test_managers_see_how_many_wait_for_approval_and_members_do_not(app, group_with, user):
    gid, owner, people = group_with(members=["甲", "乙", "丙"], join_policy="approval")
    owner.patch(f"/api/v1/groups/{gid}/members/{people['甲'][1]}", json={"status": "active"})
    mine = owner.get(f"/g/{gid}").get_data(as_text=True)
    assert "2 people are waiting for approval" in mine
    assert "2 members" in mine  # the owner and 甲
    theirs = people["甲"][0].get(f"/g/{gid}")
    assert "waiting for approval" not in theirs.get_data(as_text=True)


def test_the_members_section_reads_as_much_for_twenty_members_as_for_two(app, group_with, user):
    gid, owner, people = group_with(members=["甲"])
    with statements_run(app) as few:
        owner.get(f"/g/{gid}")
    for n in range(18):
        user(f"新人{n}").post(f"/api/v1/groups/{gid}/join", json={"answer": ""})
    with statements_run(app) as many:
        page = owner.get(f"/g/{gid}").get_data(as_text=True)
    assert "20 members" in page
    assert len(many) == len(few)
