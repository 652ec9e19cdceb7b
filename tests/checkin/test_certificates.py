"""Certificates of achievements: the picture (1080 px wide, Chinese drawn with the CJK
font, its QR code reading back the exact verification address, cached with an ETag) for
the group's members and the earner, and the public verification page its QR carries."""
import io
import re

import pytest
from PIL import Image

from tests.core.test_share import zbar


@pytest.fixture
def earned(group_with):
    """A habit of 跑步群 whose first milestone is one day; 张小明 has just earned it.
    → (hid, owner, people, achievement)"""
    gid, owner, people = group_with(members=("张小明", "乙"))
    habit = owner.post(f"/api/v1/groups/{gid}/habits",
                       json={"title": "每天跑步 5 公里", "milestones": [1, 7]}).get_json()
    runner = people["张小明"][0]
    done = runner.post(f"/api/v1/habits/{habit['id']}/checkins", json={}).get_json()
    [achievement] = done["achievements"]
    return habit["id"], owner, people, achievement, gid


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_picture_is_1080_wide_and_its_qr_reads_the_exact_verify_url(earned, tmp_path):
    hid, owner, _, achievement, _ = earned
    response = owner.get(path_of(achievement["card_url"]))
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).width == 1080
    assert achievement["verify_url"].endswith(f"/a/{achievement['id']}")
    assert zbar(response.data, tmp_path) == [achievement["verify_url"]]
    (tmp_path / "certificate.png").write_bytes(response.data)


def test_a_chinese_named_certificate_has_chinese_glyphs_not_boxes(earned):
    from grouptools.core import fonts
    assert fonts.can_draw_chinese(), "no CJK font: the certificate would show boxes"
    hid, owner, _, achievement, _ = earned
    picture = owner.get(path_of(achievement["card_url"]) + "?lang=zh-Hans").data
    with open("/tmp/certificate-zh.png", "wb") as out:  # to look at
        out.write(picture)
    english = owner.get(path_of(achievement["card_url"]) + "?lang=en").data
    with open("/tmp/certificate-en.png", "wb") as out:
        out.write(english)
    assert picture != english  # the captions follow the reader's language


def test_the_picture_is_cached_with_an_etag(earned):
    _, owner, _, achievement, _ = earned
    first = owner.get(path_of(achievement["card_url"]))
    assert first.headers["ETag"] and "private" in first.headers["Cache-Control"]
    again = owner.get(path_of(achievement["card_url"]),
                      headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_members_and_the_earner_see_the_picture_strangers_do_not(earned, user, app):
    hid, owner, people, achievement, gid = earned
    path = path_of(achievement["card_url"])
    assert people["乙"][0].get(path).status_code == 200
    assert user("路人").get(path).status_code == 404
    assert app.test_client().get(path).status_code == 401
    runner = people["张小明"][0]
    assert runner.delete(f"/api/v1/groups/{gid}/members/me").status_code == 204
    assert runner.get(path).status_code == 200  # still theirs after leaving
    assert app.test_client().get(path_of(achievement["verify_url"])).status_code == 200


@pytest.mark.parametrize("bad", ["/a/ZZZZZZZZZZ", "/h/{hid}/a/ZZZZZZZZZZ/card.png"])
def test_unknown_ids_are_404(earned, bad):
    hid, owner, *_ = earned
    assert owner.get(bad.format(hid=hid)).status_code == 404


def test_a_certificate_of_another_habit_is_404(earned):
    hid, owner, _, achievement, gid = earned
    other = owner.post(f"/api/v1/groups/{gid}/habits", json={"title": "读书"}).get_json()
    assert owner.get(f"/h/{other['id']}/a/{achievement['id']}/card.png").status_code == 404


def test_the_verify_page_shows_the_facts_and_nothing_private(earned, app):
    hid, owner, people, achievement, _ = earned
    page = app.test_client().get(path_of(achievement["verify_url"]),
                                 headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for fact in ("张小明", "跑步群", "每天跑步 5 公里", "This certificate is genuine"):
        assert fact in html
    assert re.search(r'certificate-days">\s*1\s*<', html)
    # Nothing the certificate does not show: no link into the group or habit, no ids.
    assert hid not in html and "/g/" not in html and "/h/" not in html
    assert people["乙"][1] not in html and people["张小明"][1] not in html
    zh = app.test_client().get(path_of(achievement["verify_url"]),
                               headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "成就证书" in zh or "证书" in zh


def test_the_habit_page_lists_my_certificates_with_their_pictures(earned):
    hid, _, people, achievement, _ = earned
    html = people["张小明"][0].get(f"/h/{hid}?lang=en").get_data(as_text=True)
    assert f'src="{path_of(achievement["card_url"])}"' in html
    assert f'href="{path_of(achievement["verify_url"])}"' in html
    other = people["乙"][0].get(f"/h/{hid}?lang=en").get_data(as_text=True)
    assert path_of(achievement["card_url"]) not in other and "No certificate yet" in other



def test_my_certificates_stay_listed_whichever_month_the_calendar_shows(earned):
    """They are read with the calendar's days (one statement), but not by its month."""
    hid, _, people, achievement, _ = earned
    runner = people["张小明"][0]
    year, month = (int(part) for part in achievement["earned_on"][:7].split("-"))
    for shown in (f"{year - 1}-{month:02d}", achievement["earned_on"][:7]):
        html = runner.get(f"/h/{hid}?lang=en&month={shown}").get_data(as_text=True)
        assert f'src="{path_of(achievement["card_url"])}"' in html
        assert "No certificate yet" not in html


def test_the_calendar_marks_my_days_and_moves_between_months(earned, app):
    hid, _, people, achievement, gid = earned
    runner = people["张小明"][0]
    html = runner.get(f"/h/{hid}?lang=en").get_data(as_text=True)
    earned_on = achievement["earned_on"]
    assert '<table class="habit-calendar">' in html and 'scope="col"' in html
    assert html.count("is-done") >= 2 and ": checked in" in html  # the day and the legend
    year, month = int(earned_on[:4]), int(earned_on[5:7])
    previous = f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
    assert f"month={previous}#calendar" in html
    before = runner.get(f"/h/{hid}?lang=en&month={previous}").get_data(as_text=True)
    assert ": checked in" not in before and "Next month" in before
    for odd in ("2026-13", "x", "0000-01", "9999-12", "2026-1"):
        assert runner.get(f"/h/{hid}?month={odd}").status_code == 200


def test_me_lists_my_certificates_even_after_i_left(earned):
    _, _, people, achievement, gid = earned
    runner = people["张小明"][0]
    for _ in range(2):
        html = runner.get("/me?lang=en").get_data(as_text=True)
        assert "My certificates" in html and "每天跑步 5 公里" in html
        assert f'src="{path_of(achievement["card_url"])}"' in html
        assert f'href="{path_of(achievement["verify_url"])}"' in html
        runner.delete(f"/api/v1/groups/{gid}/members/me")
    assert "My certificates" not in people["乙"][0].get("/me?lang=en").get_data(as_text=True)


def test_the_calendar_marks_a_made_up_day(world):
    import re
    from datetime import timedelta

    from grouptools.checkin.calendar import calendar_rows, month_view
    from grouptools.core.timeutil import local_today

    w = world()
    runner, other = w.member("跑者"), w.member("旁观者")
    habit = w.habit()
    today = local_today(w.group)
    w.check_in(runner, habit, None, date=today - timedelta(days=1))
    w.check_in(runner, habit, None)
    month = (today - timedelta(days=1)).strftime("%Y-%m")

    def cells(person):
        rows = calendar_rows(habit, month_view(person, habit, today, month), today, "/h/x")
        return {day: (classes, label) for classes, day, label in re.findall(
            r'<td class="([^"]*)"[^>]*>.*?\?day=([0-9-]+)#day.*?<span class="sr-only">'
            r"([^<]*)</span>", rows)}

    made_up = cells(runner)[(today - timedelta(days=1)).isoformat()]
    assert "is-done is-makeup" in made_up[0] and "made up" in made_up[1]
    if today.strftime("%Y-%m") == month:
        assert "is-done is-today" in cells(runner)[today.isoformat()][0]
    # The cells are drawn once for the month: another member's show their own days.
    seen = cells(other)[(today - timedelta(days=1)).isoformat()]
    assert "is-done" not in seen[0] and "not checked in" in seen[1]


def test_the_certificate_draws_the_earners_avatar_their_colour_then_their_photo(earned):
    """The same avatar as on every page (core.avatars): the earner's colour, and their
    photo once they upload one — a new picture, so a new ETag."""
    from grouptools.core.avatars import avatar_colour
    from tests.core.people.test_avatars import png, put_avatar

    _, owner, people, achievement, _ = earned
    runner = people["张小明"][0]
    first = owner.get(path_of(achievement["card_url"]))
    spot = (540 - 70, 310 + 92)  # inside the avatar's circle, left of the initial
    assert Image.open(io.BytesIO(first.data)).convert("RGB").getpixel(spot) == \
        avatar_colour(runner.id)
    assert put_avatar(runner, png((20, 160, 40))).status_code == 200
    again = owner.get(path_of(achievement["card_url"]))
    assert again.headers["ETag"] != first.headers["ETag"]
    drawn = Image.open(io.BytesIO(again.data)).convert("RGB").getpixel(spot)
    assert all(abs(a - b) <= 4 for a, b in zip(drawn, (20, 160, 40)))  # kept as a JPEG
