"""Where a poll's pages and pictures live, and the addresses of what other parts of the
app serve (uploaded images, members' avatars): the one place that names them.

Pages use site-relative addresses (the CSP audit wants nothing from another host); the
API answers absolute ones, which a client can fetch as they are."""
from flask import g, url_for

from grouptools.core.links import absolute_url
from grouptools.core.models import Group
from grouptools.extensions import db

# Shaped like a public id, so the address is built by the route's own converter.
MEMBER_PLACEHOLDER = "MEMBERID00"


def _maybe_absolute(path, absolute):
    return absolute_url(path) if absolute else path


def poll_url(poll):
    """The absolute link people share: what QR codes, posters and reminders carry."""
    return absolute_url(url_for("poll_pages.show_poll", pid=poll.public_id))


def poster_url(poll):
    """Absolute, for link-preview tags: chat apps fetch it from elsewhere."""
    return absolute_url(url_for("poll_pages.poster", pid=poll.public_id))


def image_urls(image, absolute=False):
    """(full, thumbnail) addresses of an option's picture, or (None, None)."""
    if image is None:
        return None, None
    return (_maybe_absolute(url_for("images.show_image", iid=image.public_id), absolute),
            _maybe_absolute(url_for("images.show_thumb", iid=image.public_id), absolute))


def avatar_url(member, absolute=False):
    """A member's avatar as the group pages draw it. Results list hundreds of members:
    the address is built once per group and request, then only the member id changes."""
    built = g.setdefault("poll_avatar_urls", {})
    key = (member.group_id, absolute)
    if key not in built:
        group = db.session.get(Group, member.group_id)
        path = url_for("group_pages.member_avatar", gid=group.public_id, mid=MEMBER_PLACEHOLDER)
        built[key] = _maybe_absolute(path, absolute).rsplit(MEMBER_PLACEHOLDER, 1)
    before, after = built[key]
    return f"{before}{member.public_id}{after}"
