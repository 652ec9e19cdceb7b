"""Where a ticket lives: the one place that names its address (the relay's own link is
core.widgetpages.widget_link)."""
from flask import url_for

from grouptools.core.links import absolute_url


def ticket_url(entry):
    """The ticket's address: the relay and the ticket's own secret, never the entry id."""
    return absolute_url(url_for("relay_pages.ticket", rid=entry.relay.public_id,
                                secret=entry.ticket_secret))
