"""Poll pages as a phone in a chat app uses them: plain forms with CSRF, 303 after every
success, errors next to fields with what was typed kept, visibility on every output."""
import io
import random
import re
import time

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from grouptools.core.models import Image as ImageRow
from grouptools.extensions import db
from tests.core.groups.test_views import csrf_of, submit
from tests.core.test_share import zbar
from tests.poll.conftest import png_bytes
from tests.test_pages import assert_csp_clean

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def owner_phone(app):
    """A phone that created a group through the page: (client, gid)."""
    phone = app.test_client()
    created = submit(phone, "/groups/new", "/groups/new",
                     {"your_name": "王老师", "name": "三年二班家长群", "join_policy": "open",
                      "timezone": "Asia/Shanghai"}, headers=ZH)
    assert created.status_code == 303
    return phone, created.headers["Location"].rsplit("/", 1)[1]


def join(app, gid, name):
    phone = app.test_client()
    joined = submit(phone, f"/g/{gid}", f"/g/{gid}/join", {"your_name": name})
    assert joined.status_code == 303
    return phone


def post_form(phone, page, action, fields, files=(), headers=None):
    """Post the page's form as multipart, as a phone's browser does. The body is encoded
    up front: the test client would otherwise spool a large one to a file it never closes."""
    token = csrf_of(phone.get(page, headers=headers))
    data = MultiDict({"csrf_token": token, **fields})
    for name, content in files:
        data.add("photos", FileStorage(io.BytesIO(content), filename=name,
                                       content_type="application/octet-stream"))
    boundary, body = encode_multipart(data)
    return phone.post(action, data=body, headers=headers,
                      content_type=f"multipart/form-data; boundary={boundary}")


def create(phone, gid, headers=None, files=(), **fields):
    fields.setdefault("title", "春游去哪里")
    fields.setdefault("option", ["植物园", "动物园", "科技馆"])
    return post_form(phone, f"/g/{gid}/polls/new", f"/g/{gid}/polls/new", fields, files, headers)


def created_pid(response):
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]


def option_ids(html):
    return re.findall(r'name="option_ids" value="([\w-]{10})"', html)


def vote(phone, pid, *indexes, headers=None):
    page = phone.get(f"/p/{pid}", headers=headers)
    ids = option_ids(page.get_data(as_text=True))
    return phone.post(f"/p/{pid}/vote", headers=headers,
                      data={"csrf_token": csrf_of(page), "option_ids": [ids[i] for i in indexes]})


@pytest.fixture
def text_poll(app, owner_phone):
    """(owner phone, member phone 小明妈妈, gid, pid) for a poll made on the page."""
    phone, gid = owner_phone
    pid = created_pid(create(phone, gid))
    return phone, join(app, gid, "小明妈妈"), gid, pid


# --- creating -----------------------------------------------------------------------------

def test_creating_a_poll_from_the_phone_form(owner_phone):
    phone, gid = owner_phone
    form = phone.get(f"/g/{gid}/polls/new", headers=ZH)
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "发起投票" in html
    assert 'type="file"' in html and 'multiple' in html and 'accept="image/*"' in html
    assert 'type="datetime-local"' in html
    assert_csp_clean(html)
    pid = created_pid(create(phone, gid, description="下周五，家长自愿陪同"))
    page = phone.get(f"/p/{pid}", headers=ZH).get_data(as_text=True)
    assert "春游去哪里" in page and "植物园" in page and "下周五，家长自愿陪同" in page
    assert_csp_clean(page)


def test_a_form_with_mistakes_shows_them_and_keeps_what_was_typed(owner_phone):
    phone, gid = owner_phone
    response = create(phone, gid, title="", option=["只有一个选项", "", ""],
                      description="说明文字", results_visibility="after_close",
                      deadline="2031-05-01T18:30")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="f-title"[^>]*aria-invalid="true"', html)
    assert 'value="只有一个选项"' in html and "说明文字" in html
    assert re.search(r'value="after_close"\s+checked', html)
    assert 'value="2031-05-01T18:30"' in html
    assert 'id="f-options-error">Give from 2 to 50 options.' in html


def test_a_secret_ballot_that_allows_changes_is_refused_on_the_form(owner_phone):
    phone, gid = owner_phone
    response = create(phone, gid, anonymous="1", allow_change="1", headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="f-allow_change"[^>]*aria-invalid="true"', html)
    assert "A secret ballot cannot allow changing votes" in html


def test_the_deadline_is_read_in_the_groups_time_zone(owner_phone):
    phone, gid = owner_phone
    pid = created_pid(create(phone, gid, deadline="2031-06-01T20:00"))
    poll = phone.get(f"/api/v1/polls/{pid}").get_json()
    assert poll["deadline"] == "2031-06-01T12:00:00+00:00"  # 20:00 in Shanghai
    page = phone.get(f"/p/{pid}/edit").get_data(as_text=True)
    assert 'value="2031-06-01T20:00"' in page


def test_an_image_poll_from_several_photos_picked_at_once(owner_phone):
    phone, gid = owner_phone
    photos = [("red.png", png_bytes((220, 40, 40), (800, 600))),
              ("blue.jpg", png_bytes((40, 40, 220), (600, 800)))]
    review = create(phone, gid, title="班服选哪款", option=["", ""], files=photos, headers=EN)
    # The photos are kept and shown, each with a caption field, before the poll exists.
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    photo_ids = re.findall(r'name="photo_id" value="([\w-]{10})"', html)
    assert len(photo_ids) == 2
    assert html.count('name="photo_caption"') == 2
    # Nobody walks away thinking the poll is out.
    assert "Step 2 of 2: add captions, then publish." in html and "not published yet" in html
    assert ">Publish the poll<" in html
    assert 'value="班服选哪款"' in html
    created = post_form(phone, f"/g/{gid}/polls/new", f"/g/{gid}/polls/new", {
        "title": "班服选哪款", "photo_id": photo_ids, "photo_caption": ["红色款", ""],
        "option": ["都不喜欢"]})
    pid = created_pid(created)
    poll = phone.get(f"/api/v1/polls/{pid}").get_json()
    assert [o["text"] for o in poll["options"]] == ["红色款", "", "都不喜欢"]
    assert poll["options"][0]["image_url"].endswith(f"/images/{photo_ids[0]}")
    page = phone.get(f"/p/{pid}", headers=EN).get_data(as_text=True)
    # Large enough to judge, and a link to the picture's own page (poll/pictures.py).
    assert f'data-viewer-src="/images/{photo_ids[0]}"' in page
    assert f'src="/images/{photo_ids[0]}/thumb"' in page
    assert "Picture 2" in page  # an uncaptioned photo is still named
    full = phone.get(f"/images/{photo_ids[0]}")
    assert Image.open(io.BytesIO(full.data)).size == (800, 600)
    assert_csp_clean(page)


def test_a_photo_that_cannot_be_read_is_named_and_the_rest_kept(owner_phone):
    phone, gid = owner_phone
    response = create(phone, gid, files=[("ok.png", png_bytes()), ("notes.txt", b"hello")],
                      headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "notes.txt:" in html
    assert len(re.findall(r'name="photo_id"', html)) == 1


def test_members_may_not_open_the_create_form(app, owner_phone):
    phone, gid = owner_phone
    member = join(app, gid, "家长")
    assert member.get(f"/g/{gid}/polls/new").status_code == 403
    assert app.test_client().get(f"/g/{gid}/polls/new").status_code == 401


def test_forms_without_a_csrf_token_are_refused(text_poll):
    _, member, _, pid = text_poll
    assert member.post(f"/p/{pid}/vote", data={"option_ids": []}).status_code == 400


# --- voting -------------------------------------------------------------------------------

def test_voting_in_two_taps_then_the_results(text_poll):
    _, member, _, pid = text_poll
    voted = vote(member, pid, 1, headers=ZH)
    assert voted.status_code == 303 and voted.headers["Location"].endswith(f"/p/{pid}#results")
    page = member.get(f"/p/{pid}", headers=ZH).get_data(as_text=True)
    assert "你已投票" in page and "你的选择：动物园" in page
    assert re.search(r'class="result result-winner" data-option', page)
    assert "bar-fill w-100" in page
    # Open ballot: who voted is one tap away, on the voters' page the avatars link to.
    voters = re.search(r'<a class="result-voters" href="([^"]+)"', page).group(1)
    assert "1 人投了这一项 ›" in page
    listed = member.get(voters, headers=ZH)
    assert listed.status_code == 200 and "小明妈妈" in listed.get_data(as_text=True)
    assert_csp_clean(page)


def test_a_vote_outside_min_max_comes_back_with_the_reason(text_poll):
    _, member, _, pid = text_poll
    response = vote(member, pid, headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="vote-error"' in html and "Choose exactly 1." in html


def test_a_closed_poll_says_so(text_poll):
    owner, member, _, pid = text_poll
    page = member.get(f"/p/{pid}")
    token, ids = csrf_of(page), option_ids(page.get_data(as_text=True))
    closed = owner.post(f"/p/{pid}/close", data={"csrf_token": csrf_of(owner.get(f"/p/{pid}"))})
    assert closed.status_code == 303
    late = member.post(f"/p/{pid}/vote", data={"csrf_token": token, "option_ids": ids[:1]},
                       headers=EN)
    assert late.status_code == 409
    assert "This poll is closed" in late.get_data(as_text=True)


def test_a_secret_ballot_page_says_who_sees_what(app, owner_phone):
    phone, gid = owner_phone
    pid = created_pid(create(phone, gid, anonymous="1"))
    member = join(app, gid, "小红爸爸")
    page = member.get(f"/p/{pid}", headers=EN).get_data(as_text=True)
    assert "Votes are secret: nobody, organisers included, can see who chose what; " \
           "votes cannot be changed." in page
    assert "cannot be changed or withdrawn" in page
    vote(member, pid, 0)
    after = member.get(f"/p/{pid}", headers=EN).get_data(as_text=True)
    assert "Your vote is secret" in after
    assert 'name="option_ids"' not in after  # no second vote
    manager = phone.get(f"/p/{pid}", headers=EN).get_data(as_text=True)
    assert "小红爸爸" not in manager.split('id="results"')[1]


def test_every_poll_page_has_the_one_line_notice(make_poll):
    for settings, words in [({}, "every member sees who chose what"),
                            ({"results_visibility": "managers"}, "only the organisers")]:
        world = make_poll(**settings)
        page = world.member("甲").get(f"/p/{world.pid}", headers=EN).get_data(as_text=True)
        assert 'class="privacy-note' in page and words in page


# --- visibility on the page, the live JSON and the picture --------------------------------

@pytest.mark.parametrize("mode, hidden_words", [
    ("after_vote", "once you have voted"),
    ("after_close", "when the poll closes"),
    ("managers", "Only the organisers see the results"),
])
def test_hidden_results_are_hidden_everywhere(make_poll, mode, hidden_words):
    world = make_poll(results_visibility=mode)
    world.vote(world.member("乙"), 0)
    member = world.member("甲")
    page = member.get(f"/p/{world.pid}", headers=EN).get_data(as_text=True)
    assert hidden_words in page and "bar-fill" not in page and "results.png" not in page
    live = member.get(f"/p/{world.pid}/live.json").get_json()
    assert live["results_visible"] is False and live["options"] == []
    assert live["voter_count"] == 1
    assert member.get(f"/p/{world.pid}/results.png").status_code == 403
    # The organisers see everything.
    assert world.owner.get(f"/p/{world.pid}/results.png").status_code == 200
    assert "bar-fill" in world.owner.get(f"/p/{world.pid}").get_data(as_text=True)


def test_strangers_see_the_public_card_and_join_in_one_screen(app, text_poll):
    _, _, gid, pid = text_poll
    stranger = app.test_client()
    page = stranger.get(f"/p/{pid}", headers=ZH)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "春游去哪里" in html and "三年二班家长群" in html
    # An open group: what will be voted on, not how it stands.
    assert "植物园" in html and "bar-fill" not in html
    assert 'name="your_name"' in html and f'name="next" value="/p/{pid}"' in html
    assert 'property="og:title" content="春游去哪里"' in html
    assert "记名投票：所有成员都能看到谁选了什么。" in html  # who sees what, before joining
    assert stranger.get(f"/p/{pid}/results.png").status_code == 401
    assert stranger.get(f"/p/{pid}/live.json").status_code == 401
    joined = stranger.post(f"/g/{gid}/join", data={
        "csrf_token": csrf_of(page), "your_name": "新家长", "next": f"/p/{pid}"})
    assert joined.status_code == 303 and joined.headers["Location"].endswith(f"/p/{pid}")
    assert 'name="option_ids"' in stranger.get(f"/p/{pid}").get_data(as_text=True)


def test_managers_see_who_has_not_voted_and_a_reminder_members_do_not(app, text_poll):
    owner, member, gid, pid = text_poll
    join(app, gid, "小刚奶奶")
    vote(member, pid, 0)
    manager_page = owner.get(f"/p/{pid}", headers=ZH).get_data(as_text=True)
    assert 'id="not-voted"' in manager_page
    assert re.search(r"@王老师 @小刚奶奶 [^\n<]*春游去哪里\s+http://localhost/p/" + pid, manager_page)
    member_page = member.get(f"/p/{pid}", headers=ZH).get_data(as_text=True)
    assert 'id="not-voted"' not in member_page and 'id="manage"' not in member_page


def test_live_results_answer_304_until_a_vote_changes_them(text_poll):
    owner, member, _, pid = text_poll
    first = member.get(f"/p/{pid}/live.json")
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    same = member.get(f"/p/{pid}/live.json", headers={"If-None-Match": first.headers["ETag"]})
    assert same.status_code == 304 and same.data == b""
    vote(owner, pid, 2)
    changed = member.get(f"/p/{pid}/live.json", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    body = changed.get_json()
    assert body["voter_count"] == 1
    assert [o["votes"] for o in body["options"]] == [0, 0, 1] and body["options"][2]["winner"]


def test_the_results_picture_changes_with_the_votes(text_poll):
    owner, member, _, pid = text_poll
    first = member.get(f"/p/{pid}/results.png", headers=ZH)
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert Image.open(io.BytesIO(first.data)).width == 1080
    etag = first.headers["ETag"]
    assert member.get(f"/p/{pid}/results.png", headers={"If-None-Match": etag, **ZH}).status_code == 304
    vote(owner, pid, 0)
    second = member.get(f"/p/{pid}/results.png", headers={"If-None-Match": etag, **ZH})
    assert second.status_code == 200 and second.headers["ETag"] != etag
    assert "private" in second.headers["Cache-Control"]


def test_qr_codes_and_poster_lead_to_the_poll(client, text_poll, tmp_path):
    owner, _, _, pid = text_poll
    url = f"http://localhost/p/{pid}"
    assert zbar(client.get(f"/p/{pid}/qr.png").data, tmp_path) == [url]
    assert client.get(f"/p/{pid}/qr.svg").mimetype == "image/svg+xml"
    poster = client.get(f"/p/{pid}/poster.png")
    assert poster.status_code == 200 and zbar(poster.data, tmp_path, "poster.png") == [url]
    page = owner.get(f"/p/{pid}").get_data(as_text=True)
    assert f'src="/p/{pid}/qr.png"' in page and f'content="http://localhost/p/{pid}/poster.png"' in page


# --- managing -----------------------------------------------------------------------------

def test_edit_close_reopen_copy_delete(text_poll):
    owner, member, gid, pid = text_poll
    edited = post_form(owner, f"/p/{pid}/edit", f"/p/{pid}/edit", {
        "title": "春游改到周六", "description": "", "results_visibility": "after_vote",
        "deadline": ""})
    assert edited.status_code == 303
    assert "春游改到周六" in owner.get(f"/p/{pid}").get_data(as_text=True)
    assert member.get(f"/p/{pid}/edit").status_code == 403
    bad = post_form(owner, f"/p/{pid}/edit", f"/p/{pid}/edit", {"title": "", "deadline": "x"})
    assert bad.status_code == 422

    def press(path, **extra):
        token = csrf_of(owner.get(f"/p/{pid}"))
        return owner.post(path, data={"csrf_token": token, **extra})

    assert press(f"/p/{pid}/close").status_code == 303
    assert "Reopen" in owner.get(f"/p/{pid}", headers=EN).get_data(as_text=True)
    assert press(f"/p/{pid}/reopen").status_code == 303
    assert 'href="/p/%s/copy"' % pid in owner.get(f"/p/{pid}").get_data(as_text=True)
    assert 'action="/p/%s/copy"' % pid in owner.get(f"/p/{pid}/copy").get_data(as_text=True)
    copy = press(f"/p/{pid}/copy", group_id=gid)
    assert copy.status_code == 303 and not copy.headers["Location"].endswith(pid)
    assert press(f"/p/{pid}/delete").headers["Location"].endswith(f"/p/{pid}#manage")
    deleted = press(f"/p/{pid}/delete", confirm="1")
    assert deleted.headers["Location"].endswith(f"/g/{gid}")
    assert owner.get(f"/p/{pid}").status_code == 404


def test_the_group_page_lists_polls_and_offers_a_new_one(text_poll):
    owner, member, gid, pid = text_poll
    page = owner.get(f"/g/{gid}", headers=ZH).get_data(as_text=True)
    assert f'href="/p/{pid}"' in page and "春游去哪里" in page
    assert f'href="/g/{gid}/polls/new"' in page
    member_page = member.get(f"/g/{gid}").get_data(as_text=True)
    assert f'href="/p/{pid}"' in member_page and f"/g/{gid}/polls/new" not in member_page


def test_photos_larger_than_the_global_request_limit_upload_through_the_form(owner_phone):
    """The form's own request limit applies before the CSRF check reads the body."""
    phone, gid = owner_phone
    noisy = Image.frombytes("RGB", (1200, 1200), random.Random(6).randbytes(1200 * 1200 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    big = out.getvalue()
    assert len(big) > 2 * 1024 * 1024
    review = create(phone, gid, files=[("big.png", big), ("big2.png", big)])
    assert review.status_code == 200, review.get_data(as_text=True)[:500]
    assert len(re.findall(r'name="photo_id"', review.get_data(as_text=True))) == 2


def test_a_too_long_option_is_marked_where_it_was_typed(owner_phone):
    phone, gid = owner_phone
    response = create(phone, gid, option=["植物园", "", "动" * 201], headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="f-option-1"[^>]*aria-invalid="true"', html)
    assert 'id="f-option-0"' in html and not re.search(r'id="f-option-0"[^>]*aria-invalid', html)


def test_the_openapi_document_describes_the_poll_routes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/groups/{gid}/polls", "/api/v1/polls/{pid}", "/api/v1/polls/{pid}/votes",
                 "/api/v1/polls/{pid}/results", "/api/v1/polls/{pid}/export.csv"):
        assert path in spec["paths"], path
    assert "voters" in spec["components"]["schemas"]["OptionResult"]["properties"]


# --- Pictures that would exhaust a worker (issue 10 §4) ----------------------------------

@pytest.fixture(scope="module")
def huge_flat_png():
    """7900 × 5000 pixels (just under the 40-megapixel limit) in a few hundred kB: one
    colour compresses to nearly nothing, but decoding it costs about a second."""
    out = io.BytesIO()
    Image.new("RGB", (7900, 5000), (200, 40, 40)).save(out, "PNG")
    assert len(out.getvalue()) < 200_000
    return out.getvalue()


def stored_images(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ImageRow))


@pytest.mark.parametrize("headers, words", [
    (EN, "too large to add at once"), (ZH, "太大，无法一次添加")])
def test_45_huge_pictures_in_one_form_are_refused_at_once_and_nothing_is_stored(
        app, owner_phone, huge_flat_png, headers, words):
    phone, gid = owner_phone
    before = stored_images(app)
    started = time.monotonic()
    response = create(phone, gid, title="班服选哪款", headers=headers,
                      files=[(f"big{i}.png", huge_flat_png) for i in range(45)])
    elapsed = time.monotonic() - started
    assert response.status_code == 413
    # Decoding them would take about 45 s: the headers alone were read.
    assert elapsed < 5, elapsed
    html = response.get_data(as_text=True)
    error = re.search(r'<span class="field-error" id="f-photos-error">([^<]+)</span>', html)
    assert error and words in error.group(1), html[:3000]
    assert 'aria-describedby="f-photos-error f-photos-hint"' in html
    assert 'value="班服选哪款"' in html  # what was typed is kept
    assert stored_images(app) == before


def test_pictures_within_the_budget_go_through_the_form_together(app, owner_phone, huge_flat_png):
    phone, gid = owner_phone
    review = create(phone, gid, title="班服选哪款", option=["", ""], headers=EN,
                    files=[("big.png", huge_flat_png), ("small.png", png_bytes())])
    assert review.status_code == 200, review.get_data(as_text=True)[:2000]
    ids = re.findall(r'name="photo_id" value="([\w-]{10})"', review.get_data(as_text=True))
    assert len(ids) == 2 and stored_images(app) == 2
    big = Image.open(io.BytesIO(phone.get(f"/images/{ids[0]}").data))
    assert big.size == (1600, 1013)


def test_the_budget_is_a_setting(make_app, huge_flat_png):
    app = make_app(UPLOAD_PIXEL_BUDGET=10_000_000)  # never below one allowed picture
    phone = app.test_client()
    created = submit(phone, "/groups/new", "/groups/new",
                     {"your_name": "王老师", "name": "家长群", "join_policy": "open",
                      "timezone": "Asia/Shanghai"})
    gid = created.headers["Location"].rsplit("/", 1)[1]
    one = create(phone, gid, option=["", ""], files=[("big.png", huge_flat_png)], headers=EN)
    assert one.status_code == 200
    two = create(phone, gid, option=["", ""], headers=EN,
                 files=[("big.png", huge_flat_png), ("big2.png", huge_flat_png)])
    assert two.status_code == 413 and "at most 40 in one go" in two.get_data(as_text=True)


def test_photos_and_captions_typed_beside_their_previews_publish_in_one_request(owner_phone):
    """What photopicker.js sends: the picked files, a caption for each in their order, and
    publish_now — one tap, one request, the poll is out."""
    phone, gid = owner_phone
    html = phone.get(f"/g/{gid}/polls/new", headers=EN).get_data(as_text=True)
    assert "data-photo-picker" in html and "data-picked-previews" in html
    photos = [("red.png", png_bytes((220, 40, 40))), ("blue.png", png_bytes((40, 40, 220)))]
    created = create(phone, gid, title="班服选哪款", option=["都不喜欢"], files=photos,
                     picked_caption=["红色款", "蓝色款"], publish_now="1", headers=EN)
    pid = created_pid(created)
    poll = phone.get(f"/api/v1/polls/{pid}").get_json()
    assert [o["text"] for o in poll["options"]] == ["红色款", "蓝色款", "都不喜欢"]
    assert all(o["image_url"] for o in poll["options"][:2])


def test_a_refused_photo_keeps_each_caption_beside_its_own_photo(owner_phone):
    phone, gid = owner_phone
    response = create(phone, gid, title="班服选哪款", option=["", ""], headers=EN,
                      files=[("notes.txt", b"hello"), ("blue.png", png_bytes())],
                      picked_caption=["说明", "蓝色款"], publish_now="1")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "notes.txt:" in html and len(re.findall(r'name="photo_id"', html)) == 1
    assert re.search(r'name="photo_caption" value="蓝色款"', html)
    assert "Step 2 of 2" in html


def test_a_request_that_fails_part_way_keeps_none_of_its_pictures(app, owner_phone, monkeypatch):
    """A worker killed while decoding (gunicorn's timeout) stored about 30 pictures no
    poll would ever show; now they are stored together after all are decoded."""
    from grouptools.core import uploads

    phone, gid = owner_phone
    decoded = []

    def dies_on_the_third(picture):
        if len(decoded) == 2:
            raise RuntimeError("worker killed")
        decoded.append(picture)
        return normalise(picture)

    normalise = uploads.normalise_image
    monkeypatch.setattr(uploads, "normalise_image", dies_on_the_third)
    with pytest.raises(RuntimeError):
        create(phone, gid, files=[(f"p{i}.png", png_bytes()) for i in range(4)])
    assert len(decoded) == 2 and stored_images(app) == 0


def test_the_results_section_moves_for_every_reader_at_once(app, text_poll, make_poll):
    """The results section is drawn once a version for everyone who sees results (a
    worker keeps it): each vote shows at once to a member who read the page just before,
    in the language they read, and a member who may not see results yet is shown why,
    whoever read first."""
    owner, member, gid, pid = text_poll
    other = join(app, gid, "小红爸爸")

    def section(phone, headers=EN):
        html = phone.get(f"/p/{pid}", headers=headers).get_data(as_text=True)
        return html[html.index('id="results"'):html.index('id="results-title"') + 2000]

    assert "bar-fill w-0" in section(owner) and "result-voters" not in section(member)
    assert vote(member, pid, 1).status_code == 303
    seen = section(other)
    assert "bar-fill w-100" in seen and "1 voter ›" in seen
    assert "1 人投了这一项 ›" in section(other, ZH)
    assert vote(other, pid, 2).status_code == 303
    again = section(member)
    assert again.count("bar-fill w-50") == 2 and again.count("1 voter ›") == 2
    assert "bar-fill w-50" in section(owner)

    world = make_poll(results_visibility="after_vote")
    page = f"/p/{world.pid}"
    assert "bar-fill" in world.owner.get(page, headers=EN).get_data(as_text=True)
    world.vote(world.member("乙"), 0)
    assert "bar-fill w-100" in world.member("乙").get(page, headers=EN).get_data(as_text=True)
    waiting = world.member("甲").get(page, headers=EN).get_data(as_text=True)
    assert "once you have voted" in waiting and "bar-fill" not in waiting
