"""Several devices confirming one manager's link at the same moment, through gunicorn with
several workers: exactly one gets the membership, nobody else gets anything."""
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from grouptools.core.models import MembershipEvent, Person
from grouptools.extensions import db

pytestmark = pytest.mark.server

DEVICES = 6


def test_one_link_tapped_on_many_devices_at_once_moves_the_membership_once(app, live_server):
    def api(method, path, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{live_server}{path}", headers=headers, timeout=60, **kwargs)

    owner = api("POST", "/api/v1/people", json={"name": "群主"}).json()["token"]
    gid = api("POST", "/api/v1/groups", owner, json={"name": "抢链接"}).json()["id"]
    member = api("POST", "/api/v1/people", json={"name": "换手机的"}).json()["token"]
    mid = api("POST", f"/api/v1/groups/{gid}/join", member, json={}).json()["member_id"]
    url = api("POST", f"/api/v1/groups/{gid}/members/{mid}/signin-link", owner).json()["url"]
    path = re.sub(r"^https?://[^/]+", "", url)

    devices = []
    for _ in range(DEVICES):
        device = requests.Session()
        page = device.get(f"{live_server}{path}", timeout=60)
        assert page.status_code == 200
        devices.append((device, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)))

    def confirm(device_and_token):
        device, token = device_and_token
        return device.post(f"{live_server}{path}", data={"csrf_token": token},
                           allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(DEVICES) as pool:
        codes = sorted(pool.map(confirm, devices))
    assert codes == [303] + [404] * (DEVICES - 1)

    signed_in = [d.get(f"{live_server}/api/v1/me", timeout=60) for d, _ in devices]
    assert [r.status_code for r in signed_in].count(200) == 1
    roster = api("GET", f"/api/v1/groups/{gid}/members", owner).json()
    assert [(m["member_id"], m["name"]) for m in roster][1:] == [(mid, "换手机的")]
    assert api("GET", "/api/v1/me", member).json()["groups"] == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 3
        assert db.session.scalar(select(func.count()).select_from(MembershipEvent)) == 1
