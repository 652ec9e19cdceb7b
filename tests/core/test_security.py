"""Every response carries the browser-safety headers; the language switch remembers the
choice and never redirects off the site."""
import pytest

from grouptools.core.i18n import LANG_COOKIE
from grouptools.core.security import local_path


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/static/css/app.css", "/api/v1/openapi.json", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # static files are streamed from an open file
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response.headers


def test_csp_forbids_inline_script_and_style_and_framing(client):
    directives = csp_directives(client.get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    everything = " ".join(" ".join(values) for values in directives.values())
    for loophole in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"):
        assert loophole not in everything.split()


def test_error_pages_carry_the_csp_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert csp_directives(response)["script-src"] == ["'self'"]


def test_pages_are_private_and_never_reused_unchecked(client):
    response = client.get("/")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Accept-Language" in response.headers["Vary"]


def test_a_view_may_choose_its_own_cache_control(app):
    with app.test_request_context("/"):
        from flask import make_response

        from grouptools.core.security import add_security_headers

        response = make_response("<p>secret</p>")
        response.headers["Cache-Control"] = "no-store"
        assert add_security_headers(response).headers["Cache-Control"] == "no-store"


# --- The language switch -------------------------------------------------------------

def test_switch_sets_a_year_long_lax_cookie_and_goes_back(client):
    response = client.get("/lang/zh_Hans?next=/some/page%3Fx%3D1")
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/some/page?x=1"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{LANG_COOKIE}=zh_Hans;")
    assert "Max-Age=31536000" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie


def test_the_chosen_language_sticks_without_lang_in_the_url(client):
    client.get("/lang/zh_Hans?next=/")
    page = client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    client.get("/lang/en?next=/")
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page


@pytest.mark.parametrize("code", ["zh-CN", "zh-TW", "zh"])
def test_any_chinese_tag_switches_to_simplified_chinese(client, code):
    response = client.get(f"/lang/{code}?next=/")
    assert f"{LANG_COOKIE}=zh_Hans;" in response.headers["Set-Cookie"]


def test_an_unknown_language_is_404(client):
    response = client.get("/lang/fr?next=/")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers or LANG_COOKIE not in response.headers["Set-Cookie"]


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/path",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%0A/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
])
def test_the_switch_never_redirects_off_the_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code in (302, 303)
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location or location.startswith("/%")


def test_the_switch_without_next_goes_home(client):
    response = client.get("/lang/en")
    assert response.headers["Location"] == "/"


def test_the_switch_drops_lang_from_the_target(client):
    # Otherwise the target's ?lang=en would switch the reader straight back.
    response = client.get("/lang/zh_Hans", query_string={"next": "/g/abc?lang=en&tab=members"})
    assert response.headers["Location"] == "/g/abc?tab=members"


@pytest.mark.parametrize("target, expected", [
    ("/", "/"),
    ("/g/abc123", "/g/abc123"),
    ("/g/abc?x=1#top", "/g/abc?x=1#top"),
    ("https://evil.example/", None),
    ("//evil.example", None),
    ("/\\evil.example", None),
    ("/ok\\..\\evil", None),
    ("/a\r\nSet-Cookie: x=1", None),
    ("relative/path", None),
    (None, None),
])
def test_local_path(target, expected):
    assert local_path(target) == expected


def test_lang_in_any_url_is_remembered(client):
    response = client.get("/?lang=zh_Hans", headers={"Accept-Language": "en-US"})
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)
    assert f"{LANG_COOKIE}=zh_Hans;" in response.headers["Set-Cookie"]
    page = client.get("/no-such-page", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page


def test_lang_already_remembered_sets_no_new_cookie(client):
    client.get("/?lang=en")
    response = client.get("/?lang=en")
    assert LANG_COOKIE not in response.headers.get("Set-Cookie", "")


def test_an_unknown_lang_in_the_url_is_ignored(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "zh-CN"})
    assert LANG_COOKIE not in response.headers.get("Set-Cookie", "")
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)


def test_every_page_links_to_the_other_language_and_back_here(client):
    page = client.get("/no-such-page?x=1&lang=en").get_data(as_text=True)
    assert 'href="/lang/zh_Hans?next=/no-such-page?x%3D1"' in page


def test_each_page_links_back_to_itself_however_long_its_address(client):
    # The footer is kept per page address: two pages never share one, and an address too
    # long to keep still gets its own.
    first = client.get("/no-such-page?x=1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    second = client.get("/no-such-page?x=2", headers={"Accept-Language": "en"}).get_data(as_text=True)
    long_query = "&".join(f"k{i}=v" for i in range(60))
    third = client.get(f"/no-such-page?{long_query}",
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/lang/zh_Hans?next=/no-such-page?x%3D1"' in first
    assert 'href="/lang/zh_Hans?next=/no-such-page?x%3D2"' in second
    assert "x%3D1" not in second
    assert 'href="/lang/zh_Hans?next=/no-such-page?k0%3Dv%26k1%3Dv%26' in third
    assert "k59%3Dv\"" in third
    again = client.get("/no-such-page?x=1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert again == first
