"""The documentation a reader of the repository can follow: code points only into the
repository (docs/, README.md), every `docs/….md#section` it names exists, and docs/api.md
names every route of the OpenAPI document."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEARCHED = ("grouptools", "tests", "migrations")
# Notes that live outside the repository: a reader of the code cannot open them.
OUTSIDE = ("DESIGN §", "DESIGN.md", "TRAPS.md", "STYLE.md", "PRODUCT.md", "../shared")
DOC_LINK = re.compile(r"docs/([\w./-]+?\.md)(?:#([\w-]+))?")
# A Markdown link inside docs/ or the README, relative to the file that holds it.
RELATIVE_LINK = re.compile(r"\]\(([\w./-]+?\.md)(?:#([\w-]+))?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)


def text_files(*folders):
    """(path, text) of every text file under `folders`, this test itself left out (it has
    to name what it looks for)."""
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path == Path(__file__):
                continue
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # pictures, fonts, compiled catalogs


def slug(heading):
    """The anchor GitHub (and most Markdown renderers) give a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(doc):
    return {slug(title) for title in HEADING.findall(doc.read_text(encoding="utf-8"))}


def test_slug_matches_the_renderers_anchors():
    assert slug("Leaving and removal") == "leaving-and-removal"
    assert slug("Traps of this stack") == "traps-of-this-stack"
    assert slug("Times: UTC, aware") == "times-utc-aware"


def test_nothing_points_outside_the_repository():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path, text in text_files(*SEARCHED)
             for number, line in enumerate(text.splitlines(), start=1)
             if any(name in line for name in OUTSIDE)]
    assert not found, "point into docs/ instead:\n" + "\n".join(found)


def _doc_links():
    """(file, doc path from the repository's root, anchor or None) of every mention."""
    sources = [*text_files(*SEARCHED, "docs"), (ROOT / "README.md", (ROOT / "README.md").read_text())]
    for path, text in sources:
        for match in DOC_LINK.finditer(text):
            yield path, "docs/" + match.group(1), match.group(2)
        if path.suffix == ".md":
            for match in RELATIVE_LINK.finditer(text):
                target = (path.parent / match.group(1)).resolve().relative_to(ROOT)
                yield path, target.as_posix(), match.group(2)


def test_code_mentions_docs():
    """The check below has something to check: code does point into docs/."""
    mentioned = {name for path, name, _ in _doc_links() if path.suffix == ".py"}
    assert mentioned >= {"docs/architecture.md", "docs/api.md", "docs/security.md"}


def test_every_docs_path_and_section_mentioned_exists():
    missing = []
    for path, name, anchor in _doc_links():
        doc = ROOT / name
        if not doc.is_file():
            missing.append(f"{path.relative_to(ROOT)}: {name} does not exist")
        elif anchor and anchor not in anchors(doc):
            missing.append(f"{path.relative_to(ROOT)}: {name} has no section #{anchor}")
    assert not missing, "\n".join(missing)


@pytest.fixture
def openapi_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    return {(method.upper(), path) for path, operations in paths.items()
            for method in operations if method in ("get", "post", "put", "patch", "delete")}


def test_api_doc_names_every_route(openapi_routes):
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`\s]*)`", doc))
    assert openapi_routes, "the OpenAPI document lists no route"
    assert sorted(openapi_routes - named) == [], "routes missing from docs/api.md"
    assert sorted(named - openapi_routes) == [], "docs/api.md names routes that do not exist"
