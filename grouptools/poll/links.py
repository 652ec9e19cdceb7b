"""Where a poll's pages and pictures live: the one place that names them (uploaded
images and members' avatars: core.links)."""
from flask import url_for

from grouptools.core.links import absolute_url


def poll_url(poll):
    """The absolute link people share: what QR codes, posters and reminders carry."""
    return absolute_url(url_for("poll_pages.show_poll", pid=poll.public_id))


def poster_url(poll):
    """Absolute, for link-preview tags: chat apps fetch it from elsewhere."""
    return absolute_url(url_for("poll_pages.poster", pid=poll.public_id))
