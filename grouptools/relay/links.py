"""Where a ticket lives: the one place that names its address (the relay's own link is
core.widgetpages.widget_link)."""
from flask import url_for

from grouptools.core.links import absolute_url


def ticket_url(entry):
    """The ticket's address: the relay and the ticket's own secret, never the entry id."""
    return absolute_url(url_for("relay_pages.ticket", rid=entry.relay.public_id,
                                secret=entry.ticket_secret))


def ticket_url_maker(relay):
    """`ticket_url` for many entries of one relay: the address is built once and each
    ticket's secret (URL-safe characters only) put at its end."""
    prefix = absolute_url(url_for("relay_pages.ticket", rid=relay.public_id, secret="_"))[:-1]
    return lambda secret: prefix + secret


def edit_url_prefix(relay):
    """The address of an entry's edit page without the entry's id (for a long list)."""
    return url_for("relay_pages.edit_entry", rid=relay.public_id, eid="_")[:-1]
