"""Relay pages used the way a phone in a chat app uses them: plain form posts with the
page's CSRF token, no JavaScript; errors next to each field with what was typed kept."""
import re
from datetime import timedelta, timezone

import pytest

from grouptools.core import posters
from grouptools.core.timeutil import utcnow
from tests.core.groups.test_views import csrf_of, submit
from tests.core.test_share import zbar
from tests.test_pages import assert_csp_clean

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def phones(app, group_with):
    """The owner's and two members' phones, signed in by their cookies: (gid, {name: client})."""
    gid, owner, people = group_with(members=["甲", "乙"])
    clients = {}
    for name, person in (("群主", owner), ("甲", people["甲"][0]), ("乙", people["乙"][0])):
        phone = app.test_client()
        link = person.get("/api/v1/me/signin-link").get_json()["url"]
        path = link.split("localhost", 1)[1]
        submit(phone, path, path, {})
        clients[name] = phone
    return gid, clients, owner, people


def create_form(**extra):
    return {"title": "周六羽毛球", "description": "8块场地", "capacity": "2", "waitlist": "1",
            "per_member_max": "1", "guests_max": "0", "deadline": "",
            "field-1-label": "手机号", "field-1-type": "phone", "field-1-required": "1",
            "field-1-private": "1",
            "field-2-label": "水平", "field-2-type": "choice", "field-2-choices": "新手, 熟练 / 高手",
            **extra}


def created_relay(phones_fixture, **extra):
    gid, clients, _, _ = phones_fixture
    response = submit(clients["群主"], f"/g/{gid}/relays/new", f"/g/{gid}/relays/new",
                      create_form(**extra))
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_creating_from_a_phone_with_field_rows(phones):
    gid, clients, owner, _ = phones
    page = clients["群主"].get(f"/g/{gid}/relays/new", headers=ZH).get_data(as_text=True)
    assert 'name="field-5-label"' in page and 'value="手机号"' in page  # the preset
    assert_csp_clean(page)
    rid = created_relay(phones)
    relay = owner.get(f"/api/v1/relays/{rid}").get_json()
    assert relay["capacity"] == 2 and relay["waitlist"] is True
    assert [(f["label"], f["type"], f["required"], f["private"]) for f in relay["fields"]] == \
        [("手机号", "phone", True, True), ("水平", "choice", False, False)]
    assert relay["fields"][1]["choices"] == ["新手", "熟练", "高手"]
    group_page = clients["甲"].get(f"/g/{gid}").get_data(as_text=True)
    assert "周六羽毛球" in group_page and "0/2" in group_page


def test_a_create_form_with_mistakes_keeps_what_was_typed(phones):
    gid, clients, _, _ = phones
    response = submit(clients["群主"], f"/g/{gid}/relays/new", f"/g/{gid}/relays/new",
                      create_form(title="", capacity="很多", **{"field-3-label": "编号",
                                                               "field-3-pattern": "(a+)+"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="很多"' in html and 'value="(a+)+"' in html and "8块场地" in html
    assert re.search(r'id="f-title"[^>]*aria-invalid="true"', html)
    assert re.search(r'id="f-field-3-pattern"[^>]*aria-invalid="true"', html)


def test_members_cannot_open_the_create_page(phones):
    gid, clients, _, _ = phones
    assert clients["甲"].get(f"/g/{gid}/relays/new").status_code == 403


def test_signing_up_with_the_form(phones, app):
    rid = created_relay(phones)
    gid, clients, owner, _ = phones
    phone = clients["甲"]
    page = phone.get(f"/r/{rid}", headers=ZH).get_data(as_text=True)
    assert 'name="v-f1"' in page and 'type="tel"' in page and "只有组织者能看到" in page
    assert_csp_clean(page)
    refused = phone.post(f"/r/{rid}/entries", data={"csrf_token": csrf_of(phone.get(f"/r/{rid}")),
                                                    "v-f1": "12345", "v-f2": "高手"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'value="12345"' in html
    assert re.search(r'id="f-v-f1"[^>]*aria-invalid="true"', html)
    assert "Not a valid phone number." in html
    done = submit(phone, f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000001"})
    assert done.status_code == 303
    page = phone.get(done.headers["Location"]).get_data(as_text=True)
    assert "You are No. 1 on the list." in page and "13800000001" in page
    assert "My ticket" in page


def test_a_full_list_puts_the_next_on_the_waitlist_and_says_so(phones):
    rid = created_relay(phones, capacity="1")
    gid, clients, owner, _ = phones
    submit(clients["甲"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000001"})
    page = clients["乙"].get(f"/r/{rid}").get_data(as_text=True)
    assert "Join the waitlist" in page
    done = submit(clients["乙"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000002"})
    page = clients["乙"].get(done.headers["Location"]).get_data(as_text=True)
    assert "you are No. 1 on the waitlist" in page
    again = submit(clients["乙"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000002"})
    assert again.status_code == 409  # one entry per member, said on the page
    assert "You are on this list already" in again.get_data(as_text=True)


def test_private_values_stay_out_of_other_members_pages_and_the_poster(phones, app):
    rid = created_relay(phones)
    gid, clients, owner, people = phones
    submit(clients["甲"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000001", "v-f2": "高手"})
    other = clients["乙"]
    for path in (f"/r/{rid}", f"/r/{rid}/log", f"/api/v1/relays/{rid}", f"/api/v1/relays/{rid}/text"):
        body = other.get(path).get_data(as_text=True)
        assert "13800000001" not in body, path
    page = other.get(f"/r/{rid}").get_data(as_text=True)
    assert "高手" in page and "甲" in page
    assert "Organisers see 手机号" in page  # who sees what, in one line
    for path in (f"/r/{rid}", f"/api/v1/relays/{rid}"):
        assert "13800000001" in clients["甲"].get(path).get_data(as_text=True)
        assert "13800000001" in clients["群主"].get(path).get_data(as_text=True)
    assert other.get(f"/api/v1/relays/{rid}/export.csv").status_code == 403
    # The poster is drawn from what a stranger may see and nothing else.
    poster = app.test_client().get(f"/r/{rid}/poster.png")
    assert poster.status_code == 200 and poster.mimetype == "image/png"
    with app.test_request_context():
        expected = posters.draw_poster(posters.PosterContent(
            "跑步群", "周六羽毛球", "8块场地", f"http://localhost/r/{rid}", "Sign-up", False,
            (posters.PosterFact("1 place left of 2"),)))
    assert poster.get_data() == expected


def test_a_stranger_sees_the_public_card_and_joins_in_one_screen(phones, app):
    rid = created_relay(phones)
    submit(phones[1]["甲"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000001"})
    stranger = app.test_client()
    page = stranger.get(f"/r/{rid}", headers=ZH)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "周六羽毛球" in html and "8块场地" in html and "跑步群" in html
    assert "13800000001" not in html and 'og:title' in html
    assert 'name="your_name"' in html
    gid = phones[0]
    joined = submit(stranger, f"/r/{rid}", f"/g/{gid}/join",
                    {"your_name": "新人", "answer": "朋友", "next": f"/r/{rid}"})
    assert joined.status_code == 303 and joined.headers["Location"].endswith(f"/r/{rid}")
    assert 'name="v-f1"' in stranger.get(f"/r/{rid}").get_data(as_text=True)


def test_editing_and_withdrawing_own_entry(phones):
    rid = created_relay(phones, capacity="1")
    gid, clients, owner, _ = phones
    submit(clients["甲"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000001"})
    submit(clients["乙"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000002"})
    eid = owner.get(f"/api/v1/relays/{rid}").get_json()["entries"][0]["id"]
    edit = f"/r/{rid}/entries/{eid}"
    assert clients["乙"].get(edit).status_code == 403
    refused = submit(clients["甲"], edit, edit, {"v-f1": "x"})
    assert refused.status_code == 422 and 'value="x"' in refused.get_data(as_text=True)
    assert submit(clients["甲"], edit, edit, {"v-f1": "13900000001"}).status_code == 303
    assert owner.get(f"/api/v1/relays/{rid}").get_json()["entries"][0]["values"]["f1"] == "13900000001"
    gone = submit(clients["甲"], f"/r/{rid}", f"{edit}/withdraw", {})
    assert gone.status_code == 303
    page = clients["甲"].get(f"/r/{rid}/log").get_data(as_text=True)
    assert "No. 1 withdrew → waitlist 1 promoted" in page


def test_organiser_tools_add_import_settings_close_delete(phones):
    rid = created_relay(phones, capacity="3")
    gid, clients, owner, _ = phones
    boss = clients["群主"]
    manage = f"/r/{rid}/manage"
    assert clients["甲"].get(manage).status_code == 403
    page = boss.get(manage, headers=ZH).get_data(as_text=True)
    assert_csp_clean(page)
    assert "在浏览器中打开" in page or "Open in browser" in page
    added = submit(boss, manage, f"/r/{rid}/entries", {"for_name": "群里的老王", "v-f1": "13800000009"})
    assert added.status_code == 303
    missing = submit(boss, manage, f"/r/{rid}/entries", {"for_name": "", "v-f1": "13800000009"})
    assert missing.status_code == 422 and 'id="f-for_name"' in missing.get_data(as_text=True)
    imported = submit(boss, manage, f"/r/{rid}/import", {"text": "1. 小红 高手 13800000010\n2. 小明 13800"})
    assert imported.status_code == 200
    html = imported.get_data(as_text=True)
    assert "1 entry added to the list." in html and "2. 小明 13800" in html
    # The refused line waits in a box of its own, ready to fix and import again.
    retry = re.search(r'<textarea[^>]*name="text"[^>]*>([^<]*)</textarea>', html)
    assert retry and retry.group(1) == "2. 小明 13800"
    fixed = submit(boss, manage, f"/r/{rid}/import", {"text": "2. 小明 熟练 13800000011"})
    assert "1 entry added to the list." in fixed.get_data(as_text=True)
    assert [e["name"] for e in owner.get(f"/api/v1/relays/{rid}").get_json()["entries"]] == ["群里的老王", "小红", "小明"]

    # Deadlines lie within five years from now: next year's 1 December, 20:00 Shanghai.
    year = utcnow().year + 1
    settings = {"title": "周六羽毛球", "description": "", "capacity": "1", "per_member_max": "1",
                "guests_max": "0", "waitlist": "1", "deadline": f"{year}-12-01T20:00"}
    refused = submit(boss, manage, f"/r/{rid}/settings", settings)
    assert refused.status_code == 409
    assert re.search(r'id="f-capacity"[^>]*aria-invalid="true"', refused.get_data(as_text=True))
    saved = submit(boss, manage, f"/r/{rid}/settings", {**settings, "capacity": "5"})
    assert saved.status_code == 303
    relay = owner.get(f"/api/v1/relays/{rid}").get_json()
    assert relay["capacity"] == 5 and relay["deadline"] == f"{year}-12-01T12:00:00+00:00"

    assert submit(boss, manage, f"/r/{rid}/close", {"closed": "1"}).status_code == 303
    assert owner.get(f"/api/v1/relays/{rid}").get_json()["closed"] is True
    assert submit(boss, manage, f"/r/{rid}/delete", {}).status_code == 303  # unconfirmed
    assert owner.get(f"/api/v1/relays/{rid}").status_code == 200
    assert submit(boss, manage, f"/r/{rid}/delete", {"confirm": "1"}).status_code == 303
    assert owner.get(f"/api/v1/relays/{rid}").status_code == 404


def test_tickets_have_their_own_secret_and_organisers_check_in(phones, app, tmp_path):
    rid = created_relay(phones)
    gid, clients, owner, _ = phones
    submit(clients["甲"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000001"})
    entry = clients["甲"].get(f"/api/v1/relays/{rid}").get_json()["entries"][0]
    ticket = entry["ticket_url"].split("localhost", 1)[1]
    assert entry["id"] not in ticket
    for wrong in (entry["id"], "%00" * 20, "x" * 40, ticket.rsplit("/", 1)[1][:-1] + "?"):
        assert app.test_client().get(f"/r/{rid}/tickets/{wrong}").status_code == 404
    mine = clients["甲"].get(ticket).get_data(as_text=True)
    assert "No. 1" in mine and "Check in" not in mine and "13800000001" in mine
    seen_by_other = clients["乙"].get(ticket).get_data(as_text=True)
    assert "13800000001" not in seen_by_other
    qr = clients["甲"].get(f"{ticket}/qr.png")
    assert qr.status_code == 200 and qr.mimetype == "image/png"
    assert zbar(qr.get_data(), tmp_path) == [entry["ticket_url"]]
    assert qr.headers["Cache-Control"] == "private, no-store"
    page = clients["群主"].get(ticket).get_data(as_text=True)
    assert "Check in" in page
    assert submit(clients["乙"], f"/r/{rid}", f"{ticket}/attend", {}).status_code == 403
    assert submit(clients["群主"], ticket, f"{ticket}/attend", {}).status_code == 303
    assert "Checked in" in clients["群主"].get(ticket).get_data(as_text=True)
    assert "Checked in: 1 / 1" in clients["群主"].get(f"/r/{rid}").get_data(as_text=True)


def test_sharing_pictures(phones, app, tmp_path):
    rid = created_relay(phones)
    anyone = app.test_client()
    assert zbar(anyone.get(f"/r/{rid}/qr.png").get_data(), tmp_path) == [f"http://localhost/r/{rid}"]
    assert anyone.get(f"/r/{rid}/qr.svg").mimetype == "image/svg+xml"
    assert anyone.get("/r/AAAAAAAAAA/qr.png").status_code == 404


def test_every_page_reads_in_chinese(phones):
    rid = created_relay(phones)
    gid, clients, owner, _ = phones
    submit(clients["甲"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000001"})
    for path in (f"/r/{rid}", f"/r/{rid}/manage", f"/r/{rid}/log", f"/g/{gid}/relays/new"):
        html = clients["群主"].get(path, headers=ZH).get_data(as_text=True)
        assert "接龙" in html, path
        assert_csp_clean(html)


def test_a_relay_page_shows_its_deadline_in_the_readers_language(relay_with):
    """Like poll pages: the group's zone, the reader's language (core.i18n's filter)."""

    # Three days ahead at 20:00 in the group's zone (Asia/Shanghai by default).
    local = (utcnow() + timedelta(days=3)).astimezone(timezone(timedelta(hours=8)))
    local = local.replace(hour=20, minute=0, second=0, microsecond=0)
    rid, owner, _, _ = relay_with(deadline=local.isoformat())
    english = owner.get(f"/r/{rid}?lang=en").get_data(as_text=True)
    chinese = owner.get(f"/r/{rid}?lang=zh").get_data(as_text=True)
    assert f"{local.strftime('%b')} {local.day}, 8:00\u202fPM" in english
    assert f"{local.month}月{local.day}日" in chinese and "20:00" in chinese
    for page in (english, chinese):
        assert local.strftime("%Y-%m-%d %H:%M") not in page  # no fixed format any more


def test_the_list_shows_each_answer_linked_and_escaped_and_who_may_change_it(phones):
    gid, clients, owner, people = phones
    rid = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "聚餐", "guests_max": 2, "fields": [
            {"key": "phone", "label": "手机号", "type": "phone"},
            {"key": "mail", "label": "邮箱", "type": "email"},
            {"key": "note", "label": "备注"}]}).get_json()["id"]
    assert people["甲"][0].post(f"/api/v1/relays/{rid}/entries", json={
        "values": {"phone": "13800138000", "mail": "a@example.com", "note": "<b>素食</b>"},
        "guests": 1}).status_code == 201

    def the_list(name):
        page = clients[name].get(f"/r/{rid}").get_data(as_text=True)
        return page[page.index('<ol class="list relay-list">'):].split("</ol>", 1)[0]

    seen = the_list("乙")
    assert '<span class="list-number">1.</span>' in seen and "甲" in seen
    assert '<span class="badge badge-outline">+1</span>' in seen
    assert '<a class="value-link" href="tel:' in seen and ">13800138000</a>" in seen
    assert '<a class="value-link" href="mailto:a@example.com">a@example.com</a>' in seen
    assert "&lt;b&gt;素食&lt;/b&gt;" in seen and "<b>" not in seen
    assert "is-mine" not in seen and "relay-entry-edit" not in seen
    mine = the_list("甲")
    assert 'relay-entry is-mine' in mine and 'class="badge badge-accent">You</span>' in mine
    assert f'href="/r/{rid}/entries/' in mine and "relay-entry-edit" in mine
    assert "relay-entry-edit" in the_list("群主")  # organisers change any entry


def test_what_every_member_reads_moves_for_each_of_them_at_once(phones, app):
    """A relay's list, chat text and log are read once for every member who reads it as
    it is (a worker keeps them): a sign-up, a new name and a withdrawal each show at once
    to a member who read the page just before, in the language they read, and what only
    organisers and the entrant see stays theirs whoever read first."""
    from sqlalchemy import select

    from grouptools.core.models import Person
    from grouptools.core.people.service import rename_person
    from grouptools.extensions import db

    rid = created_relay(phones, capacity="3")
    _, clients, _, _ = phones
    reader, entrant, organiser = clients["乙"], clients["甲"], clients["群主"]

    def section(html, start, end):
        return html[html.index(start):html.index(end)]

    def read(client, headers=None):
        html = client.get(f"/r/{rid}", headers=headers).get_data(as_text=True)
        return (section(html, 'id="list-title"', 'id="text-title"'),
                section(html, 'id="relay-text"', "</textarea>"),
                section(html, 'id="log-title"', f'href="/r/{rid}/log"'))

    for client in (organiser, reader, entrant):
        assert "Nobody yet. Be the first!" in read(client)[0]
    submit(entrant, f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "13800000001", "v-f2": "高手"})
    listed, text, log = read(reader)
    assert "甲" in listed and "高手" in listed and "13800000001" not in listed + text
    assert "1. 甲 高手" in text and "甲" in log
    assert "13800000001" in read(organiser)[0] and "13800000001" in read(entrant)[0]
    assert "badge-accent" in read(entrant)[0] and "badge-accent" not in read(reader)[0]
    assert "13800000001" not in "".join(read(reader))
    zh_list, zh_text, _ = read(reader, ZH)
    assert "#接龙" in zh_text and "1. 甲 高手" in zh_text

    with app.app_context():
        rename_person(db.session.scalar(select(Person).where(Person.name == "甲")), "新甲")
    listed, text, log = read(reader)
    assert "新甲" in listed and "1. 新甲 高手" in text and "新甲" in log

    eid = organiser.get(f"/api/v1/relays/{rid}").get_json()["entries"][0]["id"]
    assert submit(entrant, f"/r/{rid}", f"/r/{rid}/entries/{eid}/withdraw", {}).status_code == 303
    listed, text, log = read(reader)
    assert "Nobody yet. Be the first!" in listed and "1. 新甲" not in text
    assert "withdrew" in log
