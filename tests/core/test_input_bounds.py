"""Input that would break pages for everyone (issue 10 §3): deadlines in year 9999,
extreme stored times shown in far-off zones, and lone surrogates in any text."""
from datetime import date, datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError
from sqlalchemy import text, update

from grouptools.core.fields import Deadline, ScheduleDate, ScheduleDateTime
from grouptools.core.groups.schemas import GroupCreateSchema
from grouptools.core.timeutil import local_time, utcnow
from grouptools.extensions import db
from grouptools.poll.models import Poll
from grouptools.relay.models import Relay
from tests.core.groups.test_views import submit
from tests.relay.test_views import create_form, phones  # noqa: F401 (fixture)

OPTIONS = [{"text": "爬山"}, {"text": "看电影"}]


def _iso(at):
    return at.isoformat().replace("+00:00", "Z")


# --- Deadlines ---------------------------------------------------------------------------

@pytest.mark.parametrize("deadline", ["9999-12-31T17:00:00Z", "0001-01-01T00:00:00+14:00"])
def test_a_deadline_at_the_end_of_the_calendar_is_refused(group_with, deadline):
    gid, owner, _ = group_with()
    poll = owner.post(f"/api/v1/groups/{gid}/polls",
                      json={"title": "周末", "options": OPTIONS, "deadline": deadline})
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "羽毛球", "deadline": deadline})
    for answer in (poll, relay):
        assert answer.status_code == 422, answer.get_json()
        body = answer.get_json()
        assert set(body) >= {"code", "status", "message", "errors"}
        assert "5 years" in body["errors"]["json"]["deadline"][0]
    assert owner.get(f"/api/v1/groups/{gid}").status_code == 200


def test_deadlines_are_accepted_from_yesterday_up_to_five_years_ahead(group_with):
    gid, owner, _ = group_with()
    now = utcnow()
    relays = f"/api/v1/groups/{gid}/relays"
    assert owner.post(relays, json={"title": "a", "deadline": _iso(now - timedelta(hours=20))}
                      ).status_code == 201
    assert owner.post(relays, json={"title": "b", "deadline": _iso(now + timedelta(days=4 * 365))}
                      ).status_code == 201
    assert owner.post(relays, json={"title": "c", "deadline": _iso(now - timedelta(days=2))}
                      ).status_code == 422
    assert owner.post(relays, json={"title": "d", "deadline": _iso(now + timedelta(days=6 * 365))}
                      ).status_code == 422
    rid = owner.post(relays, json={"title": "e"}).get_json()["id"]
    patched = owner.patch(f"/api/v1/relays/{rid}", json={"deadline": "9999-12-31T17:00:00Z"})
    assert patched.status_code == 422


def test_the_forms_refuse_a_deadline_in_year_9999_next_to_the_field(phones):  # noqa: F811
    gid, clients, _, _ = phones
    boss = clients["群主"]
    page = f"/g/{gid}/relays/new"
    refused = submit(boss, page, page, create_form(deadline="9999-12-31T23:59"),
                     headers={"Accept-Language": "en"})
    assert refused.status_code == 422
    assert "from yesterday up to 5 years ahead" in refused.get_data(as_text=True)
    page = f"/g/{gid}/polls/new"
    refused = submit(boss, page, page, {"title": "周末", "option": ["爬山", "看电影"],
                                        "deadline": "9999-12-31T23:59"},
                     headers={"Accept-Language": "zh-CN"})
    assert refused.status_code == 422
    assert "截止时间" in refused.get_data(as_text=True)


def test_other_times_lie_between_2000_and_five_years_ahead(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        now = utcnow()
        event = ScheduleDateTime()
        assert event.deserialize("2000-01-01T00:00:00Z") == datetime(2000, 1, 1, tzinfo=timezone.utc)
        assert event.deserialize(_iso(now + timedelta(days=4 * 365)))
        for bad in ("1999-12-31T23:59:00Z", "9999-12-31T17:00:00Z"):
            with pytest.raises(ValidationError, match="from the year 2000"):
                event.deserialize(bad)
        starts_on = ScheduleDate()
        assert starts_on.deserialize("2020-02-29") == date(2020, 2, 29)
        for bad in ("1970-01-01", "9999-12-31"):
            with pytest.raises(ValidationError, match="from the year 2000"):
                starts_on.deserialize(bad)
        with pytest.raises(ValidationError, match="from yesterday"):
            Deadline().deserialize("2001-01-01T00:00:00Z")


# --- Stored values shown in any zone -----------------------------------------------------

@pytest.mark.parametrize("stored, zone, shown", [
    (datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc), "Pacific/Kiritimati", "9999"),
    (datetime(1, 1, 1, 0, 0, tzinfo=timezone.utc), "Pacific/Pago_Pago", "Jan 1, 1"),
])
def test_pages_show_a_stored_extreme_deadline_in_any_zone(app, group_with, stored, zone, shown):
    """A deadline stored before the bounds existed (or written straight into the
    database) must not turn the group's pages into 500s for everyone."""
    gid, owner, people = group_with(members=["甲"])
    future = _iso(utcnow() + timedelta(days=3))
    pid = owner.post(f"/api/v1/groups/{gid}/polls",
                     json={"title": "周末", "options": OPTIONS, "deadline": future}).get_json()["id"]
    rid = owner.post(f"/api/v1/groups/{gid}/relays",
                     json={"title": "羽毛球", "deadline": future}).get_json()["id"]
    with app.app_context():
        db.session.execute(update(Poll).values(deadline=stored))
        db.session.execute(update(Relay).values(deadline=stored))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # psycopg builds each timestamptz in the session's zone: it must be UTC.
            assert db.session.scalar(text("SHOW TIME ZONE")) == "UTC"
    assert owner.patch(f"/api/v1/groups/{gid}", json={"timezone": zone}).status_code == 200
    member = people["甲"][0]
    for who in (owner, member):
        for path in (f"/g/{gid}", f"/p/{pid}", f"/r/{rid}", f"/api/v1/polls/{pid}",
                     f"/api/v1/relays/{rid}", f"/p/{pid}/poster.png", f"/r/{rid}/poster.png"):
            answer = who.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
    relay_page = owner.get(f"/r/{rid}").get_data(as_text=True)
    assert shown in relay_page
    for path in (f"/p/{pid}/edit", f"/r/{rid}/manage", f"/api/v1/polls/{pid}/export.csv",
                 f"/api/v1/relays/{rid}/export.xlsx", f"/api/v1/groups/{gid}/export.json"):
        assert owner.get(path).status_code == 200, path


def test_local_time_falls_back_to_utc_where_the_zone_cannot_hold_the_time():
    class Group:
        timezone = "Pacific/Kiritimati"

    end = datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc)
    assert local_time(Group, end) == end
    ordinary = datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)
    assert local_time(Group, ordinary).hour == 14


def test_the_settings_form_keeps_a_long_past_deadline_it_shows_unchanged(app, phones):  # noqa: F811
    gid, clients, owner, _ = phones
    rid = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "羽毛球"}).get_json()["id"]
    past = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    with app.app_context():
        db.session.execute(update(Relay).values(deadline=past))
        db.session.commit()
    manage = f"/r/{rid}/manage"
    saved = submit(clients["群主"], manage, f"/r/{rid}/settings",
                   {"title": "羽毛球（改）", "description": "", "capacity": "", "waitlist": "1",
                    "guests_max": "0", "per_member_max": "1", "deadline": "2024-05-01T20:00"})
    assert saved.status_code == 303, saved.get_data(as_text=True)[:3000]
    relay = owner.get(f"/api/v1/relays/{rid}").get_json()
    assert relay["title"] == "羽毛球（改）"
    assert relay["deadline"].startswith("2024-05-01T12:00")


# --- Lone surrogates ---------------------------------------------------------------------

def _refused(answer, *path):
    assert answer.status_code == 422, answer.get_data(as_text=True)
    errors = answer.get_json()["errors"]["json"]
    for key in path:
        errors = errors[key]
    assert errors == ["Contains a character that is not valid text."]


def test_lone_surrogates_are_refused_at_parsing(app, group_with):
    headers = {"Accept-Language": "en"}
    _refused(app.test_client().post("/api/v1/people", json={"name": "张\udfff"}, headers=headers),
             "name")
    gid, owner, people = group_with(members=["甲"])
    _refused(owner.post("/api/v1/groups", json={"name": "\ud800群"}, headers=headers), "name")
    _refused(owner.patch(f"/api/v1/groups/{gid}", json={"description": "x\udfff"},
                         headers=headers), "description")
    _refused(owner.post(f"/api/v1/groups/{gid}/polls", headers=headers,
                        json={"title": "t", "options": [{"text": "a"}, {"text": "\udc00"}]}),
             "options", "1", "text")
    rid = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "羽毛球",
        "fields": [{"key": "level", "label": "水平", "type": "text"}]}).get_json()["id"]
    _refused(owner.post(f"/api/v1/relays/{rid}/import", json={"text": "1. 小红\udfff 高手"},
                        headers=headers), "text")
    _refused(people["甲"][0].post(f"/api/v1/relays/{rid}/entries", headers=headers,
                                  json={"values": {"level": "高\udfff"}}), "values", "level")
    _refused(people["甲"][0].post(f"/api/v1/relays/{rid}/entries", headers=headers,
                                  json={"values": {"lev\udfffel": "x"}}), "values", "lev\\udfffel")
    relay = owner.get(f"/api/v1/relays/{rid}").get_json()
    assert relay["entries"] == []
    assert owner.get(f"/g/{gid}").status_code == 200


def test_form_text_refuses_lone_surrogates(app):
    """Forms are read with the same schemas (core.forms.read_form): a surrogate that
    reached a form field is refused like in JSON."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(ValidationError) as refused:
            GroupCreateSchema().load({"name": "跑步\udfff群"})
        assert refused.value.messages["name"] == ["Contains a character that is not valid text."]
