"""The group page reads every kind's lines in one statement (core.widgets.GroupLines):
what it shows is, line for line, what each kind's own lister says — for a member, a
manager, and widgets in every state (closed, with a deadline, addressed to others,
waiting for the reader or done)."""
import re
from datetime import datetime, timedelta, timezone
from dataclasses import replace

from sqlalchemy import select

from grouptools.core.groups.service import find_group
from grouptools.core.models import Person
from grouptools.core.widgets import group_order, registered_widgets, widgets_for_group
from grouptools.extensions import db
from tests.test_statement_budget import Seeded


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def by_listers(group, person):
    items = []
    for kind in registered_widgets():
        items.extend(replace(item, kind=kind.key, kind_label=str(kind.label))
                     for item in kind.lister(group, person))
    return sorted(items, key=group_order)


def test_the_lines_read_together_are_each_kinds_own(app, user):
    seeded = Seeded(user, members=3, each=2)
    owner, member, gid = seeded.owner, seeded.member, seeded.gid
    later = _iso(datetime.now(timezone.utc) + timedelta(days=2))
    # A poll with a deadline and one closed; a relay with a waitlist; a notice for
    # another member only, a notice without confirmation; an event for a chosen roster
    # not yet open; a habit that is closed.
    owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "截止投票", "options": [{"text": "甲"}, {"text": "乙"}], "deadline": later})
    owner.post(f"/api/v1/polls/{seeded.ids['poll'][0]}/close")
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "名额", "capacity": 1}
                       ).get_json()
    for person in seeded.members[1:]:
        person.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}})
    listed = owner.get(f"/api/v1/groups/{gid}/members").get_json()
    listed = listed["items"] if isinstance(listed, dict) else listed
    other = next(m["member_id"] for m in listed if m["name"] == "王2")  # cards renamed members[1]
    made = [
        owner.post(f"/api/v1/groups/{gid}/notices", json={
            "title": "只给别人", "audience_member_ids": [other]}),
        owner.post(f"/api/v1/groups/{gid}/notices", json={
            "title": "不用确认", "require_confirmation": False}),
        owner.post(f"/api/v1/groups/{gid}/events", json={
            "title": "下周签到", "starts_at": later,
            "ends_at": _iso(datetime.now(timezone.utc) + timedelta(days=3)),
            "roster_member_ids": [other]}),
    ]
    assert [answer.status_code for answer in made] == [201] * 3, [a.get_json() for a in made]
    assert owner.post(f"/api/v1/habits/{seeded.ids['habit'][0]}/close").status_code == 200
    for client in (member, seeded.members[1], owner):
        with app.test_request_context("/?lang=en"):
            who = db.session.scalar(select(Person).where(Person.public_id == client.id))
            group = find_group(gid)
            together = widgets_for_group(group, who)
            assert together == by_listers(group, who)
            assert {item.kind for item in together} == {
                kind.key for kind in registered_widgets()}
            db.session.rollback()


def test_every_kind_reads_its_lines_with_the_others(app):
    assert all(kind.lines is not None for kind in registered_widgets(app))


def test_a_card_folders_line_counts_its_own_groups_cards_only(app, user):
    """Members who left another group take their cards off that group's count, not this
    one's."""
    here, there = Seeded(user, members=2, each=1), Seeded(user, members=2, each=1)

    def card_line():
        page = here.member.get(f"/g/{here.gid}", headers={"Accept-Language": "en"})
        return re.search(r"\d+/\d+ cards complete", page.get_data(as_text=True)).group(0)

    before = card_line()
    assert before == "3/3 cards complete"
    for leaving in there.members:
        assert leaving.delete(f"/api/v1/groups/{there.gid}/members/me").status_code == 204
    assert card_line() == before
