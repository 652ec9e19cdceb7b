"""core.access decides every permission; services and routes only ask it."""
import pytest

from grouptools.core.access import Action, authorize, can
from grouptools.core.errors import NotAllowed, NotFound
from grouptools.core.groups import service as groups
from grouptools.core.people import service as people


@pytest.fixture
def world(app_ctx):
    owner, _ = people.create_person("群主")
    admin, _ = people.create_person("管理员")
    member, _ = people.create_person("成员")
    pending, _ = people.create_person("等待中")
    stranger, _ = people.create_person("路人")
    group = groups.create_group(owner, name="读书会")
    for person in (admin, member):
        groups.join_group(person, group)
    admin_membership = groups.roster(owner, group)[0][1]
    groups.change_member(owner, group, admin_membership, role="admin")
    groups.update_settings(owner, group, join_policy="approval")
    groups.join_group(pending, group)
    return {"owner": owner, "admin": admin, "member": member, "pending": pending,
            "stranger": stranger, "nobody": None, "group": group}


EXPECTED = {
    # action:                 owner  admin  member pending stranger nobody
    Action.VIEW_PUBLIC_CARD: (True, True, True, True, True, True),
    Action.JOIN:             (True, True, True, True, True, False),
    Action.VIEW_GROUP:       (True, True, True, False, False, False),
    Action.VIEW_ROSTER:      (True, True, True, False, False, False),
    Action.ACT:              (True, True, True, False, False, False),
    Action.CREATE_WIDGET:    (True, True, False, False, False, False),
    Action.MANAGE_GROUP:     (True, True, False, False, False, False),
    Action.MANAGE_WIDGET:    (True, True, False, False, False, False),
    Action.CHANGE_ROLES:     (True, False, False, False, False, False),
    Action.DELETE_GROUP:     (True, False, False, False, False, False),
    Action.EXPORT_GROUP:     (True, False, False, False, False, False),
}
WHO = ("owner", "admin", "member", "pending", "stranger", "nobody")


@pytest.mark.parametrize("action", list(EXPECTED), ids=lambda a: a.value)
def test_who_may_do_what(world, action):
    decided = tuple(can(world[who], action, world["group"]) for who in WHO)
    assert decided == EXPECTED[action]


def test_refusals_say_401_404_or_403(world):
    group = world["group"]
    with pytest.raises(NotAllowed) as nobody:
        authorize(None, Action.VIEW_ROSTER, group)
    assert nobody.value.status == 401
    for who in ("stranger", "pending"):
        with pytest.raises(NotFound):
            authorize(world[who], Action.MANAGE_GROUP, group)
    with pytest.raises(NotAllowed) as member:
        authorize(world["member"], Action.MANAGE_GROUP, group)
    assert member.value.status == 403


def test_members_may_create_where_the_group_allows(world):
    group = world["group"]
    groups.update_settings(world["owner"], group, members_can_create=True)
    assert can(world["member"], Action.CREATE_WIDGET, group)
    assert not can(world["stranger"], Action.CREATE_WIDGET, group)


class Widget:
    """Stands in for any widget: it belongs to a group and remembers its creator."""

    def __init__(self, group, creator):
        self.group, self.created_by_id = group, creator.id


def test_a_widgets_creator_manages_it_even_as_a_plain_member(world):
    widget = Widget(world["group"], world["member"])
    assert can(world["member"], Action.MANAGE_WIDGET, widget)
    other_member, _ = people.create_person("另一个成员")
    groups.update_settings(world["owner"], world["group"], join_policy="open")
    groups.join_group(other_member, world["group"])
    assert not can(other_member, Action.MANAGE_WIDGET, widget)
    assert can(world["admin"], Action.MANAGE_WIDGET, widget)


def test_a_creator_who_left_no_longer_manages(world):
    widget = Widget(world["group"], world["member"])
    groups.leave_group(world["member"], world["group"])
    assert not can(world["member"], Action.MANAGE_WIDGET, widget)
