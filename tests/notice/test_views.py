"""Notice pages as phones in a chat app use them: the publish form (mistakes shown next to
their fields, nothing published), pictures and chosen members, the confirm button, the
text kept as text, what only managers see, and the edit page's correction and new
revision. Forms carry CSRF and answer 303 after success."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.notice import receipts
from grouptools.notice.models import Notice, NoticeReceipt
from tests.conftest import statements_run
from tests.core.groups.test_views import csrf_of
from tests.poll.conftest import png_bytes
# A group made on the page by its owner's phone, members joining on theirs, forms posted
# as multipart: the same steps as the poll's pages.
from tests.poll.test_views import join, owner_phone, post_form  # noqa: F401  (a fixture)
from tests.test_pages import assert_csp_clean

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def publish(phone, gid, files=(), **fields):
    """Post the publish form as multipart, as a phone's browser does."""
    fields.setdefault("title", "周六活动改期")
    fields.setdefault("require_confirmation", "1")
    page = f"/g/{gid}/notices/new"
    return post_form(phone, page, page, fields, files, headers=EN)


def published_nid(response):
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return response.headers["Location"].rsplit("/", 1)[1]


def post_page_form(phone, page, action, **fields):
    return phone.post(action, headers=EN,
                      data={"csrf_token": csrf_of(phone.get(page, headers=EN)), **fields})


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_publish_form_with_mistakes_comes_back_marked_and_publishes_nothing(app, owner_phone):
    phone, gid = owner_phone
    form = html_of(phone.get(f"/g/{gid}/notices/new", headers=EN))
    assert_csp_clean(form)
    assert 'name="require_confirmation" value="1" checked' in form  # on by default
    answer = publish(phone, gid, title="", body="周日上午十点", deadline="2001-01-01T10:00",
                     audience="chosen")
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    for field in ("title", "deadline"):
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', html), field
    assert "周日上午十点</textarea>" in html  # what was typed is kept
    assert count(app, Notice) == 0
    # The right title, but a chosen audience with nobody ticked.
    answer = publish(phone, gid, body="周日上午十点", audience="chosen")
    assert answer.status_code == 422
    assert "Choose at least one member." in answer.get_data(as_text=True)
    assert count(app, Notice) == 0


def test_a_notice_with_pictures_to_chosen_members(app, owner_phone):
    phone, gid = owner_phone
    for name in ("小明妈妈", "小红爸爸"):
        join(app, gid, name)
    chosen = join(app, gid, "小刚奶奶")
    form = html_of(phone.get(f"/g/{gid}/notices/new", headers=EN))
    members = dict(re.findall(r'value="([\w-]{10})"[^>]*>\s*<span class="check-text">\s*'
                              r'<span class="check-label">([^<]+)</span>', form))
    assert set(members.values()) >= {"小明妈妈", "小红爸爸", "小刚奶奶", "王老师"}
    by_name = {name: mid for mid, name in members.items()}
    nid = published_nid(publish(
        phone, gid, files=[("a.png", png_bytes((200, 40, 40))), ("b.png", png_bytes((40, 40, 200)))],
        audience="chosen", audience_member_ids=[by_name["小刚奶奶"]], body="见图"))
    html = html_of(chosen.get(f"/n/{nid}", headers=EN))
    pictures = re.findall(r'<a href="/images/([\w-]{10})"><img src="/images/([\w-]{10})/thumb"', html)
    assert len(pictures) == 2 and all(full == thumb for full, thumb in pictures)
    assert chosen.get(f"/images/{pictures[0][0]}").status_code == 200
    assert "Confirm receipt" in html
    outsider = join(app, gid, "路过的家长")
    assert outsider.get(f"/n/{nid}").status_code == 404
    manager = html_of(phone.get(f"/n/{nid}", headers=EN))
    assert "Sent to chosen members only." in manager and "Confirmed 0 / 1" in manager


def test_confirming_twice_on_the_page_keeps_one_receipt(app, owner_phone):
    phone, gid = owner_phone
    member = join(app, gid, "小明妈妈")
    nid = published_nid(publish(phone, gid))
    # A double tap, or the form sent again from the same page.
    token = csrf_of(member.get(f"/n/{nid}", headers=EN))
    first, again = [member.post(f"/n/{nid}/confirm", headers=EN, data={"csrf_token": token})
                    for _ in range(2)]
    assert (first.status_code, again.status_code) == (303, 303)
    assert "You had confirmed already." in html_of(member.get(f"/n/{nid}", headers=EN))
    assert first.headers["Location"] == f"/n/{nid}"
    html = html_of(member.get(f"/n/{nid}", headers=EN))
    assert "You confirmed on" in html and "Confirm receipt" not in html
    assert count(app, NoticeReceipt, NoticeReceipt.confirmed_at.is_not(None)) == 1


def test_the_text_stays_text_and_links_can_be_tapped(app, owner_phone):
    phone, gid = owner_phone
    member = join(app, gid, "小明妈妈")
    nid = published_nid(publish(
        phone, gid, title="<script>alert('t')</script>通知",
        body="<script>alert(1)</script> <b>粗体</b>\n报名：https://example.org/a?x=1&y=2"))
    html = html_of(member.get(f"/n/{nid}", headers=EN))
    assert "<script>alert" not in html and "<b>粗体" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;通知" in html
    link = re.search(r'<a [^>]*href="https://example.org/a\?x=1&amp;y=2"[^>]*>', html)
    assert link and "noopener" in re.search(r'rel="([^"]+)"', link.group(0)).group(1).split()
    assert_csp_clean(html)


def test_members_never_see_the_senders_lists(app, owner_phone):
    phone, gid = owner_phone
    member = join(app, gid, "小明妈妈")
    other = join(app, gid, "小红爸爸")
    nid = published_nid(publish(phone, gid))
    other.get(f"/n/{nid}")  # opened, not confirmed
    post_page_form(member, f"/n/{nid}", f"/n/{nid}/confirm")
    mine = html_of(member.get(f"/n/{nid}", headers=EN))
    for managers_only in ('id="receipts"', "Not opened", "Opened, not confirmed",
                          "/export.csv", "Reminder to paste", "小红爸爸", f"/n/{nid}/edit"):
        assert managers_only not in mine, managers_only
    theirs = html_of(phone.get(f"/n/{nid}", headers=EN))
    lists = {key: re.search(rf'<ul class="list notice-names" id="{key}">(.*?)</ul>', theirs, re.S)
             for key in ("confirmed", "viewed", "not-viewed")}
    assert "小明妈妈" in lists["confirmed"].group(1)
    assert "小红爸爸" in lists["viewed"].group(1)
    # The sender reads their own page too (they are in the audience); a late joiner has not.
    assert "王老师" in lists["viewed"].group(1)
    assert "新来的" not in theirs
    join(app, gid, "新来的")
    theirs = html_of(phone.get(f"/n/{nid}", headers=EN))
    assert "新来的" in re.search(r'id="not-viewed">(.*?)</ul>', theirs, re.S).group(1)
    assert "Confirmed 1 / 4" in theirs and f'href="/api/v1/notices/{nid}/export.csv"' in theirs
    csv = phone.get(f"/api/v1/notices/{nid}/export.csv")  # the session cookie is enough
    assert csv.status_code == 200 and csv.mimetype == "text/csv"


def test_long_lists_say_how_many_more_and_the_overdue_is_marked(app, make_notice, monkeypatch):
    world = make_notice(members=("甲", "乙", "丙", "丁", "戊"))  # and the owner, who reads it
    monkeypatch.setattr(receipts, "PAGE_SIZE", 2)
    with app.app_context():
        db.session.execute(update(Notice).values(deadline=utcnow() - timedelta(hours=1)))
        db.session.commit()
    html = html_of(world.owner.get(f"/n/{world.nid}", headers=EN))
    not_viewed = re.search(r'id="not-viewed">(.*?)</ul>', html, re.S).group(1)
    assert not_viewed.count('class="notice-name"') == 2 and "and 3 more" in not_viewed
    assert "Overdue" in html and "Page 1 of 3" in html and "page=2#receipts" in html
    assert "Overdue" not in html_of(world.member("甲").get(f"/n/{world.nid}", headers=EN))


def test_the_next_pages_show_the_rest_of_each_list(app, make_notice, monkeypatch):
    world = make_notice(members=("甲", "乙", "丙", "丁"))
    monkeypatch.setattr(receipts, "PAGE_SIZE", 2)
    world.owner.get(f"/n/{world.nid}")  # the owner opened it: four have not
    shown = []
    for page in (1, 2):
        html = html_of(world.owner.get(f"/n/{world.nid}?page={page}", headers=EN))
        names = re.search(r'id="not-viewed">(.*?)</ul>', html, re.S).group(1)
        shown += re.findall(r'<span class="grow">(.*?)</span>', names)
    assert shown == ["甲", "乙", "丙", "丁"]  # in the order they joined, none twice
    assert "and" not in names and "Page 2 of 2" in html and "page=1#receipts" in html
    # A page past the end lists nobody; one that is no page number shows the first.
    past = html_of(world.owner.get(f"/n/{world.nid}?page=9", headers=EN))
    assert 'id="not-viewed"' not in past and "Not opened (4)" in past
    for odd in ("x", "0", "99999999999999999999"):
        assert "甲" in html_of(world.owner.get(f"/n/{world.nid}?page={odd}", headers=EN))


@pytest.mark.parametrize("reader", ["manager", "member"])
def test_the_page_runs_as_many_statements_for_40_members_as_for_5(app, make_notice, reader):
    def statements(members):
        world = make_notice(members=[f"成员{i}" for i in range(members)])
        for i in range(0, members, 2):  # some confirmed, some opened
            world.confirm(world.member(f"成员{i}")) if i % 4 == 0 else world.read(world.member(f"成员{i}"))
        person = world.owner if reader == "manager" else world.member("成员1")
        person.get(f"/n/{world.nid}")  # the first reading writes its receipt
        with statements_run(app) as seen:
            html = html_of(person.get(f"/n/{world.nid}", headers=EN))
        assert ("Not opened" in html) == (reader == "manager")
        return len(seen)

    assert statements(5) == statements(40)


def test_the_edit_page_corrects_or_asks_everyone_to_confirm_again(app, owner_phone):
    phone, gid = owner_phone
    member = join(app, gid, "小明妈妈")
    nid = published_nid(publish(phone, gid, body="周日上午十点"))
    post_page_form(member, f"/n/{nid}", f"/n/{nid}/confirm")
    edit = f"/n/{nid}/edit"
    assert member.get(edit).status_code == 403
    refused = post_page_form(phone, edit, edit, title="", body="x")
    assert refused.status_code == 422
    assert re.search(r'id="f-title"[^>]*aria-invalid="true"', refused.get_data(as_text=True))

    # A correction: the confirmation still counts.
    fixed = post_page_form(phone, edit, edit, title="周六活动改期", body="周日上午十点，东门",
                           require_confirmation="1")
    assert fixed.status_code == 303
    html = html_of(member.get(f"/n/{nid}", headers=EN))
    assert "周日上午十点，东门" in html and "You confirmed on" in html and "Updated:" not in html

    # A new revision: everyone confirms again, the history keeps the first text.
    revised = post_page_form(phone, edit, edit, title="周六活动改期", body="改到周一",
                             require_confirmation="1", new_revision="1")
    assert revised.status_code == 303
    html = html_of(member.get(f"/n/{nid}", headers=EN))
    assert "Updated: revision 2 on" in html and "please confirm again" in html
    assert "Confirm receipt" in html and "You confirmed on" not in html
    assert f'href="/n/{nid}/revisions"' in html
    history = html_of(member.get(f"/n/{nid}/revisions", headers=EN))
    assert history.index("改到周一") < history.index("周日上午十点，东门")
    assert "confirmed by 0 members" in history and "confirmed by 1 member" in history
    assert_csp_clean(history)
    assert "Confirmed 0 / 2" in html_of(phone.get(f"/n/{nid}", headers=EN))


def test_pages_read_in_chinese(app, owner_phone):
    phone, gid = owner_phone
    member = join(app, gid, "小明妈妈")
    nid = published_nid(publish(phone, gid))
    assert "确认收到" in html_of(member.get(f"/n/{nid}", headers=ZH))
    manager = html_of(phone.get(f"/n/{nid}", headers=ZH))
    assert "未查看" in manager or "未打开" in manager
    assert "发布通知" in html_of(phone.get(f"/g/{gid}/notices/new", headers=ZH))
