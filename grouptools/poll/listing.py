"""Polls on their group's page (core.widgets): a line per poll, and the create link."""
from flask import url_for
from flask_babel import gettext

from grouptools.core.widgets import WidgetSummary
from grouptools.poll import service
from grouptools.core.i18n import format_local
from grouptools.poll.labels import voters_label


def group_listing(group, person):
    """The group's polls as lines of its page (core.widgets), for whoever may see them."""
    items = []
    for poll, closed, voted in service.polls_for_group(group, person):
        status = voters_label(poll.voter_count)
        if poll.deadline and not closed:
            status += " · " + gettext("closes %(when)s", when=format_local(group, poll.deadline))
        items.append(WidgetSummary(
            title=poll.title,
            url=url_for("poll_pages.show_poll", pid=poll.public_id), created_at=poll.created_at,
            status=status, closed=closed, needs_me=not closed and not voted,
        ))
    return items


def create_link(group):
    return gettext("New poll"), url_for("poll_pages.create_poll", gid=group.public_id)
