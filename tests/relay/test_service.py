"""The rules of relays, exercised through the service: numbering, the waitlist and its
promotions, guests, limits, slots, deadlines, edits, withdrawals, capacity changes."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from grouptools.core.access import Unauthenticated
from grouptools.core.errors import Conflict, Invalid, NotAllowed, NotFound
from grouptools.core.groups import service as groups
from grouptools.core.people import service as people
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.relay import service, signups
from grouptools.relay.models import Relay


@pytest.fixture
def world(app_ctx):
    owner, _ = people.create_person("群主")
    group = groups.create_group(owner, name="羽毛球群")

    def member(name):
        person, _ = people.create_person(name)
        groups.join_group(person, group)
        return person

    return SimpleNamespace(owner=owner, group=group, member=member)


def new_relay(world, **settings):
    return service.create_relay(world.owner, world.group, title="周六羽毛球", **settings)


def members(world, *names):
    return [world.member(name) for name in names]


def lists(world, relay):
    """(confirmed names, waitlisted names, numbers) as the owner reads them."""
    state = service.relay_state(world.owner, relay)
    confirmed = [v for s in state.sections for v in s.confirmed]
    waiting = [v for s in state.sections for v in s.waitlisted]
    return [v.name for v in confirmed], [v.name for v in waiting]


def entry_of(world, relay, name):
    state = service.relay_state(world.owner, relay)
    return next(v.entry for v in state.entries if v.name == name)


def log_texts(world, relay):
    return [line.text for line in service.relay_state(world.owner, relay).log]


# --- Numbering and the waitlist -----------------------------------------------------------

def test_numbers_follow_confirmation_order_and_close_up_after_a_withdrawal(world):
    relay = new_relay(world, capacity=10)
    a, b, c, d = members(world, "甲", "乙", "丙", "丁")
    for person in (a, b, c, d):
        signups.sign_up(person, relay)
    signups.withdraw_entry(b, entry_of(world, relay, "乙"))
    state = service.relay_state(world.owner, relay)
    assert [(v.number, v.name) for v in state.entries] == [(1, "甲"), (2, "丙"), (3, "丁")]
    assert relay.taken == 3


def test_a_full_list_waitlists_and_a_withdrawal_promotes_the_first_in_line(world):
    relay = new_relay(world, capacity=2)
    a, b, c, d = members(world, "甲", "乙", "丙", "丁")
    placed = [signups.sign_up(p, relay).status for p in (a, b, c, d)]
    assert placed == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    state = service.relay_state(world.owner, relay)
    assert [(v.waitlist_position, v.name) for s in state.sections for v in s.waitlisted] == \
        [(1, "丙"), (2, "丁")]

    signups.withdraw_entry(a, entry_of(world, relay, "甲"))
    assert lists(world, relay) == (["乙", "丙"], ["丁"])
    assert log_texts(world, relay)[0] == "No. 1 withdrew → waitlist 1 promoted"


def test_the_log_reads_like_a_chat_relay_in_chinese(world, app):
    relay = new_relay(world, capacity=3)
    a, b, c, d = members(world, "甲", "乙", "丙", "丁")
    for person in (a, b, c, d):
        signups.sign_up(person, relay)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        signups.withdraw_entry(c, entry_of(world, relay, "丙"))
        assert log_texts(world, relay)[0] == "3号 退出 → 候补1 递补"


def test_a_party_of_two_withdrawing_frees_two_places(world):
    relay = new_relay(world, capacity=3, guests_max=2)
    a, b, c, d, e = members(world, "甲", "乙", "丙", "丁", "戊")
    signups.sign_up(a, relay, guests=1)
    signups.sign_up(b, relay)
    for person in (c, d, e):
        assert signups.sign_up(person, relay).status == "waitlisted"
    signups.withdraw_entry(a, entry_of(world, relay, "甲"))
    assert lists(world, relay) == (["乙", "丙", "丁"], ["戊"])
    assert log_texts(world, relay)[0] == "No. 1 withdrew → waitlist 1, 2 promoted"


def test_the_person_who_withdrew_is_never_promoted(world):
    relay = new_relay(world, capacity=1)
    a, b, c = members(world, "甲", "乙", "丙")
    for person in (a, b, c):
        signups.sign_up(person, relay)
    # Leaving the waitlist frees no place: nobody moves, and the leaver is gone.
    signups.withdraw_entry(b, entry_of(world, relay, "乙"))
    assert lists(world, relay) == (["甲"], ["丙"])
    assert log_texts(world, relay)[0] == "Waitlist 1 withdrew"
    # The confirmed one withdrawing is replaced by the next in line, not by themselves.
    signups.withdraw_entry(a, entry_of(world, relay, "甲"))
    assert lists(world, relay) == (["丙"], [])


def test_joining_again_goes_to_the_end_of_the_waitlist(world):
    relay = new_relay(world, capacity=1)
    a, b, c = members(world, "甲", "乙", "丙")
    for person in (a, b, c):
        signups.sign_up(person, relay)
    signups.withdraw_entry(b, entry_of(world, relay, "乙"))
    signups.sign_up(b, relay)
    assert lists(world, relay) == (["甲"], ["丙", "乙"])


def test_a_party_that_does_not_fit_waits_and_nobody_behind_it_jumps_ahead(world):
    relay = new_relay(world, capacity=3, guests_max=1)
    a, b, c, d, e, f = members(world, "甲", "乙", "丙", "丁", "戊", "己")
    for person in (a, b, c):
        signups.sign_up(person, relay)
    signups.sign_up(d, relay, guests=1)  # a party of two, first in line
    signups.sign_up(e, relay)
    signups.withdraw_entry(c, entry_of(world, relay, "丙"))
    # One place is free; the pair does not fit and 戊 behind it may not take it.
    assert lists(world, relay) == (["甲", "乙"], ["丁", "戊"])
    assert relay.taken == 2
    # A newcomer queues behind them too, though a place is free.
    assert signups.sign_up(f, relay).status == "waitlisted"
    signups.withdraw_entry(b, entry_of(world, relay, "乙"))
    assert lists(world, relay) == (["甲", "丁"], ["戊", "己"])
    assert relay.taken == 3


# --- Guests, limits, slots, deadline ---------------------------------------------------------

def test_guests_count_against_capacity_but_take_no_number(world):
    relay = new_relay(world, capacity=3, guests_max=2)
    a, b = members(world, "甲", "乙")
    signups.sign_up(a, relay, guests=2)
    assert relay.taken == 3
    assert signups.sign_up(b, relay).status == "waitlisted"
    state = service.relay_state(world.owner, relay)
    assert [v.number for s in state.sections for v in s.confirmed] == [1]


def test_guests_beyond_the_limit_or_the_capacity_are_refused(world):
    relay = new_relay(world, capacity=2, guests_max=3)
    (a,) = members(world, "甲")
    with pytest.raises(Invalid) as refused:
        signups.sign_up(a, relay, guests=2)
    assert "guests" in refused.value.errors
    plain = new_relay(world, capacity=5)
    with pytest.raises(Invalid) as refused:
        signups.sign_up(a, plain, guests=1)
    assert "guests" in refused.value.errors


def test_one_entry_per_member_by_default_but_organisers_add_others(world):
    relay = new_relay(world, capacity=10)
    (a,) = members(world, "甲")
    signups.sign_up(a, relay)
    with pytest.raises(Conflict):
        signups.sign_up(a, relay)
    signups.sign_up(world.owner, relay)
    for name in ("微信里的小王", "小李"):
        signups.sign_up(world.owner, relay, for_name=name)
    assert lists(world, relay)[0] == ["甲", "群主", "微信里的小王", "小李"]
    with pytest.raises(NotAllowed):
        signups.sign_up(a, relay, for_name="冒名")


def test_a_higher_per_member_limit(world):
    relay = new_relay(world, per_member_max=2)
    (a,) = members(world, "甲")
    signups.sign_up(a, relay)
    signups.sign_up(a, relay)
    with pytest.raises(Conflict):
        signups.sign_up(a, relay)


def test_slots_have_their_own_capacity_numbering_and_waitlist(world):
    relay = new_relay(world, slots=[{"label": "上午", "capacity": 1}, {"label": "下午", "capacity": 2}])
    morning, afternoon = (s.public_id for s in relay.slots)
    a, b, c, d = members(world, "甲", "乙", "丙", "丁")
    assert signups.sign_up(a, relay, slot_id=morning).status == "confirmed"
    assert signups.sign_up(b, relay, slot_id=morning).status == "waitlisted"
    assert signups.sign_up(c, relay, slot_id=afternoon).status == "confirmed"
    assert signups.sign_up(d, relay, slot_id=afternoon).status == "confirmed"
    state = service.relay_state(world.owner, relay)
    assert [[(v.number, v.name) for v in s.confirmed] for s in state.sections] == \
        [[(1, "甲")], [(1, "丙"), (2, "丁")]]
    signups.withdraw_entry(c, entry_of(world, relay, "丙"))
    assert lists(world, relay) == (["甲", "丁"], ["乙"])  # 下午's place is not 上午's
    signups.withdraw_entry(a, entry_of(world, relay, "甲"))
    assert lists(world, relay) == (["乙", "丁"], [])
    assert log_texts(world, relay)[0] == "上午 · No. 1 withdrew → waitlist 1 promoted"


def test_a_relay_with_slots_needs_a_slot_and_a_known_one(world):
    relay = new_relay(world, slots=[{"label": "凉菜", "capacity": 2}])
    (a,) = members(world, "甲")
    for slot_id, message in ((None, "Choose one."), ("abcdefghij", "Not a slot of this list.")):
        with pytest.raises(Invalid) as refused:
            signups.sign_up(a, relay, slot_id=slot_id)
        assert refused.value.errors["slot_id"] == [message]
    with pytest.raises(Invalid):
        new_relay(world, capacity=10, slots=[{"label": "凉菜"}])


def test_after_the_deadline_members_cannot_sign_up_or_edit_but_organisers_can_add(world):
    relay = new_relay(world, capacity=5)
    a, b = members(world, "甲", "乙")
    signups.sign_up(a, relay)
    relay.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(Conflict):
        signups.sign_up(b, relay)
    with pytest.raises(Conflict):
        signups.edit_entry(a, entry_of(world, relay, "甲"), guests=0)
    signups.sign_up(world.owner, relay, for_name="补报的人")
    signups.withdraw_entry(a, entry_of(world, relay, "甲"))  # someone who cannot come may say so
    assert lists(world, relay) == (["补报的人"], [])


def test_closing_by_hand(world):
    relay = new_relay(world)
    (a,) = members(world, "甲")
    service.close_relay(world.owner, relay)
    with pytest.raises(Conflict):
        signups.sign_up(a, relay)
    service.close_relay(world.owner, relay, closed=False)
    signups.sign_up(a, relay)
    assert log_texts(world, relay)[1:3] == ["An organiser reopened the list",
                                            "An organiser closed the list"]


# --- Editing, withdrawing, removing ------------------------------------------------------------

PHONE = {"key": "phone", "label": "手机号", "type": "phone", "required": True, "private": True}


def test_an_edit_is_validated_like_a_new_entry(world):
    relay = new_relay(world, fields=[PHONE])
    (a,) = members(world, "甲")
    assert signups.sign_up(a, relay, values={"phone": "138 0013 8000"}).values == {
        "phone": "13800138000"}
    entry = entry_of(world, relay, "甲")
    with pytest.raises(Invalid) as refused:
        signups.edit_entry(a, entry, values={"phone": "不知道"})
    assert refused.value.errors["values"] == {"phone": ["Not a valid phone number."]}
    signups.edit_entry(a, entry, values={"phone": "13900139000"})
    assert entry_of(world, relay, "甲").values == {"phone": "13900139000"}


def test_growing_a_party_needs_free_places_and_shrinking_it_promotes(world):
    relay = new_relay(world, capacity=3, guests_max=2)
    a, b, c = members(world, "甲", "乙", "丙")
    signups.sign_up(a, relay, guests=1)
    signups.sign_up(b, relay)
    signups.sign_up(c, relay)
    with pytest.raises(Conflict):
        signups.edit_entry(a, entry_of(world, relay, "甲"), guests=2)
    signups.edit_entry(a, entry_of(world, relay, "甲"), guests=0)
    assert lists(world, relay) == (["甲", "乙", "丙"], [])
    assert log_texts(world, relay)[0] == "No. 1 changed their entry → waitlist 1 promoted"


def test_moving_to_another_slot_takes_a_new_number_there(world):
    relay = new_relay(world, slots=[{"label": "上午", "capacity": 1}, {"label": "下午", "capacity": 1}])
    morning, afternoon = (s.public_id for s in relay.slots)
    a, b, c = members(world, "甲", "乙", "丙")
    signups.sign_up(a, relay, slot_id=morning)
    signups.sign_up(b, relay, slot_id=morning)
    signups.sign_up(c, relay, slot_id=afternoon)
    with pytest.raises(Conflict):
        signups.edit_entry(a, entry_of(world, relay, "甲"), slot_id=afternoon)
    signups.withdraw_entry(c, entry_of(world, relay, "丙"))
    signups.edit_entry(a, entry_of(world, relay, "甲"), slot_id=afternoon)
    assert lists(world, relay) == (["乙", "甲"], [])


def test_organisers_remove_entries_and_members_cannot_touch_others(world):
    relay = new_relay(world, capacity=1)
    a, b = members(world, "甲", "乙")
    signups.sign_up(a, relay)
    signups.sign_up(b, relay)
    with pytest.raises(NotAllowed):
        signups.withdraw_entry(b, entry_of(world, relay, "甲"))
    removed = signups.withdraw_entry(world.owner, entry_of(world, relay, "甲"))
    assert removed.status == "removed"
    assert lists(world, relay) == (["乙"], [])
    assert log_texts(world, relay)[0] == "No. 1 was removed by an organiser → waitlist 1 promoted"


def test_withdrawing_twice_changes_nothing(world):
    relay = new_relay(world, capacity=1)
    a, b, c = members(world, "甲", "乙", "丙")
    for person in (a, b, c):
        signups.sign_up(person, relay)
    entry = entry_of(world, relay, "甲")
    signups.withdraw_entry(a, entry)
    signups.withdraw_entry(a, entry)
    assert lists(world, relay) == (["乙"], ["丙"])


def test_strangers_and_nobody_are_refused(world):
    relay = new_relay(world)
    stranger, _ = people.create_person("路人")
    with pytest.raises(NotFound):
        signups.sign_up(stranger, relay)
    with pytest.raises(Unauthenticated):
        service.relay_state(None, relay)


# --- Capacity changes ------------------------------------------------------------------------

def test_capacity_cannot_drop_below_what_is_taken(world):
    relay = new_relay(world, capacity=3, guests_max=1)
    a, b = members(world, "甲", "乙")
    signups.sign_up(a, relay, guests=1)
    signups.sign_up(b, relay)
    with pytest.raises(Conflict) as refused:
        service.update_relay(world.owner, relay, capacity=2)
    assert "3" in refused.value.message
    service.update_relay(world.owner, relay, capacity=3)
    assert relay.capacity == 3


def test_more_places_promote_the_waitlist_in_order(world):
    relay = new_relay(world, capacity=1)
    a, b, c, d = members(world, "甲", "乙", "丙", "丁")
    for person in (a, b, c, d):
        signups.sign_up(person, relay)
    service.update_relay(world.owner, relay, capacity=3)
    assert lists(world, relay) == (["甲", "乙", "丙"], ["丁"])
    assert log_texts(world, relay)[0] == "Places changed from 1 to 3 → waitlist 1, 2 promoted"
    service.update_relay(world.owner, relay, capacity=None)
    assert lists(world, relay) == (["甲", "乙", "丙", "丁"], [])


def test_a_full_list_without_waitlist_refuses(world):
    relay = new_relay(world, capacity=1, waitlist=False)
    a, b = members(world, "甲", "乙")
    signups.sign_up(a, relay)
    with pytest.raises(Conflict):
        signups.sign_up(b, relay)
    assert service.relay_state(b, relay).refusal == "full"


def test_the_reply_format_is_fixed_once_someone_signed_up(world):
    relay = new_relay(world, fields=[PHONE])
    service.update_relay(world.owner, relay, fields=[{"key": "size", "label": "尺码"}])
    assert [f.key for f in relay.fields] == ["size"]
    (a,) = members(world, "甲")
    signups.sign_up(a, relay)
    with pytest.raises(Conflict):
        service.update_relay(world.owner, relay, fields=[PHONE])


def test_slot_capacity_changes_and_removal(world):
    relay = new_relay(world, slots=[{"label": "上午", "capacity": 1}, {"label": "下午"}])
    morning, afternoon = relay.slots
    a, b = members(world, "甲", "乙")
    signups.sign_up(a, relay, slot_id=morning.public_id)
    signups.sign_up(b, relay, slot_id=morning.public_id)
    keep = [{"id": morning.public_id, "label": "上午", "capacity": 2},
            {"id": afternoon.public_id, "label": "下午"}]
    service.update_relay(world.owner, relay, slots=keep)
    assert lists(world, relay) == (["甲", "乙"], [])
    with pytest.raises(Conflict):
        service.update_relay(world.owner, relay, slots=[keep[1]])
    service.update_relay(world.owner, relay, slots=[keep[0]])
    assert [s.label for s in relay.slots] == ["上午"]


def test_the_database_itself_refuses_more_confirmed_places_than_capacity(world):
    relay = new_relay(world, capacity=2)
    with pytest.raises(IntegrityError):
        db.session.execute(update(Relay).where(Relay.id == relay.id).values(taken=3))
        db.session.flush()
    db.session.rollback()
    assert db.session.execute(text("SELECT taken FROM relay")).scalar() == 0
