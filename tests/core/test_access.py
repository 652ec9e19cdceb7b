"""core.access decides every permission; services and routes only ask it."""
import pytest

from grouptools.core.access import Action, authorize, can, membership_of
from grouptools.core.errors import NotAllowed, NotFound
from grouptools.core.groups import service as groups
from grouptools.core.people import service as people
from grouptools.core.widgetbase import OwnedItem


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
    """Stands in for any widget: it belongs to a group, remembers its creator, and is
    meant for every member unless told whom it is addressed to."""

    def __init__(self, group, creator, addressed=None):
        self.group, self.created_by_id, self.addressed = group, creator.id, addressed

    def addressed_to(self, membership):
        return self.addressed is None or membership.person_id in self.addressed


def test_a_widget_for_chosen_members_is_hidden_from_the_others_but_not_its_managers(world):
    widget = Widget(world["group"], world["owner"], addressed={world["owner"].id})
    with pytest.raises(NotFound):
        authorize(world["member"], Action.VIEW_GROUP, widget)
    with pytest.raises(NotFound):
        authorize(world["member"], Action.ACT, widget)
    # Its managers see it, and are told why they may not act in it.
    assert can(world["admin"], Action.VIEW_GROUP, widget)
    assert can(world["admin"], Action.MANAGE_WIDGET, widget)
    with pytest.raises(NotAllowed) as refused:
        authorize(world["admin"], Action.ACT, widget)
    assert refused.value.status == 403
    assert can(world["owner"], Action.ACT, widget)


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


class Item(OwnedItem):
    """Stands in for any item a member owns inside a widget (a relay entry, a check-in)."""

    OWNER_REFUSAL = "Only who made it and the organisers may change it."

    def __init__(self, widget, owner_membership):
        self._widget = widget
        self._owner = owner_membership.id if owner_membership is not None else None

    @property
    def widget(self):
        return self._widget

    @property
    def owner_membership_id(self):
        return self._owner


def membership(world, who):
    return membership_of(world[who], world["group"])


def test_an_items_owner_and_the_widgets_managers_may_change_it(world):
    groups.update_settings(world["owner"], world["group"], join_policy="open")
    other, _ = people.create_person("另一个成员")
    groups.join_group(other, world["group"])
    widget = Widget(world["group"], world["owner"])
    item = Item(widget, membership(world, "member"))
    assert authorize(world["member"], Action.CHANGE_OWN_ITEM, item).person_id == world["member"].id
    for who in ("owner", "admin"):
        assert can(world[who], Action.CHANGE_OWN_ITEM, item)
    with pytest.raises(NotAllowed) as another_member:
        authorize(other, Action.CHANGE_OWN_ITEM, item)
    assert another_member.value.status == 403
    assert another_member.value.message == Item.OWNER_REFUSAL
    # The widget's creator manages it, and so its items, even as a plain member.
    assert can(other, Action.CHANGE_OWN_ITEM, Item(Widget(world["group"], other), None))


def test_an_item_refuses_401_and_404_like_its_widget(world):
    item = Item(Widget(world["group"], world["owner"]), membership(world, "member"))
    with pytest.raises(NotAllowed) as nobody:
        authorize(None, Action.CHANGE_OWN_ITEM, item)
    assert nobody.value.status == 401
    for who in ("stranger", "pending"):
        with pytest.raises(NotFound):
            authorize(world[who], Action.CHANGE_OWN_ITEM, item)
    groups.leave_group(world["member"], world["group"])
    with pytest.raises(NotFound):  # an owner who left no longer sees it
        authorize(world["member"], Action.CHANGE_OWN_ITEM, item)


def test_an_item_nobody_owns_is_for_the_managers_only(world):
    """A relay entry an organiser added for someone who replied in the chat."""
    item = Item(Widget(world["group"], world["owner"]), None)
    assert can(world["admin"], Action.CHANGE_OWN_ITEM, item)
    assert not can(world["member"], Action.CHANGE_OWN_ITEM, item)
