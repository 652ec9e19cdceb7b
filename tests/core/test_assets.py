"""Static files as a phone on a slow network gets them: named by content and kept a
year, compressed when the browser accepts it; pages compressed too."""
import gzip
import re

from grouptools.core import assets


def test_static_links_carry_the_content_version_and_are_kept_a_year(client):
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]{12}))"', page)
    assert href, "the stylesheet link carries its version"
    with client.get(href.group(1)) as answer:
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # An old version or none: the browser asks again each time.
    for stale in ("/static/css/app.css?v=000000000000", "/static/css/app.css"):
        with client.get(stale) as answer:
            assert "immutable" not in answer.headers.get("Cache-Control", "")


def test_a_changed_file_gets_a_new_address(app, tmp_path, monkeypatch):
    target = tmp_path / "x.css"
    target.write_text("a{}")
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    with app.test_request_context():
        first = assets.version("x.css")
        target.write_text("a{color:red}")
        assert assets.version("x.css") != first
        assert assets.version("missing.css") is None


def test_css_js_and_pages_are_compressed_for_browsers_that_accept_it(client):
    with client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"}) as css:
        assert css.headers["Content-Encoding"] == "gzip"
        compressed = css.get_data()
    with client.get("/static/css/app.css") as answer:
        plain = answer.get_data()
    assert gzip.decompress(compressed) == plain and len(compressed) < len(plain) / 3
    page = client.get("/", headers={"Accept-Encoding": "gzip, deflate"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.get_data())
    assert "Accept-Encoding" in page.headers["Vary"]
    # No compression asked for: none given.
    assert "Content-Encoding" not in client.get("/").headers
