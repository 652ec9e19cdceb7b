"""Rate limits, as a server with limits on applies them: per person for groups,
generous per address for new people, and the contract's 429."""
import requests
import pytest

from tests.conftest import running_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def limited_server(app, database_url, tmp_path_factory):
    # One worker: the default in-memory counters are per process.
    with running_server(database_url, tmp_path_factory.mktemp("limited"),
                        tmp_path_factory.mktemp("limited-log") / "gunicorn.log", workers=1,
                        GROUPTOOLS_RATELIMIT_ENABLED="1") as server:
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
