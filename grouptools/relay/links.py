"""Where a relay's pages and tickets live: the one place that names their addresses."""
from flask import url_for

from grouptools.core.links import absolute_url


def relay_url(relay):
    """The absolute link people share: what QR codes, posters and the chat text carry."""
    return absolute_url(url_for("relay_pages.show_relay", rid=relay.public_id))


def ticket_url(entry):
    """The ticket's address: the relay and the ticket's own secret, never the entry id."""
    return absolute_url(url_for("relay_pages.ticket", rid=entry.relay.public_id,
                                secret=entry.ticket_secret))
