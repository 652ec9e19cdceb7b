"""Sign-in links and signing out everywhere: another device, a changed phone, a lost one."""
import re
from datetime import timedelta

from sqlalchemy import update

from grouptools.core.models import SigninLink
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from tests.conftest import bearer, csrf_headers


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def form_csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def open_link_and_confirm(device, url):
    """What a person does: open the link (a confirm page), then tap "Sign in"."""
    page = device.get(path_of(url))
    assert page.status_code == 200
    return device.post(path_of(url), data={"csrf_token": form_csrf(page)})


def post_anyway(device, url):
    """Confirm a link whose page offered no button (a stale tab, a script)."""
    return device.post(path_of(url), headers=csrf_headers(device))


def test_personal_link_signs_in_another_device_only_after_confirming(app, user):
    person = user("张三")
    url = person.get("/api/v1/me/signin-link").get_json()["url"]
    phone = app.test_client()
    page = phone.get(path_of(url))
    assert "张三" in page.get_data(as_text=True)
    # Opening the link (as a chat app's preview bot does) signs nobody in.
    assert phone.get("/api/v1/me").status_code == 401
    signed_in = phone.post(path_of(url), data={"csrf_token": form_csrf(page)})
    assert signed_in.status_code == 303
    assert phone.get("/api/v1/me").get_json()["id"] == person.id


def test_personal_link_post_without_csrf_is_refused(app, user):
    url = user("张三").get("/api/v1/me/signin-link").get_json()["url"]
    phone = app.test_client()
    phone.get(path_of(url))
    assert phone.post(path_of(url)).status_code == 400
    assert phone.get("/api/v1/me").status_code == 401


def test_a_forged_link_is_404(client):
    assert client.get("/signin/WyJhYmMiLDFd.forged").status_code == 404
    assert client.get("/signin/once/made-up-secret").status_code == 404


# --- A manager's one-time link moves one membership, never the person ----------------------

PHONE = {"key": "phone", "label": "手机号", "type": "phone", "required": True, "private": True}


def issue_link(manager, gid, mid):
    issued = manager.post(f"/api/v1/groups/{gid}/members/{mid}/signin-link")
    assert issued.status_code == 201, issued.get_json()
    return issued.get_json()["url"]


def my_group_names(device, **kwargs):
    return sorted(g["name"] for g in device.get("/api/v1/me", **kwargs).get_json()["groups"])


def test_lost_phone_the_manager_link_brings_my_membership_entries_and_vote_back(app, group_with, user):
    gid, owner, people = group_with(members=["换手机的", "乙"])
    member, mid = people["换手机的"]
    rid = owner.post(f"/api/v1/groups/{gid}/relays", json={"title": "周六羽毛球", "fields": [PHONE]}).get_json()["id"]
    poll = owner.post(f"/api/v1/groups/{gid}/polls",
                      json={"title": "去哪儿", "options": [{"text": "爬山"}, {"text": "看电影"}]}).get_json()
    mountain = poll["options"][0]["id"]
    entry = member.post(f"/api/v1/relays/{rid}/entries", json={"values": {"phone": "13800138000"}}).get_json()
    assert member.post(f"/api/v1/polls/{poll['id']}/votes", json={"option_ids": [mountain]}).status_code == 201
    elsewhere = user("别的群主")
    other_gid = elsewhere.post("/api/v1/groups", json={"name": "读书会"}).get_json()["id"]
    member.post(f"/api/v1/groups/{other_gid}/join", json={})

    url = issue_link(owner, gid, mid)
    new_phone = app.test_client()
    page = new_phone.get(path_of(url))
    assert "跑步群" in page.get_data(as_text=True) and "换手机的" in page.get_data(as_text=True)
    assert new_phone.get("/api/v1/me").status_code == 401  # looking signs nobody in
    moved = new_phone.post(path_of(url), data={"csrf_token": form_csrf(page)})
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"/g/{gid}")

    me = new_phone.get("/api/v1/me").get_json()
    assert me["id"] != member.id and me["name"] == "换手机的"
    assert my_group_names(new_phone) == ["跑步群"]  # this group only
    mine = [e for e in new_phone.get(f"/api/v1/relays/{rid}").get_json()["entries"] if e["mine"]]
    assert [(e["id"], e["values"]) for e in mine] == [(entry["id"], {"phone": "13800138000"})]
    assert new_phone.get(f"/api/v1/polls/{poll['id']}").get_json()["my_vote"] == [mountain]
    roster = owner.get(f"/api/v1/groups/{gid}/members").get_json()
    assert [(m["member_id"], m["name"]) for m in roster if m["name"] == "换手机的"] == [(mid, "换手机的")]
    # It is theirs to change, too.
    assert new_phone.delete(f"/api/v1/relays/{rid}/entries/{entry['id']}",
                            headers=csrf_headers(new_phone)).status_code == 204

    # The old phone's person keeps everything else; the link is spent.
    assert my_group_names(member) == ["读书会"]
    assert app.test_client().get(path_of(url)).status_code == 404
    assert post_anyway(app.test_client(), url).status_code == 404


def test_a_one_time_link_expires(app, group_with):
    gid, owner, people = group_with(members=["甲"])
    url = issue_link(owner, gid, people["甲"][1])
    with app.app_context():
        db.session.execute(update(SigninLink).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert app.test_client().get(path_of(url)).status_code == 404


def test_only_managers_issue_and_only_for_other_plain_members(group_with):
    gid, owner, people = group_with(members=["甲", "乙"], admins=["管理员"])
    admin, admin_id = people["管理员"]
    member, member_id = people["甲"]
    owner_id = admin.get(f"/api/v1/groups/{gid}/members").get_json()[0]["member_id"]
    assert admin.post(f"/api/v1/groups/{gid}/members/{owner_id}/signin-link").status_code == 403
    assert owner.post(f"/api/v1/groups/{gid}/members/{admin_id}/signin-link").status_code == 403
    assert owner.post(f"/api/v1/groups/{gid}/members/{owner_id}/signin-link").status_code == 403
    assert member.post(f"/api/v1/groups/{gid}/members/{people['乙'][1]}/signin-link").status_code == 403
    owner.delete(f"/api/v1/groups/{gid}/members/{people['乙'][1]}")
    assert owner.post(f"/api/v1/groups/{gid}/members/{people['乙'][1]}/signin-link").status_code == 409
    # Organising another group no longer matters: the link moves nothing of that group.
    member.post("/api/v1/groups", json={"name": "甲的群"})
    assert admin.post(f"/api/v1/groups/{gid}/members/{member_id}/signin-link").status_code == 201


def test_the_takeover_attack_fails_at_every_step(app, group_with, user):
    """A hostile owner gets a member into their group, issues a link and opens it."""
    victim = user("受害者")
    # The victim runs a group whose relay holds a neighbour's phone number …
    own_gid = victim.post("/api/v1/groups", json={"name": "受害者的群"}).get_json()["id"]
    own_rid = victim.post(f"/api/v1/groups/{own_gid}/relays",
                          json={"title": "拼车", "fields": [PHONE]}).get_json()["id"]
    neighbour = user("邻居")
    neighbour.post(f"/api/v1/groups/{own_gid}/join", json={})
    neighbour.post(f"/api/v1/relays/{own_rid}/entries", json={"values": {"phone": "13900000002"}})
    # … and signed up, with their own phone number, in a third group.
    third = user("第三方")
    third_gid = third.post("/api/v1/groups", json={"name": "第三个群"}).get_json()["id"]
    third_rid = third.post(f"/api/v1/groups/{third_gid}/relays",
                           json={"title": "聚餐", "fields": [PHONE]}).get_json()["id"]
    victim.post(f"/api/v1/groups/{third_gid}/join", json={})
    victim.post(f"/api/v1/relays/{third_rid}/entries", json={"values": {"phone": "13800000001"}})
    personal_link = victim.get("/api/v1/me/signin-link").get_json()["url"]

    gid, attacker, _ = group_with()
    victim_mid = victim.post(f"/api/v1/groups/{gid}/join", json={}).get_json()["member_id"]
    url = issue_link(attacker, gid, victim_mid)
    device = app.test_client()
    assert open_link_and_confirm(device, url).status_code == 303

    # 1. The device is a new person, in the attacker's group only.
    me = device.get("/api/v1/me").get_json()
    assert me["id"] != victim.id
    assert my_group_names(device) == ["跑步群"]
    # 2. Nothing of the group the victim runs: no relay, no phone numbers, no export.
    assert "role" not in device.get(f"/api/v1/groups/{own_gid}").get_json()
    for path in (f"/api/v1/relays/{own_rid}", f"/api/v1/relays/{own_rid}/export.csv",
                 f"/api/v1/relays/{own_rid}/export.xlsx", f"/api/v1/relays/{own_rid}/text"):
        assert device.get(path).status_code == 404, path
    assert "13900000002" not in device.get(f"/r/{own_rid}").get_data(as_text=True)
    # 3. Nothing of the victim's private values in the third group.
    assert device.get(f"/api/v1/relays/{third_rid}").status_code == 404
    assert "13800000001" not in device.get(f"/r/{third_rid}").get_data(as_text=True)
    assert device.get(f"/api/v1/groups/{third_gid}/members").status_code == 404
    # 4. No token of the victim's: theirs still works, for everything that is theirs.
    assert victim.get("/api/v1/me").get_json()["id"] == victim.id
    assert my_group_names(victim) == ["受害者的群", "第三个群"]
    assert victim.get(f"/api/v1/relays/{own_rid}/export.csv").status_code == 200
    assert "13900000002" in victim.get(f"/api/v1/relays/{own_rid}").get_data(as_text=True)
    # 5. The device's own sign-in link signs in the device's person, never the victim.
    device_link = device.get("/api/v1/me/signin-link").get_json()["url"]
    assert device_link != personal_link
    laptop = app.test_client()
    open_link_and_confirm(laptop, device_link)
    assert laptop.get("/api/v1/me").get_json()["id"] == me["id"]
    # 6. The victim's personal link is unchanged and still signs in the victim only.
    assert victim.get("/api/v1/me/signin-link").get_json()["url"] == personal_link
    victims_laptop = app.test_client()
    open_link_and_confirm(victims_laptop, personal_link)
    assert victims_laptop.get("/api/v1/me").get_json()["id"] == victim.id


def test_an_organiser_cannot_absorb_a_members_place_on_their_own_device(app, group_with, user):
    gid, _, people = group_with(members=["甲"], admins=["管理员"])
    admin = people["管理员"][0]
    admin_phone = app.test_client()
    open_link_and_confirm(admin_phone, admin.get("/api/v1/me/signin-link").get_json()["url"])
    url = issue_link(admin, gid, people["甲"][1])
    page = admin_phone.get(path_of(url)).get_data(as_text=True)
    assert "organise this group" in page and "Move it here" not in page
    refused = post_anyway(admin_phone, url)
    assert refused.status_code == 409
    assert "organise this group" in refused.get_data(as_text=True)
    assert [m["name"] for m in admin.get(f"/api/v1/groups/{gid}/members").get_json()] == [
        "群主", "甲", "管理员"]
    assert admin.get(f"/api/v1/groups/{gid}").get_json()["role"] == "admin"


def test_sign_out_everywhere_ends_other_sessions_the_old_token_and_the_old_link(app, user):
    person = user("丢了手机的人")
    old_link = person.get("/api/v1/me/signin-link").get_json()["url"]
    lost_phone, laptop = app.test_client(), app.test_client()
    open_link_and_confirm(lost_phone, old_link)
    open_link_and_confirm(laptop, old_link)
    assert lost_phone.get("/api/v1/me").status_code == 200

    response = laptop.post("/api/v1/me/signout-everywhere", headers=csrf_headers(laptop))
    assert response.status_code == 200
    new_token = response.get_json()["token"]

    assert laptop.get("/api/v1/me").status_code == 200  # the device that asked stays in
    assert lost_phone.get("/api/v1/me").status_code == 401
    assert app.test_client().get("/api/v1/me", headers=bearer(person.token)).status_code == 401
    assert app.test_client().get("/api/v1/me", headers=bearer(new_token)).status_code == 200
    assert app.test_client().get(path_of(old_link)).status_code == 404


def test_sign_out_everywhere_with_a_token(app, user):
    person = user()
    response = person.post("/api/v1/me/signout-everywhere")
    assert response.status_code == 200
    assert person.get("/api/v1/me").status_code == 401
    assert app.test_client().get("/api/v1/me", headers=bearer(response.get_json()["token"])).status_code == 200
