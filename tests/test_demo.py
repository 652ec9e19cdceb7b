"""`flask grouptools demo` (what `make demo` serves): two sample groups in which every
registered widget kind has realistic data, and the printed links sign their people in."""
import re

from sqlalchemy import func, select

from grouptools.card.models import Card
from grouptools.checkin.eventmodels import EventSignin
from grouptools.checkin.models import Achievement, Checkin
from grouptools.core.models import Group, Membership
from grouptools.core.widgets import registered_widgets
from grouptools.demo.stories import STORIES
from grouptools.extensions import db
from grouptools.notice.models import NoticeReceipt
from grouptools.poll.models import Participation, PollOption
from grouptools.relay.models import RelayEntry
from tests.core.people.test_signin_links import form_csrf, path_of

LINE = re.compile(r"^  (.+) \((owner|member), (.+)\): (http://demo\.example/signin/\S+)$", re.M)


def run_demo(app):
    result = app.test_cli_runner().invoke(args=["grouptools", "demo",
                                                "--base-url", "http://demo.example"])
    return result


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_gives_every_widget_kind_data_in_both_groups(app):
    result = run_demo(app)
    assert result.exit_code == 0, result.output
    with app.app_context():
        groups = db.session.scalars(select(Group).order_by(Group.id)).all()
        assert [g.name for g in groups] == [s["group"]["name"] for s in STORIES]
        for group, story in zip(groups, STORIES):
            assert count(Membership, Membership.group_id == group.id) == 1 + len(story["members"])
            # A kind registered later fails here until the demo seeds it too.
            for kind in registered_widgets(app):
                assert count(kind.model, kind.model.group_id == group.id) == 1, (group.name, kind.key)
            _check_widgets(group, story)


def _check_widgets(group, story):
    poll_id = _widget_id("poll", group)
    options = db.session.scalars(select(PollOption).where(PollOption.poll_id == poll_id)).all()
    assert options and all(o.image is not None and o.image.width > 0 for o in options)
    assert count(Participation, Participation.poll_id == poll_id) == len(story["poll"]["votes"])

    relay_id = _widget_id("relay", group)
    statuses = db.session.scalars(select(RelayEntry.status).where(RelayEntry.relay_id == relay_id)).all()
    assert statuses.count("confirmed") == story["relay"]["capacity"]
    assert statuses.count("waitlisted") >= 2

    notice_id = _widget_id("notice", group)
    confirmed = count(NoticeReceipt, NoticeReceipt.notice_id == notice_id,
                      NoticeReceipt.confirmed_at.is_not(None))
    opened = count(NoticeReceipt, NoticeReceipt.notice_id == notice_id)
    members = 1 + len(story["members"])
    assert members / 3 < confirmed < members and opened > confirmed  # about half, some only read

    habit_id = _widget_id("checkin", group)
    days = db.session.scalars(select(Checkin.day).where(Checkin.habit_id == habit_id).distinct()).all()
    assert (max(days) - min(days)).days >= 28  # a month of check-ins
    certificates = db.session.scalars(select(Achievement.days).where(Achievement.habit_id == habit_id)).all()
    assert 30 in certificates and 7 in certificates

    folder_id = _widget_id("card", group)
    filled = count(Card, Card.folder_id == folder_id, Card.complete.is_(True))
    assert filled == len(story["cards"]["values"]) < members  # a few still to fill in

    event_id = _widget_id("event", group)
    assert 0 < count(EventSignin, EventSignin.event_id == event_id) < members


def _widget_id(key, group):
    model = next(kind.model for kind in registered_widgets() if kind.key == key)
    return db.session.scalar(select(model.id).where(model.group_id == group.id))


def test_each_printed_link_signs_in_its_person_and_a_second_run_refuses(app):
    result = run_demo(app)
    assert result.exit_code == 0, result.output
    lines = LINE.findall(result.output)
    everyone = [name for story in STORIES for name in (story["owner"], *story["members"])]
    assert [name for name, *_ in lines] == everyone

    for name, role, group, url in (lines[0], lines[-1]):
        phone = app.test_client()
        page = phone.get(path_of(url))
        assert page.status_code == 200 and name in page.get_data(as_text=True)
        assert phone.post(path_of(url), data={"csrf_token": form_csrf(page)}).status_code == 303
        me = phone.get("/api/v1/me").get_json()
        assert me["name"] == name
        assert [(g["name"], g["role"]) for g in me["groups"]] == [(group, role)]

    again = run_demo(app)
    assert again.exit_code != 0 and "already has groups" in again.output
