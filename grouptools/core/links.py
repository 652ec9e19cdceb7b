"""Absolute links to pages, for QR codes, share sheets and API answers; and the one
place that names the addresses of uploaded images and members' avatars.

Pages use site-relative addresses (the CSP audit wants nothing from another host); the
API answers absolute ones, which a client can fetch as they are.
Behind a proxy the request's host may be an internal name: GROUPTOOLS_BASE_URL wins."""
from flask import current_app, g, request, url_for

from grouptools.core.models import Group
from grouptools.core.urlpatterns import page_url
from grouptools.extensions import db

# Shaped like a public id, so the address is built by the route's own converter.
MEMBER_PLACEHOLDER = "MEMBERID00"


def absolute_url(path):
    base = current_app.config.get("BASE_URL") or request.host_url.rstrip("/")
    return f"{base}{path}"


def group_url(group):
    return absolute_url(f"/g/{group.public_id}")


def _maybe_absolute(path, absolute):
    return absolute_url(path) if absolute else path


def image_urls(image, absolute=False):
    """(full, thumbnail) addresses of an uploaded picture, or (None, None)."""
    if image is None:
        return None, None
    return (_maybe_absolute(page_url("images.show_image", iid=image.public_id), absolute),
            _maybe_absolute(page_url("images.show_thumb", iid=image.public_id), absolute))


def avatar_url(member, absolute=False):
    """A member's avatar as the group pages draw it. Pages list hundreds of members:
    the address is built once per group and request, then only the member id changes."""
    built = g.setdefault("avatar_urls", {})
    key = (member.group_id, absolute)
    if key not in built:
        group = db.session.get(Group, member.group_id)
        path = url_for("group_pages.member_avatar", gid=group.public_id, mid=MEMBER_PLACEHOLDER)
        built[key] = _maybe_absolute(path, absolute).rsplit(MEMBER_PLACEHOLDER, 1)
    before, after = built[key]
    return f"{before}{member.public_id}{after}"
