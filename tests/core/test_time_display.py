"""One time filter for every template: the group's zone, the reader's language."""
from datetime import datetime, timezone
from types import SimpleNamespace

from flask import render_template_string

SHANGHAI = SimpleNamespace(timezone="Asia/Shanghai")


def test_the_filter_shows_the_groups_zone_in_the_readers_language(app):
    at = datetime(2031, 12, 1, 12, 0, tzinfo=timezone.utc)  # 20:00 in Shanghai, a Monday
    page = "{{ at|local_datetime(group) }}|{{ at|local_date(group) }}|{{ none|local_datetime(group) }}"
    with app.test_request_context("/?lang=en"):
        assert render_template_string(page, at=at, group=SHANGHAI, none=None) \
            == "Mon, Dec 1, 2031, 8:00\u202fPM|Dec 1, 2031|"
    with app.test_request_context("/?lang=zh"):
        shown = render_template_string(page, at=at, group=SHANGHAI, none=None)
    assert shown.startswith("2031年12月1日周一 20:00|2031年12月1日|"), shown
