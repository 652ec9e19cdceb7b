"""Rate limits, as a server with limits on applies them: per person for groups, widgets,
sign-ups and uploaded pictures, generous per address for new people, one budget per
action shared by its page and its API route, and the contract's 429."""
import io

import pytest
import requests
from PIL import Image

from tests.conftest import running_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def limited_server(app, database_url, tmp_path_factory):
    # One worker: the default in-memory counters are per process.
    with running_server(database_url, tmp_path_factory.mktemp("limited"),
                        tmp_path_factory.mktemp("limited-log") / "gunicorn.log", workers=1,
                        GROUPTOOLS_RATELIMIT_ENABLED="1",
                        # Small budgets for two actions, as an operator may set them.
                        GROUPTOOLS_RATELIMIT_CREATE_WIDGET="3 per hour",
                        GROUPTOOLS_RATELIMIT_SIGN_UP="4 per hour") as server:
        yield server


def test_creating_groups_is_limited_per_person(limited_server):
    def person(name):
        return requests.post(f"{limited_server}/api/v1/people", json={"name": name}, timeout=10).json()

    busy, other = person("建群狂人"), person("普通人")
    headers = {"Authorization": f"Bearer {busy['token']}", "Accept-Language": "zh-CN"}
    answers = [requests.post(f"{limited_server}/api/v1/groups", json={"name": f"群{i}"},
                             headers=headers, timeout=10) for i in range(31)]
    assert [a.status_code for a in answers[:30]] == [201] * 30
    refused = answers[30]
    assert refused.status_code == 429
    assert refused.json()["code"] == 429 and refused.json()["message"] == "请求过于频繁，请稍后再试。"
    assert int(refused.headers["Retry-After"]) > 0
    # Another person behind the same address is not held back.
    ok = requests.post(f"{limited_server}/api/v1/groups", json={"name": "我的群"},
                       headers={"Authorization": f"Bearer {other['token']}"}, timeout=10)
    assert ok.status_code == 201


def test_a_whole_class_on_one_address_can_create_their_names(limited_server):
    answers = [requests.post(f"{limited_server}/api/v1/people", json={"name": f"家长{i}"}, timeout=10)
               for i in range(60)]
    assert {a.status_code for a in answers} == {201}


def test_sign_in_links_are_limited_per_address_and_logged_masked(limited_server):
    """Every /signin/ route shares one generous budget per address; the 429 is the
    error page in the asker's language with Retry-After; and a percent-encoded sign-in
    path reaches the access log masked."""
    secret = "n0t-a-real-s3cr3t"
    headers = {"Accept-Language": "zh-CN"}
    answers = [requests.get(f"{limited_server}/%73ignin/{secret}{i}", headers=headers,
                            timeout=10) for i in range(120)]
    assert {a.status_code for a in answers} == {404}
    refused = requests.get(f"{limited_server}/signin/once/{secret}", headers=headers, timeout=10)
    assert refused.status_code == 429
    assert "请求过于频繁，请稍后再试。" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    # Other routes are not held back by it.
    assert requests.get(f"{limited_server}/healthz", timeout=10).status_code == 200
    log = limited_server.read_log()
    assert "/signin/[redacted]" in log and secret not in log


@pytest.fixture(scope="module")
def upload_limited_server(app, database_url, tmp_path_factory):
    with running_server(database_url, tmp_path_factory.mktemp("uploads"),
                        tmp_path_factory.mktemp("uploads-log") / "gunicorn.log", workers=1,
                        GROUPTOOLS_RATELIMIT_ENABLED="1",
                        GROUPTOOLS_UPLOAD_RATE_LIMIT="4 per hour") as server:
        yield server


def picture():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 60)).save(out, "PNG")
    return out.getvalue()


def test_uploads_are_limited_per_person_counted_in_pictures_on_page_and_api(upload_limited_server):
    server = upload_limited_server
    # A person on the API: four pictures, then 429 with the contract's message.
    api = requests.post(f"{server}/api/v1/people", json={"name": "传图的人"}, timeout=10).json()
    headers = {"Authorization": f"Bearer {api['token']}", "Accept-Language": "zh-CN"}
    answers = [requests.post(f"{server}/api/v1/images", files={"file": ("p.png", picture())},
                             headers=headers, timeout=10) for _ in range(5)]
    assert [a.status_code for a in answers] == [201] * 4 + [429]
    assert answers[4].json()["message"] == "请求过于频繁，请稍后再试。"

    # Another person on the same address, in a browser: the poll form's four photos
    # count four, and the API then refuses the fifth, as would the form.
    phone = requests.Session()
    token = phone.get(f"{server}/api/v1/csrf", timeout=10).json()["csrf_token"]
    created = phone.post(f"{server}/groups/new", allow_redirects=False, timeout=10, data={
        "csrf_token": token, "your_name": "王老师", "name": "家长群", "join_policy": "open",
        "timezone": "Asia/Shanghai"})
    assert created.status_code == 303
    gid = created.headers["Location"].rsplit("/", 1)[1]
    form = {"csrf_token": token, "title": "班服", "option": ["", ""]}
    photos = [("photos", (f"p{i}.png", picture(), "image/png")) for i in range(4)]
    review = phone.post(f"{server}/g/{gid}/polls/new", data=form, files=photos, timeout=30)
    assert review.status_code == 200 and review.text.count('name="photo_id"') == 4
    fifth = phone.post(f"{server}/api/v1/images", files={"file": ("p.png", picture())},
                       data={"group_id": gid}, headers={"X-CSRFToken": token}, timeout=10)
    assert fifth.status_code == 429
    again = phone.post(f"{server}/g/{gid}/polls/new", data=form, timeout=10,
                       files=[("photos", ("p.png", picture(), "image/png"))])
    assert again.status_code == 429
    # A form without pictures is not an upload.
    text_poll = phone.post(f"{server}/g/{gid}/polls/new", allow_redirects=False, timeout=10,
                           data={**form, "option": ["爬山", "看电影"]})
    assert text_poll.status_code == 303


ZH = {"Accept-Language": "zh-CN"}


def assert_page_refused(response):
    """The contract's 429 for a page: the error page in the asker's language."""
    assert response.status_code == 429
    assert response.headers["Content-Type"].startswith("text/html")
    assert "请求过于频繁，请稍后再试。" in response.text
    assert int(response.headers["Retry-After"]) > 0


def assert_api_refused(response):
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == 429 and body["message"] == "请求过于频繁，请稍后再试。"
    assert int(response.headers["Retry-After"]) > 0


def phone_with_group(server, name):
    """A browser: a new person and their group, made on the group form."""
    phone = requests.Session()
    phone.headers.update(ZH)
    token = phone.get(f"{server}/api/v1/csrf", timeout=10).json()["csrf_token"]
    phone.headers["X-CSRFToken"] = token
    created = phone.post(f"{server}/groups/new", allow_redirects=False, timeout=10, data={
        "csrf_token": token, "your_name": name, "name": f"{name}的群", "join_policy": "open",
        "timezone": "Asia/Shanghai"})
    assert created.status_code == 303
    return phone, token, created.headers["Location"].rsplit("/", 1)[1]


RELAY_FORM = {"title": "周六羽毛球", "description": "", "capacity": "", "waitlist": "1",
              "per_member_max": "5", "guests_max": "0", "deadline": ""}


def test_creating_relays_on_the_page_is_limited_with_the_api_in_one_budget(limited_server):
    server = limited_server
    phone, token, gid = phone_with_group(server, "组织者")
    form = {**RELAY_FORM, "csrf_token": token}
    pages = [phone.post(f"{server}/g/{gid}/relays/new", data=form, allow_redirects=False,
                        timeout=10) for _ in range(2)]
    assert [p.status_code for p in pages] == [303, 303]
    api = phone.post(f"{server}/api/v1/groups/{gid}/relays", json={"title": "拼车"}, timeout=10)
    assert api.status_code == 201
    # Three made, page and API together: both refuse the fourth, in the contract's shape.
    assert_page_refused(phone.post(f"{server}/g/{gid}/relays/new", data=form, timeout=10))
    assert_api_refused(phone.post(f"{server}/api/v1/groups/{gid}/relays", json={"title": "x"},
                                  timeout=10))
    # Creating any widget is one action: a poll is refused too.
    assert_page_refused(phone.post(f"{server}/g/{gid}/polls/new", timeout=10, data={
        "csrf_token": token, "title": "班服", "option": ["红", "蓝"]}))
    # Showing the form is not creating anything.
    assert phone.get(f"{server}/g/{gid}/relays/new", timeout=10).status_code == 200
    # The group keeps exactly what was made before the refusals.
    relays = [w for w in phone.get(f"{server}/g/{gid}", timeout=10).text.split("/r/")[1:]]
    assert len({r[:10] for r in relays}) == 3


def test_signing_up_on_the_page_and_the_api_share_one_budget(limited_server):
    server = limited_server
    boss, boss_token, gid = phone_with_group(server, "接龙发起人")
    made = boss.post(f"{server}/api/v1/groups/{gid}/relays", timeout=10,
                     json={"title": "周日爬山", "per_member_max": 5})
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    # A member joins on the stranger's one screen, then signs up four times by the API.
    member = requests.Session()
    member.headers.update(ZH)
    token = member.get(f"{server}/api/v1/csrf", timeout=10).json()["csrf_token"]
    member.headers["X-CSRFToken"] = token
    joined = member.post(f"{server}/g/{gid}/join", allow_redirects=False, timeout=10,
                         data={"csrf_token": token, "your_name": "小李"})
    assert joined.status_code == 303
    answers = [member.post(f"{server}/api/v1/relays/{rid}/entries", json={"values": {}},
                           timeout=10) for _ in range(4)]
    assert [a.status_code for a in answers] == [201] * 4
    eid = answers[0].json()["id"]
    # The fifth sign-up is refused on the page form as on the API, and editing an entry
    # (page or API) draws from the same budget.
    assert_page_refused(member.post(f"{server}/r/{rid}/entries", timeout=10,
                                    data={"csrf_token": token}))
    assert_page_refused(member.post(f"{server}/r/{rid}/entries/{eid}", timeout=10,
                                    data={"csrf_token": token}))
    assert_api_refused(member.post(f"{server}/api/v1/relays/{rid}/entries", json={"values": {}},
                                   timeout=10))
    assert_api_refused(member.patch(f"{server}/api/v1/relays/{rid}/entries/{eid}",
                                    json={"guests": 0}, timeout=10))
    # Reading is not acting: the member still sees the list, with their four places.
    listed = member.get(f"{server}/api/v1/relays/{rid}", timeout=10).json()
    assert len(listed["entries"]) == 4

    # The organiser's budget is their own: importing works, page and API, until it is spent.
    imports = [boss.post(f"{server}/api/v1/relays/{rid}/import", json={"text": f"1. 老{i}"},
                         timeout=10) for i in range(3)]
    assert [i.status_code for i in imports] == [200] * 3
    assert boss.post(f"{server}/r/{rid}/import", timeout=10,
                     data={"csrf_token": boss_token, "text": "1. 老三"}).status_code == 200
    assert_page_refused(boss.post(f"{server}/r/{rid}/import", timeout=10,
                                  data={"csrf_token": boss_token, "text": "1. 老四"}))
    names = [e["name"] for e in boss.get(f"{server}/api/v1/relays/{rid}", timeout=10).json()["entries"]]
    assert names.count("小李") == 4 and len(names) == 8
