"""The configuration reference (docs/configuration.md) is written from the settings
declared in grouptools/config.py; it must be current, and every GROUPTOOLS_* name the
code uses must be declared there. Also: how many proxies' forwarded headers are trusted."""
import importlib.util
import re
from pathlib import Path

import pytest
from flask import request

from grouptools import config
from grouptools.core.ratelimits import ACTIONS

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"GROUPTOOLS_[A-Z0-9_]+(?:<[A-Z]+>)?")


def _reference_tool():
    spec = importlib.util.spec_from_file_location("config_reference",
                                                  ROOT / "tools" / "config_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def undeclared(names):
    """The names that SETTINGS does not declare. `GROUPTOOLS_RATELIMIT_<ACTION>` covers each
    action's name, and a name cut short by an f-string (`GROUPTOOLS_RATELIMIT_{…}`) the
    patterns it starts."""
    patterns = [s.name for s in config.SETTINGS if "<" in s.name]
    per_action = {f"GROUPTOOLS_RATELIMIT_{name.upper()}" for name in ACTIONS}
    return sorted({name for name in names
                   if name not in config.DECLARED and name not in per_action
                   and not (name.endswith("_") and any(p.startswith(name) for p in patterns))})


def test_the_reference_is_up_to_date():
    written = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert written == _reference_tool().render(), (
        "docs/configuration.md is out of date: run .venv/bin/python tools/config_reference.py")


def test_the_reference_names_every_setting_with_its_default():
    written = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for setting in config.SETTINGS:
        assert f"| `{setting.name}` |" in written
    assert "| `GROUPTOOLS_RATELIMIT_SIGN_UP` | `60 per minute` |" in written
    assert "| `GROUPTOOLS_RATELIMIT_STORAGE_URL` | `memory://` |" in written


def test_every_setting_the_code_uses_is_declared():
    used = {}
    for path in sorted((ROOT / "grouptools").rglob("*")):
        if path.suffix not in {".py", ".html", ".txt", ".cfg", ".toml"}:
            continue
        for name in NAME.findall(path.read_text(encoding="utf-8")):
            used.setdefault(name, path.relative_to(ROOT))
    assert "GROUPTOOLS_PROXY_HOPS" in used and "GROUPTOOLS_RATELIMIT_" in used
    missing = undeclared(used)
    assert not missing, "declare these in grouptools/config.py SETTINGS: " + ", ".join(
        f"{name} ({used[name]})" for name in missing)


def test_an_undeclared_name_is_caught_and_cannot_be_read(monkeypatch):
    assert undeclared(["GROUPTOOLS_NEW_THING", "GROUPTOOLS_FONT", "GROUPTOOLS_RATELIMIT_VOTE",
                       "GROUPTOOLS_RATELIMIT_"]) == ["GROUPTOOLS_NEW_THING"]
    monkeypatch.setenv("GROUPTOOLS_NEW_THING", "1")
    with pytest.raises(KeyError):
        config.value("GROUPTOOLS_NEW_THING")


def test_values_come_from_the_environment_else_the_declared_default(monkeypatch):
    monkeypatch.delenv("GROUPTOOLS_RATELIMIT_STORAGE_URL", raising=False)
    assert config.value("GROUPTOOLS_RATELIMIT_STORAGE_URL") == "memory://"
    monkeypatch.setenv("GROUPTOOLS_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/0")
    assert config.value("GROUPTOOLS_RATELIMIT_STORAGE_URL") == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(("hops", "fix", "expected"), [
    (None, None, 0), (None, "1", 1), (None, "0", 0), ("2", None, 2), ("2", "1", 2), ("0", "1", 0),
])
def test_proxy_hops_and_the_older_proxy_fix(monkeypatch, hops, fix, expected):
    for name, setting in (("GROUPTOOLS_PROXY_HOPS", hops), ("GROUPTOOLS_PROXY_FIX", fix)):
        if setting is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, setting)
    assert config.proxy_hops() == expected


def test_proxy_hops_must_be_a_whole_number(monkeypatch):
    monkeypatch.setenv("GROUPTOOLS_PROXY_HOPS", "two")
    with pytest.raises(RuntimeError, match="GROUPTOOLS_PROXY_HOPS must be a whole number"):
        config.proxy_hops()


def _seen_by(app, headers):
    @app.route("/_test/seen")
    def seen():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return app.test_client().get("/_test/seen", headers=headers,
                                 environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()


FORWARDED = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7, 10.0.0.1",
             "X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "groups.example.org, lb"}


def test_with_two_hops_the_client_is_the_address_the_outer_proxy_saw(make_app):
    seen = _seen_by(make_app(PROXY_HOPS=2), FORWARDED)
    assert seen == {"addr": "198.51.100.7", "scheme": "https", "host": "groups.example.org"}


def test_one_hop_trusts_only_the_nearest_proxy_and_none_trusts_nothing(make_app):
    assert _seen_by(make_app(PROXY_HOPS=1), FORWARDED) == {
        "addr": "10.0.0.1", "scheme": "http", "host": "lb"}
    # PROXY_FIX, the older setting, is one hop.
    assert _seen_by(make_app(PROXY_FIX=True), FORWARDED)["addr"] == "10.0.0.1"
    assert _seen_by(make_app(PROXY_HOPS=0), FORWARDED)["addr"] == "10.0.0.2"


def test_a_whole_number_set_empty_takes_its_default(monkeypatch):
    monkeypatch.setenv("GROUPTOOLS_UPLOAD_PIXEL_BUDGET", "")
    assert config._whole_number("GROUPTOOLS_UPLOAD_PIXEL_BUDGET") == 150
    monkeypatch.setenv("GROUPTOOLS_UPLOAD_PIXEL_BUDGET", "many")
    with pytest.raises(RuntimeError, match="must be a whole number, not 'many'"):
        config._whole_number("GROUPTOOLS_UPLOAD_PIXEL_BUDGET")
