"""Polls on their group's page (core.widgets): a line per poll, and the create link."""
from sqlalchemy import exists

from grouptools.core.i18n import format_local, gettext
from grouptools.core.models import Membership
from grouptools.core.urlpatterns import page_url
from grouptools.core.widgets import MyItem, WidgetSummary
from grouptools.extensions import db
from grouptools.poll import service
from grouptools.poll.labels import voters_label
from grouptools.poll.models import Participation, Poll


def group_listing(group, person):
    """The group's polls as lines of its page (core.widgets), for whoever may see them."""
    items = []
    for poll, closed, voted in service.polls_for_group(group, person):
        status = voters_label(poll.voter_count)
        if poll.deadline and not closed:
            status += " · " + gettext("closes %(when)s", when=format_local(group, poll.deadline))
        items.append(WidgetSummary(
            title=poll.title,
            url=page_url("poll_pages.show_poll", pid=poll.public_id), created_at=poll.created_at,
            status=status, closed=closed, needs_me=not closed and not voted,
        ))
    return items


def polls_not_voted(person):
    """"Me"'s lines (core.widgets.my_open_items): the open polls in the person's groups
    that they have not voted in yet, in one statement however many groups they are in."""
    query = Poll.open_in_groups_of(person).where(~exists().where(
        Participation.poll_id == Poll.id, Participation.membership_id == Membership.id))
    items = []
    for poll, _membership, group in db.session.execute(query).all():
        state = gettext("Not voted yet")
        if poll.deadline:
            state += " · " + gettext("closes %(when)s", when=format_local(group, poll.deadline))
        items.append(MyItem(title=poll.title, group=group.name, state=state, at=poll.created_at,
                            url=page_url("poll_pages.show_poll", pid=poll.public_id)))
    return items


def create_link(group):
    return gettext("New poll"), page_url("poll_pages.create_poll", gid=group.public_id)
