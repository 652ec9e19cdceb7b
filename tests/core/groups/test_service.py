"""The membership rules at the service level, without HTTP."""
import pytest

from grouptools.core.errors import Conflict, Invalid, NotAllowed, NotFound
from grouptools.core.groups import service as groups
from grouptools.core.models import Group, Membership
from grouptools.core.people import service as people
from grouptools.extensions import db


@pytest.fixture
def owner(app_ctx):
    return people.create_person("群主")[0]


def person(name):
    return people.create_person(name)[0]


def test_a_new_group_has_its_creator_as_active_owner(owner):
    group = groups.create_group(owner, name="亲子阅读", timezone="Asia/Hong_Kong")
    members, mine = groups.roster(owner, group)
    assert [(m.display_name, m.role, m.status) for m in members] == [("群主", "owner", "active")]
    assert mine.joined_at is not None and mine.joined_at.tzinfo is not None
    assert group.timezone == "Asia/Hong_Kong"


def test_join_is_idempotent_and_remembers_the_nickname(owner):
    group = groups.create_group(owner, name="g")
    joiner = person("王小二")
    first, created = groups.join_group(joiner, group, nickname="二哥")
    again, created_again = groups.join_group(joiner, group, nickname="别的名字")
    assert (created, created_again) == (True, False)
    assert first.id == again.id
    assert again.display_name == "二哥"


def test_approval_joiners_are_pending_until_approved(owner):
    group = groups.create_group(owner, name="g", join_policy="approval")
    joiner = person("新人")
    membership, _ = groups.join_group(joiner, group)
    assert membership.status == "pending" and membership.joined_at is None
    with pytest.raises(NotFound):
        groups.roster(joiner, group)
    groups.change_member(owner, group, membership, status="active")
    assert membership.status == "active" and membership.joined_at is not None


def test_a_pending_joiner_may_withdraw_and_ask_again(owner):
    group = groups.create_group(owner, name="g", join_policy="approval")
    joiner = person("犹豫的人")
    groups.join_group(joiner, group)
    groups.leave_group(joiner, group)
    membership, created = groups.join_group(joiner, group)
    assert created and membership.status == "pending"


def test_the_join_question_needs_an_answer(owner):
    group = groups.create_group(owner, name="g", join_question="暗号？")
    with pytest.raises(Invalid):
        groups.join_group(person("甲"), group, answer="  ")


def test_removed_cannot_rejoin_until_restored_and_left_can(owner):
    group = groups.create_group(owner, name="g")
    removed, left = person("被移出"), person("自己走")
    removed_membership, _ = groups.join_group(removed, group)
    groups.join_group(left, group)
    groups.remove_member(owner, group, removed_membership)
    groups.leave_group(left, group)

    with pytest.raises(NotAllowed):
        groups.join_group(removed, group)
    assert groups.join_group(left, group)[0].status == "active"
    groups.change_member(owner, group, removed_membership, status="active")
    assert removed_membership.status == "active"


def test_transfer_makes_the_old_owner_an_admin(owner):
    group = groups.create_group(owner, name="g")
    heir = person("接班人")
    heir_membership, _ = groups.join_group(heir, group)
    groups.change_member(owner, group, heir_membership, role="owner")
    roles = {m.display_name: m.role for m in groups.roster(heir, group)[0]}
    assert roles == {"群主": "admin", "接班人": "owner"}
    with pytest.raises(NotAllowed):
        groups.delete_group(owner, group)


def test_the_owner_cannot_leave(owner):
    group = groups.create_group(owner, name="g")
    with pytest.raises(Conflict):
        groups.leave_group(owner, group)


def test_deleting_a_group_deletes_its_memberships(owner):
    group = groups.create_group(owner, name="g")
    groups.join_group(person("甲"), group)
    group_id = group.id
    groups.delete_group(owner, group)
    assert db.session.get(Group, group_id) is None
    assert db.session.query(Membership).filter_by(group_id=group_id).count() == 0


def test_my_groups_lists_active_and_pending_memberships(owner):
    open_group = groups.create_group(owner, name="开放群")
    closed = groups.create_group(owner, name="审核群", join_policy="approval")
    me = person("我")
    groups.join_group(me, open_group)
    groups.join_group(me, closed)
    listed = {g.name: m.status for g, m in groups.my_groups(me)}
    assert listed == {"开放群": "active", "审核群": "pending"}


def test_recorded_activity_moves_last_active_forward(owner):
    group = groups.create_group(owner, name="g")
    member, _ = groups.join_group(person("甲"), group)
    before = member.last_active_at
    groups.record_activity(member)
    db.session.commit()
    assert member.last_active_at > before
