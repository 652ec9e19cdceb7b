"""The habit page as phones in a chat app use it: checking in with the proof the habit
asks for (a few words, photos picked in the form or uploaded first), a missing or bad
proof shown again next to its field with nothing stored, a make-up with its own proof,
and the calendar whose days open to their check-in (words, photos, make-up mark)."""
import re
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select, update

from grouptools.checkin import checkins
from grouptools.checkin.models import Checkin, CheckinImage, Habit
from grouptools.core.groups.service import join_group, leave_group
from grouptools.core.models import Group, Membership, Person
from grouptools.core.people.service import create_person, rename_person
from grouptools.core.timeutil import local_today, utcnow
from grouptools.extensions import db
from tests.core.groups.test_views import csrf_of, submit
from tests.poll.conftest import png_bytes, upload_picture
from tests.poll.test_views import join, owner_phone, post_form  # noqa: F401  (a fixture)
from tests.test_pages import assert_csp_clean

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
THUMB = re.compile(r'<a href="/images/([\w-]{10})"><img[^>]*src="/images/([\w-]{10})/thumb"')


def make_habit(phone, gid, **fields):
    """The owner creates a habit on the create page; its page's path."""
    form = {"title": "晨跑打卡", "proof": "photo", "weekdays": [str(d) for d in range(1, 8)],
            "makeups_per_month": "2", "makeup_days_back": "3", "milestones": "7, 21",
            **fields}
    created = submit(phone, f"/g/{gid}/habits/new", f"/g/{gid}/habits/new", form, headers=EN)
    assert created.status_code == 303, created.get_data(as_text=True)[:2000]
    return created.headers["Location"]


def joined_long_ago(app, gid):
    """Every member's own days start well before today, so past days can be made up."""
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        db.session.execute(update(Membership).where(Membership.group_id == group.id)
                           .values(joined_at=utcnow() - timedelta(days=30)))
        db.session.commit()
        return local_today(group)


def check_in(phone, page, files=(), headers=EN, **fields):
    return post_form(phone, page, f"{page}/checkin", fields, files, headers=headers)


def stored(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Checkin)),
                db.session.scalar(select(func.count()).select_from(CheckinImage)))


@pytest.fixture
def photo_habit(app, owner_phone):
    """(runner's phone, habit page, gid): a photo habit and a member about to check in."""
    phone, gid = owner_phone
    page = make_habit(phone, gid)
    return join(app, gid, "张小明"), page, gid


def test_a_photo_habit_takes_a_photo_picked_on_the_page(app, photo_habit):
    runner, page, _ = photo_habit
    html = runner.get(page, headers=EN).get_data(as_text=True)
    assert_csp_clean(html)
    assert 'enctype="multipart/form-data"' in html and 'id="f-photos" name="photos"' in html
    assert "/static/js/photos.js" in html

    done = check_in(runner, page, [("run.png", png_bytes((30, 160, 90)))], text="5 公里")
    assert done.status_code == 303
    html = runner.get(page, headers=EN).get_data(as_text=True)
    assert "You checked in today." in html
    feed = html[html.index('id="today"'):]
    photos = THUMB.findall(feed)
    assert len(photos) == 1 and photos[0][0] == photos[0][1]
    assert "5 公里" in feed
    assert runner.get(f"/images/{photos[0][0]}/thumb").status_code == 200
    assert stored(app) == (1, 1)


def test_the_page_shows_the_newest_check_ins_of_today_and_links_to_all_of_them(
        app, owner_phone):
    """A big group's morning: the page lists the ten newest check-ins and says how many
    more there are; /today lists them all; the asker can still undo their own."""
    phone, gid = owner_phone
    page = make_habit(phone, gid, proof="none")
    early = join(app, gid, "早起的人")
    assert check_in(early, page).status_code == 303
    with app.app_context(), app.test_request_context():
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        habit = db.session.scalar(select(Habit).where(Habit.public_id == page.rsplit("/", 1)[1]))
        for n in range(11):
            person, _ = create_person(f"跑者{n}")
            join_group(person, group)
            checkins.check_in(person, habit, text=f"第{n}个")
    html = early.get(page, headers=EN).get_data(as_text=True)
    assert_csp_clean(html)
    feed = html[html.index('id="today"'):html.index('id="leaderboard"')]
    assert "Checked in today: 12 / 13" in feed
    assert re.findall(r"第(\d+)个", feed) == [str(n) for n in range(10, 0, -1)]
    assert "早起的人" not in feed and "See 2 more check-ins of today" in feed
    assert "Undo today&#39;s check-in" in html or "Undo today's check-in" in html
    more = re.search(r'href="([^"]+/today)"', feed).group(1)
    everyone = early.get(more, headers=ZH)
    assert everyone.status_code == 200
    listed = everyone.get_data(as_text=True)
    assert_csp_clean(listed)
    assert "今天的打卡" in listed
    assert re.findall(r"第(\d+)个", listed) == [str(n) for n in range(10, -1, -1)]
    assert listed.index("第0个") < listed.index("早起的人")
    stranger = app.test_client()
    assert stranger.get(more).status_code == 401


def test_a_missing_photo_comes_back_marked_and_stores_nothing(app, photo_habit):
    runner, page, _ = photo_habit
    for headers, message in ((EN, "This habit asks for a photo with each check-in."),
                             (ZH, "此打卡需要每次上传照片。")):
        refused = check_in(runner, page, headers=headers, text="今天跑了")
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        assert re.search(r'id="f-photos"[^>]*aria-invalid="true"', html)
        assert message in html[html.index('id="f-photos-error"'):]
        assert "今天跑了</textarea>" in html  # what was typed is kept
    assert stored(app) == (0, 0)


def test_a_file_that_is_no_picture_is_named_and_the_words_need_their_photo(app, owner_phone):
    phone, gid = owner_phone
    page = make_habit(phone, gid, proof="text_photo")
    runner = join(app, gid, "张小明")
    refused = check_in(runner, page, [("notes.txt", b"not a picture")], text="")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "notes.txt:" in html[html.index('id="f-photos-error"'):]
    assert re.search(r'id="f-text"[^>]*aria-invalid="true"', html)
    assert stored(app) == (0, 0)

    # A photo with the words missing: the photo is kept in the form, not picked again.
    kept = check_in(runner, page, [("run.png", png_bytes())], text="")
    assert kept.status_code == 422
    html = kept.get_data(as_text=True)
    assert re.search(r'id="f-text"[^>]*aria-invalid="true"', html)
    photo_ids = re.findall(r'name="photo_id" value="([\w-]{10})"', html)
    assert len(photo_ids) == 1 and 'id="f-remove-0"' in html
    done = check_in(runner, page, text="配速 6 分", photo_id=photo_ids)
    assert done.status_code == 303
    assert stored(app) == (1, 1)
    with app.app_context():
        assert db.session.scalar(select(CheckinImage.image_id)) is not None


def test_a_photo_ticked_for_removal_leaves_and_a_photo_of_another_group_is_refused(
        app, owner_phone, user):
    phone, gid = owner_phone
    page = make_habit(phone, gid, proof="text_photo")
    runner = join(app, gid, "张小明")
    kept = check_in(runner, page, [("a.png", png_bytes())], text="")
    photo_id = re.findall(r'name="photo_id" value="([\w-]{10})"', kept.get_data(as_text=True))
    assert len(photo_id) == 1
    removed = check_in(runner, page, text="跑完了", photo_id=photo_id, remove_photo=photo_id)
    assert removed.status_code == 422
    html = removed.get_data(as_text=True)
    assert re.search(r'id="f-photos"[^>]*aria-invalid="true"', html)
    assert 'name="photo_id"' not in html

    stranger = user("路人")
    other = stranger.post("/api/v1/groups", json={"name": "别的群"}).get_json()["id"]
    refused = check_in(runner, page, text="跑完了", photo_id=[upload_picture(stranger, other)])
    assert refused.status_code == 422  # not this group's: not kept, the photo is still missing
    assert re.search(r'id="f-photos"[^>]*aria-invalid="true"', refused.get_data(as_text=True))
    assert stored(app) == (0, 0)


def test_a_photo_uploaded_first_comes_as_its_id(app, owner_phone):
    """With JavaScript, photos.js uploads each photo and the form brings only ids."""
    phone, gid = owner_phone
    page = make_habit(phone, gid)
    runner = join(app, gid, "张小明")
    token = csrf_of(runner.get(page))
    uploaded = runner.post("/api/v1/images", headers={"X-CSRFToken": token},
                           data={"file": (BytesIO(png_bytes()), "run.png"), "group_id": gid},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 201
    image_id = uploaded.get_json()["id"]
    done = check_in(runner, page, photo_id=[image_id], photos_uploaded="1")
    assert done.status_code == 303
    feed = runner.get(f"/api/v1/habits/{page.rsplit('/', 1)[1]}/feed").get_json()
    assert [image["id"] for image in feed[0]["images"]] == [image_id]


def test_a_make_up_from_the_page_takes_its_proof_and_the_calendar_opens_the_day(
        app, photo_habit):
    runner, page, gid = photo_habit
    today = joined_long_ago(app, gid)
    yesterday = (today - timedelta(days=1)).isoformat()
    html = runner.get(page, headers=EN).get_data(as_text=True)
    assert 'id="f-makeup-photos"' in html and f'<option value="{yesterday}"' in html

    refused = check_in(runner, page, date=yesterday, text="补昨天的")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(r'<details class="card habit-makeup" open>', html)
    assert re.search(r'id="f-makeup-photos"[^>]*aria-invalid="true"', html)
    assert not re.search(r'id="f-photos"[^>]*aria-invalid', html)
    assert "补昨天的</textarea>" in html

    made_up = check_in(runner, page, [("y.png", png_bytes((90, 90, 200)))], date=yesterday,
                       text="补昨天的")
    assert made_up.status_code == 303
    assert check_in(runner, page, [("t.png", png_bytes())], text="今天的").status_code == 303

    html = runner.get(page, headers=EN).get_data(as_text=True)
    assert f'href="{page}?day={yesterday}#day"' in html
    opened = runner.get(f"{page}?day={yesterday}", headers=EN).get_data(as_text=True)
    day = opened[opened.index('id="day"'):]
    assert "made up" in day and "Made up on" in day and "补昨天的" in day
    assert len(THUMB.findall(day[:day.index("</div>")])) == 1
    assert "is-selected" in opened
    zh = runner.get(f"{page}?day={yesterday}", headers=ZH).get_data(as_text=True)
    assert "补卡" in zh[zh.index('id="day"'):]

    shown_today = runner.get(f"{page}?day={today.isoformat()}", headers=EN).get_data(as_text=True)
    day = shown_today[shown_today.index('id="day"'):]
    assert "今天的" in day and "Checked in at" in day and "Made up on" not in day


def test_a_day_without_a_check_in_says_so_and_odd_days_open_nothing(app, photo_habit):
    runner, page, gid = photo_habit
    today = joined_long_ago(app, gid)
    earlier = (today - timedelta(days=5)).isoformat()
    html = runner.get(f"{page}?day={earlier}", headers=EN).get_data(as_text=True)
    assert "No check-in on this day." in html
    for odd in ("2099-01-01", "2026-02-30", "yesterday", "0001-01-01"):
        answer = runner.get(f"{page}?day={odd}", headers=EN)
        assert answer.status_code == 200
        assert 'id="day"' not in answer.get_data(as_text=True)


def test_too_many_photos_at_once_are_refused_with_the_limit(app, photo_habit):
    runner, page, _ = photo_habit
    files = [(f"{n}.png", png_bytes((n * 20, 40, 40), size=(8, 8))) for n in range(10)]
    refused = check_in(runner, page, files)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "A check-in has at most 9 photos." in html
    # The nine that fit are kept for the next try.
    assert len(re.findall(r'name="photo_id"', html)) == 9


CELL = re.compile(r'<td class="([^"]*)"[^>]*><a href="[^"]*\?day=([\d-]+)#day"')


def test_the_calendar_shows_the_days_checked_in_and_made_up_as_the_api_does(app, owner_phone):
    """The page reads its calendar with the member's figures, in one statement: what it
    marks is what the calendar API answers, the month asked for included; a day made up
    is no longer offered for a make-up, and each achievement is listed once."""
    phone, gid = owner_phone
    page = make_habit(phone, gid, proof="none", milestones="1, 2")
    hid = page.rsplit("/", 1)[1]
    runner = join(app, gid, "张小明")
    today = joined_long_ago(app, gid)
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    assert check_in(runner, page, date=yesterday.isoformat(), text="补").status_code == 303
    assert check_in(runner, page, text="今天").status_code == 303

    for month in (today, yesterday, today - timedelta(days=40)):
        shown = month.strftime("%Y-%m")
        html = runner.get(f"{page}?month={shown}", headers=EN).get_data(as_text=True)
        marked = {day: ("is-makeup" in classes) for classes, day in CELL.findall(html)
                  if "is-done" in classes}
        answer = runner.get(f"/api/v1/habits/{hid}/calendar?month={shown}").get_json()
        assert marked == {day["date"]: day["makeup"] for day in answer["days"]}
        assert (yesterday.isoformat() in marked) == (yesterday.strftime("%Y-%m") == shown)
        assert f'<option value="{yesterday.isoformat()}"' not in html
        assert f'<option value="{before.isoformat()}"' in html
        assert re.findall(r"<strong>(\d+) days?</strong>", html) == ["1", "2"]


def test_what_every_member_reads_moves_for_each_of_them_at_once(app, owner_phone, monkeypatch):
    """The leaderboard and today's check-ins are drawn once for every member who reads
    the habit as it is (a worker keeps them): a check-in, a new name, the next day and a
    member leaving each show at once to a member who read the page and the stats just
    before, in the language they read."""
    phone, gid = owner_phone
    page = make_habit(phone, gid, proof="none")
    hid = page.rsplit("/", 1)[1]
    runner, reader = join(app, gid, "跑者甲"), join(app, gid, "读者乙")

    def lists(headers=EN):
        html = reader.get(page, headers=headers).get_data(as_text=True)
        today, board = html.index('id="today"'), html.find('id="leaderboard"')
        return html[today:board] if board > 0 else html[today:], html[board:] if board > 0 else ""

    def leaderboard():
        return [(row["name"], row["total_days"]) for row in
                reader.get(f"/api/v1/habits/{hid}/stats").get_json()["leaderboard"]]

    feed, board = lists()
    assert "Nobody has checked in today yet." in feed and board == "" and leaderboard() == []
    assert check_in(runner, page).status_code == 303
    feed, board = lists()
    assert "跑者甲" in feed and "Checked in today: 1 / 3" in feed
    assert "跑者甲" in board and "1 day · streak 1" in board
    assert leaderboard() == [("跑者甲", 1)]
    assert "共 1 天 · 连续 1 天" in lists(ZH)[1]

    with app.app_context():
        runner_person = db.session.scalar(select(Person).where(Person.name == "跑者甲"))
        rename_person(runner_person, "晨跑者")
    feed, board = lists()
    assert "晨跑者" in feed and "晨跑者" in board and "跑者甲" not in feed + board
    assert leaderboard() == [("晨跑者", 1)]

    def today_in_calendar(client):
        html = client.get(page, headers=EN).get_data(as_text=True)
        return re.search(r'aria-current="date"><a href="[^"?]*\?day=([0-9-]+)', html).group(1)

    before = today_in_calendar(reader)
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr("grouptools.checkin.views.utcnow", lambda: tomorrow)
    feed, board = lists()
    assert "Nobody has checked in today yet." in feed and "Checked in today: 0 / 3" in feed
    assert "晨跑者" in board and "1 day · streak 1" in board
    after = today_in_calendar(reader)
    assert after != before and after > before  # the calendar's today moved with the day
    monkeypatch.undo()

    with app.app_context():
        runner_person = db.session.scalar(select(Person).where(Person.name == "晨跑者"))
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        leave_group(runner_person, group)
    feed, board = lists()
    assert "晨跑者" not in feed + board and "Checked in today: 0 / 2" in feed
    assert leaderboard() == []


def test_a_habit_made_after_one_was_deleted_shows_only_its_own_check_ins(app, owner_phone):
    """A habit deleted and a new one made in the same group (on SQLite often with the
    deleted one's row number) and checked in as often: its members read its own
    check-ins, none of the old one's."""
    phone, gid = owner_phone
    old = make_habit(phone, gid, proof="none", title="晨跑")
    reader = join(app, gid, "读者乙")
    assert check_in(reader, old).status_code == 303
    assert "读者乙" in reader.get(old, headers=EN).get_data(as_text=True).split('id="today"')[1]
    with app.app_context():
        habit = db.session.scalar(select(Habit).where(Habit.public_id == old.rsplit("/", 1)[1]))
        db.session.delete(habit)
        db.session.commit()
    new = make_habit(phone, gid, proof="none", title="晨跑")
    assert check_in(phone, new).status_code == 303  # as far along as the old one was
    today = reader.get(new, headers=EN).get_data(as_text=True).split('id="today"')[1]
    assert "王老师" in today and "读者乙" not in today
