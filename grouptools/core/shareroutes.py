"""The three pictures beneath every shareable page, written once: `…/qr.png`,
`…/qr.svg` and `…/poster.png` for a group and for every widget, and the link-preview
values (Open Graph tags, the share sheet) that point at them.

A page that is shared describes itself as a `Shared` — only what a stranger may see,
since whoever holds the poster holds all of it (docs/security.md#who-can-see-what)."""
from dataclasses import dataclass
from typing import Callable

from grouptools.core.links import absolute_url
from grouptools.core.posters import PosterContent, poster_content, poster_response
from grouptools.core.share import (qr_png_content, qr_png_response, qr_svg_response,
                                  send_keyed_picture)
from grouptools.core.urlpatterns import page_url

# endpoint → the file name beneath the page
SHARE_FILES = {"qr_png": "qr.png", "qr_svg": "qr.svg", "poster": "poster.png"}


@dataclass(frozen=True)
class Shared:
    """What the pictures and the preview of one shared page show."""

    group_name: str
    title: str
    description: str  # the poster's line; may be empty
    url: str  # the absolute link the QR code carries
    preview_line: str = ""  # what chat apps show under the title; the description if empty
    kind_label: str = ""  # the poster's chip above the title: "Poll", "Group" …
    closed: bool = False
    # () → the poster's core.posters.PosterFact lines and pictures; asked only when a
    # poster is wanted, so pages that only show the link preview read nothing more.
    poster_facts: Callable = tuple

    def poster(self):
        return PosterContent(self.group_name, self.title, self.description, self.url,
                             self.kind_label, self.closed, tuple(self.poster_facts()))


def add_share_routes(bp, rule, shared_for, key_for=None):
    """Add `<rule>/qr.png`, `<rule>/qr.svg` and `<rule>/poster.png` to `bp` (endpoints
    `qr_png`, `qr_svg`, `poster`). `shared_for(**view_args)` → the page's `Shared`, or
    raises NotFound.

    `key_for(**view_args)`, when given, reads in one light statement what decides the
    pictures — (what the page is, the versions of what its poster shows), or raises
    NotFound — so a picture this worker has drawn is answered from it
    (core.share.send_keyed_picture) and `shared_for` runs only for a new one."""

    def qr_png(**view_args):
        if key_for is None:
            return qr_png_response(shared_for(**view_args).url)
        page, _ = key_for(**view_args)
        return send_keyed_picture(
            ("qr.png", page), lambda: qr_png_content(shared_for(**view_args).url),
            worded=False)

    def qr_svg(**view_args):
        return qr_svg_response(shared_for(**view_args).url)

    def poster(**view_args):
        if key_for is None:
            return poster_response(shared_for(**view_args).poster())
        page, versions = key_for(**view_args)
        return send_keyed_picture(
            ("poster.png", page, versions),
            lambda: poster_content(shared_for(**view_args).poster()))

    for view in (qr_png, qr_svg, poster):
        bp.add_url_rule(f"{rule}/{SHARE_FILES[view.__name__]}", view.__name__, view,
                        methods=["GET"])


def link_preview(blueprint_name, shared, **view_args):
    """The values `_share.html` reads: title, description, url, the poster (absolute for
    chat apps, and as a path for the page) and the QR codes' paths."""
    poster_path = page_url(f"{blueprint_name}.poster", **view_args)
    return {
        "title": shared.title,
        "description": shared.preview_line or shared.description,
        "url": shared.url,
        "poster": absolute_url(poster_path),
        "poster_path": poster_path,
        "qr_png": page_url(f"{blueprint_name}.qr_png", **view_args),
        "qr_svg": page_url(f"{blueprint_name}.qr_svg", **view_args),
    }
