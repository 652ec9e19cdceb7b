"""Trying it from a phone on the same Wi-Fi (issue 15): `make run HOST=0.0.0.0` finds
the machine's LAN address (standard library only), prints it, and hands it to the
server as GROUPTOOLS_BASE_URL, so links and the QR codes on posters open on the phone."""
import ipaddress
import subprocess

import pytest

from grouptools.cli import base_url_for, lan_address
from tests.conftest import ROOT
from tests.core.test_share import zbar


def test_the_lan_address_is_found_with_a_udp_socket():
    address = lan_address()
    # A machine without a network has none; one with a network, a real non-loopback one.
    if address is not None:
        parsed = ipaddress.ip_address(address)
        assert not parsed.is_loopback and not parsed.is_unspecified


@pytest.mark.parametrize("host, configured, expected", [
    ("0.0.0.0", None, "http://192.168.1.23:8000"),
    ("::", None, "http://192.168.1.23:8000"),
    ("192.168.1.50", None, "http://192.168.1.50:8000"),
    ("127.0.0.1", None, None),
    ("localhost", None, None),
    ("0.0.0.0", "https://groups.example.org/", "https://groups.example.org"),
])
def test_the_base_url_follows_where_the_server_listens(host, configured, expected):
    assert base_url_for(host, 8000, configured, lambda: "192.168.1.23") == expected


def test_without_a_network_links_follow_the_browser():
    assert base_url_for("0.0.0.0", 8000, None, lambda: None) is None


def test_the_command_prints_the_url_and_says_where_to_open_it(app, monkeypatch):
    monkeypatch.delenv("GROUPTOOLS_BASE_URL", raising=False)
    monkeypatch.setattr("grouptools.cli.lan_address", lambda: "192.168.1.23")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["grouptools", "base-url", "--host", "0.0.0.0", "--port", "8000"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "http://192.168.1.23:8000"
    assert "on a phone on the same Wi-Fi, open http://192.168.1.23:8000" in result.stderr
    local = runner.invoke(args=["grouptools", "base-url", "--host", "127.0.0.1", "--port", "8000"])
    assert local.stdout.strip() == ""


def test_make_run_hands_the_address_to_the_server():
    plan = subprocess.run(["make", "-n", "run", "HOST=0.0.0.0", "PORT=8123"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    assert ("GROUPTOOLS_BASE_URL=\"$(.venv/bin/flask --app wsgi grouptools base-url "
            "--host '0.0.0.0' --port '8123')\"") in plan
    assert "--bind 0.0.0.0:8123" in plan


def test_with_the_lan_base_url_links_and_qr_codes_point_at_it(make_app, tmp_path):
    lan = make_app(BASE_URL="http://192.168.1.23:8000")
    client = lan.test_client()
    token = client.post("/api/v1/people", json={"name": "王老师"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    group = client.post("/api/v1/groups", json={"name": "三年二班"}, headers=headers).get_json()
    assert group["url"].startswith("http://192.168.1.23:8000/g/")
    png = client.get(f"/g/{group['id']}/qr.png")
    assert zbar(png.data, tmp_path) == [group["url"]]
