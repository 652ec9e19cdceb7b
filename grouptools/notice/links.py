"""Where a notice's page lives: the one place that names its address.

The page itself (/n/<nid>) comes with the notice's pages; until its route exists the
address is written out here, in the shape docs/api.md gives it."""
from grouptools.core.links import absolute_url


def notice_path(notice):
    return f"/n/{notice.public_id}"


def notice_url(notice):
    """The absolute link people share: what QR codes and reminders carry."""
    return absolute_url(notice_path(notice))
