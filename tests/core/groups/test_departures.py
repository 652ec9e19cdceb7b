"""Leaving and removal in core (docs/security.md#leaving-and-removal): every widget's
`on_member_gone` hook runs inside the removal's own transaction, and the confirmations
say what will happen."""
import pytest

from grouptools.core.errors import Conflict
from grouptools.core.widgets import register_widget
from tests.kinds import stand_in_kind
from tests.conftest import ApiUser
from tests.core.groups.test_views import csrf_of, submit

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def failing_widget(make_app):
    """An app with one more widget whose hook records its calls, then refuses."""
    extra = make_app()
    calls = []

    def hook(membership, reason):
        calls.append((membership.display_name, membership.status, reason))
        raise Conflict("a widget refused")

    register_widget(extra, stand_in_kind(key="refuser", label="拒绝", lister=lambda group, person: [],
                                      on_member_gone=hook))
    return extra, calls


def test_the_hook_runs_inside_the_removal_and_a_failure_undoes_it(failing_widget):
    extra, calls = failing_widget
    owner, member = ApiUser(extra, "群主"), ApiUser(extra, "甲")
    gid = owner.post("/api/v1/groups", json={"name": "跑步群"}).get_json()["id"]
    mid = member.post(f"/api/v1/groups/{gid}/join", json={}).get_json()["member_id"]

    assert owner.delete(f"/api/v1/groups/{gid}/members/{mid}").status_code == 409
    assert member.delete(f"/api/v1/groups/{gid}/members/me").status_code == 409
    assert calls == [("甲", "active", "removed"), ("甲", "active", "left")]
    roster = owner.get(f"/api/v1/groups/{gid}/members").get_json()
    assert [(m["name"], m["status"]) for m in roster] == [("群主", "active"), ("甲", "active")]


def test_a_pending_joiner_rejected_calls_no_hook(failing_widget):
    extra, calls = failing_widget
    owner, joiner = ApiUser(extra, "群主"), ApiUser(extra, "乙")
    gid = owner.post("/api/v1/groups", json={"name": "审核群", "join_policy": "approval"}).get_json()["id"]
    mid = joiner.post(f"/api/v1/groups/{gid}/join", json={}).get_json()["member_id"]
    assert owner.delete(f"/api/v1/groups/{gid}/members/{mid}").status_code == 204
    assert calls == []


def test_the_removal_confirmation_says_what_happens(app, user):
    owner_phone = app.test_client()
    created = submit(owner_phone, "/groups/new", "/groups/new",
                     {"your_name": "王老师", "name": "家长群", "join_policy": "open",
                      "timezone": "Asia/Shanghai"})
    gid = created.headers["Location"].rsplit("/", 1)[1]
    member = user("甲")
    mid = member.post(f"/api/v1/groups/{gid}/join", json={}).get_json()["member_id"]

    page = owner_phone.get(f"/g/{gid}/members").get_data(as_text=True)
    assert "A vote in a secret ballot cannot be undone" in page
    assert "their tickets stop working" in page and "Entries they added for others stay." in page
    assert "Restoring them later brings none of this back." in page
    assert 'value="remove"' in page and "Yes, remove 甲" in page
    zh = owner_phone.get(f"/g/{gid}/members", headers=ZH).get_data(as_text=True)
    assert "无记名投票无法撤回" in zh and "确定移出 甲" in zh

    removed = owner_phone.post(f"/g/{gid}/members/{mid}",
                               data={"csrf_token": csrf_of(owner_phone.get(f"/g/{gid}/members")),
                                     "action": "remove"})
    assert removed.status_code == 303
    assert member.get(f"/api/v1/groups/{gid}").get_json()["my_status"] == "removed"


def test_the_leave_confirmation_says_what_happens(app, user):
    owner = user("群主")
    gid = owner.post("/api/v1/groups", json={"name": "跑步群"}).get_json()["id"]
    phone = app.test_client()
    submit(phone, f"/g/{gid}", f"/g/{gid}/join", {"your_name": "要走的人"})
    page = phone.get(f"/g/{gid}").get_data(as_text=True)
    assert "A vote in a secret ballot cannot be undone" in page
    assert "your tickets stop working" in page and "Yes, leave the group" in page
    assert submit(phone, f"/g/{gid}", f"/g/{gid}/leave", {}).status_code == 303
