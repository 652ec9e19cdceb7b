"""core.widgetbase, core.loaders and core.closing: what every widget shares — when it
is closed (in Python and in SQL, which must agree), loading it by public id, the
loader's 401/404/403, closing and reopening — checked on each widget that uses them."""
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from grouptools.core.access import Action
from grouptools.core.closing import close_widget, set_closed
from grouptools.core.errors import NotAllowed, NotFound
from grouptools.core.groups import service as groups
from grouptools.core.loaders import load_widget
from grouptools.core.models import new_public_id
from grouptools.core.people import service as people
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll import service as polls
from grouptools.poll.models import Poll
from grouptools.relay import service as relays
from grouptools.relay.models import Relay


def make_poll(person, group, title="周末去哪"):
    return polls.create_poll(person, group, title=title, options=[{"text": "爬山"},
                                                                   {"text": "看电影"}])


def make_relay(person, group, title="周六羽毛球"):
    return relays.create_relay(person, group, title)


MAKERS = {Poll: make_poll, Relay: make_relay}


@pytest.fixture
def world(app_ctx):
    owner, _ = people.create_person("群主")
    member, _ = people.create_person("成员")
    stranger, _ = people.create_person("路人")
    group = groups.create_group(owner, name="羽毛球群")
    groups.join_group(member, group)
    return {"owner": owner, "member": member, "stranger": stranger, "group": group}


@pytest.mark.parametrize("model", [Poll, Relay], ids=lambda m: m.__name__)
def test_closed_by_hand_or_past_the_deadline(world, model):
    widget = MAKERS[model](world["owner"], world["group"])
    now = utcnow()
    assert not widget.is_closed()
    widget.deadline = now + timedelta(hours=1)
    assert not widget.is_closed(now)
    assert widget.is_closed(now + timedelta(hours=1))  # the deadline itself closes it
    widget.deadline = None
    widget.closed_at = now
    assert widget.is_closed(now - timedelta(days=1))


@pytest.mark.parametrize("model", [Poll, Relay], ids=lambda m: m.__name__)
def test_the_sql_condition_agrees_with_is_closed(world, model):
    """Listers and departures filter with still_open: it must pick exactly the widgets
    is_closed calls open, at the same moment, on either database."""
    now = utcnow()
    states = {"open": (None, None), "future deadline": (now + timedelta(minutes=5), None),
              "past deadline": (now - timedelta(minutes=5), None),
              "deadline now": (now, None), "closed by hand": (None, now - timedelta(hours=1)),
              "closed with future deadline": (now + timedelta(days=1), now)}
    widgets = {}
    for name, (deadline, closed_at) in states.items():
        widget = MAKERS[model](world["owner"], world["group"], title=name)
        widget.deadline, widget.closed_at = deadline, closed_at
        widgets[name] = widget
    db.session.commit()
    db.session.expire_all()
    open_in_sql = set(db.session.scalars(
        select(model.title).where(model.group_id == world["group"].id, model.still_open(now))))
    open_in_python = {name for name, widget in widgets.items() if not widget.is_closed(now)}
    assert open_in_sql == open_in_python == {"open", "future deadline"}


@pytest.mark.parametrize("model", [Poll, Relay], ids=lambda m: m.__name__)
def test_find_by_public_id_or_404(world, model):
    widget = MAKERS[model](world["owner"], world["group"])
    assert model.find(widget.public_id) is widget
    with pytest.raises(NotFound):
        model.find(new_public_id())


@pytest.fixture
def ask(app, world):
    """ask(who, model, public_id, action) → load_widget's answer in a request by `who`."""

    def run(who, model, public_id, action=Action.VIEW_GROUP):
        with app.test_request_context("/"):
            g.person = world[who] if who else None
            return load_widget(model, public_id, action)

    return run


@pytest.mark.parametrize("model", [Poll, Relay], ids=lambda m: m.__name__)
def test_the_loader_answers_401_404_403_as_access_decides(world, ask, model):
    widget = MAKERS[model](world["owner"], world["group"])
    pid = widget.public_id
    with pytest.raises(HTTPException) as nobody:
        ask(None, model, pid)
    assert nobody.value.code == 401
    with pytest.raises(HTTPException) as nobody_unknown:
        ask(None, model, new_public_id())  # nobody learns whether the id exists
    assert nobody_unknown.value.code == 401
    with pytest.raises(NotFound):
        ask("member", model, new_public_id())
    with pytest.raises(NotFound):
        ask("stranger", model, pid)
    with pytest.raises(NotAllowed) as member_manages:
        ask("member", model, pid, Action.MANAGE_WIDGET)
    assert member_manages.value.status == 403

    loaded = ask("member", model, pid)
    assert loaded.widget.id == widget.id and loaded.person.id == world["member"].id
    assert loaded.membership.person_id == world["member"].id
    managed, person, membership = ask("owner", model, pid, Action.MANAGE_WIDGET)
    assert managed.id == widget.id and membership.role == "owner"


@pytest.mark.parametrize("model", [Poll, Relay], ids=lambda m: m.__name__)
def test_the_public_card_loads_for_anyone(world, ask, model):
    widget = MAKERS[model](world["owner"], world["group"])
    for who in (None, "stranger"):
        loaded = ask(who, model, widget.public_id, Action.VIEW_PUBLIC_CARD)
        assert loaded.widget.id == widget.id and loaded.membership is None
    with pytest.raises(NotFound):
        ask(None, model, new_public_id(), Action.VIEW_PUBLIC_CARD)


@pytest.mark.parametrize("model", [Poll, Relay], ids=lambda m: m.__name__)
def test_closing_and_reopening_by_hand(world, model):
    """core.closing: closing twice keeps the first time and tells the widget once; the
    hook that settles what waits runs while the widget is closed; members get 403."""
    widget = MAKERS[model](world["owner"], world["group"])
    changes, settled_while = [], []

    def close(closed, who="owner"):
        result = close_widget(world[who], widget, closed,
                              on_change=lambda w, c: changes.append(c),
                              while_closed=lambda w: settled_while.append(w.is_closed()))
        db.session.commit()
        return result

    with pytest.raises(NotAllowed):
        close(True, who="member")
    close(True)
    first = widget.closed_at
    assert widget.is_closed() and first is not None
    close(True)
    assert widget.closed_at == first and changes == [True]
    close(False)
    assert not widget.is_closed() and changes == [True, False]
    assert settled_while == [True, True, True]


def test_reopening_drops_a_past_deadline_where_the_widget_says_so(world):
    """A poll reopened after its deadline is open (the deadline goes); a relay keeps its
    deadline, and reopening it only lifts a manual close."""
    past = utcnow() - timedelta(minutes=1)
    poll = make_poll(world["owner"], world["group"])
    relay = make_relay(world["owner"], world["group"])
    for widget in (poll, relay):
        widget.deadline = past
        assert set_closed(widget, False) == (widget is poll, None)
    assert poll.deadline is None and not poll.is_closed()
    assert relay.deadline == past and relay.is_closed()
