"""The time-zone menu and what the API accepts (issue 15): places people live in, the
common ones first, no `Factory`, `localtime`, `posixrules`, `Etc/*` or legacy aliases."""
import re

import pytest
from sqlalchemy import update

from grouptools.core.models import Group
from grouptools.core.timezones import COMMON_ZONES, ordered_zones, place_zones, zone_choices
from grouptools.extensions import db
from tests.core.groups.test_views import ZH, browser_owner, submit  # noqa: F401 (fixture)

NOT_PLACES = ["Factory", "localtime", "posixrules", "Etc/GMT+8", "Etc/UTC", "PRC", "US/Eastern",
              "GMT", "EST5EDT", "Asia/Chongqing"]
FIRST = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo"]


def test_common_zones_come_first_then_every_other_place_sorted():
    zones = ordered_zones()
    assert zones[:5] == FIRST
    common = [z for z in COMMON_ZONES if z in place_zones()]
    assert zones[:len(common)] == common
    assert {"Europe/London", "America/New_York", "America/Los_Angeles",
            "Australia/Sydney"} <= set(common)
    rest = zones[len(common):]
    assert rest == sorted(rest) and "Europe/Paris" in rest and "Asia/Kolkata" in rest
    assert len(zones) == len(set(zones)) > 300


def test_no_zone_offered_is_a_non_place():
    zones = set(ordered_zones())
    assert not zones & set(NOT_PLACES)
    assert not [z for z in zones if z.startswith(("Etc/", "SystemV/", "US/", "posix", "right/"))]


def test_labels_name_the_city_in_the_readers_language_and_the_offset():
    zh = dict(zone_choices("zh_Hans"))
    en = dict(zone_choices("en"))
    assert zh["Asia/Shanghai"] == "上海 · Asia/Shanghai (UTC+08:00)"
    assert en["Asia/Shanghai"] == "Asia/Shanghai (UTC+08:00)"
    assert en["America/New_York"].startswith("America/New York (UTC-0")


@pytest.mark.parametrize("zone", NOT_PLACES)
def test_the_api_refuses_a_zone_that_is_no_place(user, zone):
    owner = user("群主")
    answer = owner.post("/api/v1/groups", json={"name": "跑步群", "timezone": zone})
    assert answer.status_code == 422
    assert "Asia/Shanghai" in answer.get_json()["errors"]["json"]["timezone"][0]


def test_the_api_takes_places_and_utc(group_with):
    gid, owner, _ = group_with(timezone="Asia/Taipei")
    assert owner.get(f"/api/v1/groups/{gid}").get_json()["timezone"] == "Asia/Taipei"
    for zone in ("Africa/Nairobi", "UTC"):
        assert owner.patch(f"/api/v1/groups/{gid}", json={"timezone": zone}).status_code == 200
    refused = owner.patch(f"/api/v1/groups/{gid}", json={"timezone": "posixrules"},
                          headers=ZH)
    assert refused.status_code == 422
    assert "时区" in refused.get_json()["errors"]["json"]["timezone"][0]


@pytest.mark.parametrize("headers, shanghai", [
    (ZH, "上海 · Asia/Shanghai (UTC+08:00)"),
    ({"Accept-Language": "en"}, "Asia/Shanghai (UTC+08:00)"),
])
def test_the_create_form_lists_common_zones_first(client, headers, shanghai):
    page = client.get("/groups/new", headers=headers).get_data(as_text=True)
    menu = re.search(r'<select id="f-timezone".*?</select>', page, re.S).group(0)
    values = re.findall(r'<option value="([^"]+)"', menu)
    assert values[:5] == FIRST
    assert not set(values) & set(NOT_PLACES)
    assert f'<option value="Asia/Shanghai" selected>{shanghai}</option>' in menu


def test_the_settings_form_refuses_a_non_place_and_keeps_a_stored_legacy_zone(
        app, browser_owner):  # noqa: F811
    phone, gid = browser_owner
    fields = {"name": "三年二班家长群", "join_policy": "open", "timezone": "Factory"}
    refused = submit(phone, f"/g/{gid}/settings", f"/g/{gid}/settings", fields, headers=ZH)
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    with app.app_context():  # a group whose zone was stored before the list was curated
        db.session.execute(update(Group).values(timezone="Asia/Chongqing"))
        db.session.commit()
    page = phone.get(f"/g/{gid}/settings").get_data(as_text=True)
    assert '<option value="Asia/Chongqing" selected>' in page
    kept = submit(phone, f"/g/{gid}/settings", f"/g/{gid}/settings",
                  {**fields, "timezone": "Asia/Chongqing", "name": "新名字"})
    assert kept.status_code == 303
    group = phone.get(f"/api/v1/groups/{gid}").get_json()
    assert group["timezone"] == "Asia/Chongqing" and group["name"] == "新名字"
