"""What core knows of polls: the registration (core.widgets.WidgetKind) and, from it,
the pages every widget has beneath /p/<pid> (core.widgetpages)."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from grouptools.core.i18n import gettext
from grouptools.core.widgetpages import add_widget_pages
from grouptools.core.widgets import PublicItem, WidgetKind, WidgetTexts
from grouptools.extensions import db
from grouptools.poll import activity, service
from grouptools.poll.blueprints import blp, bp
from grouptools.poll.departures import withdraw_departed_votes
from grouptools.poll.export import export_for_group, option_label
from grouptools.poll.grouplines import LINES
from grouptools.poll.labels import privacy_notice
from grouptools.poll.listing import create_link, group_listing, polls_not_voted
from grouptools.poll.models import Poll, PollOption
from grouptools.poll.poster import poster_facts
from grouptools.poll.transfer import TRANSFER


def poll_page(poll, **values):
    return url_for("poll_pages.show_poll", pid=poll.public_id, **values)


def public_lines(poll):
    return (privacy_notice(poll),
            gettext("Only members of %(group)s vote and see the results.", group=poll.group.name))


def public_items(poll):
    """What will be voted on: each option's text (or "Picture n") and its picture."""
    return [PublicItem(option_label(option), option.image) for option in poll.options]


def shows_publicly(image):
    """Whether `image` is a poll option's picture (a stranger of an open group sees it)."""
    return db.session.scalar(select(exists().where(PollOption.image_id == image.id)))


def sample_poll(person, group):
    return service.create_poll(person, group, title="周末去哪儿", description="投票决定",
                               options=[{"text": "爬山"}, {"text": "看电影"}, {"text": "火锅"}])


POLL = WidgetKind(
    key="poll", label=_l("Poll"), model=Poll, path="p", pages=bp.name, page=poll_page,
    lister=group_listing, lines=LINES, create_link=create_link, exporter=export_for_group,
    on_member_gone=withdraw_departed_votes, close=service.close_poll,
    public_lines=public_lines, public_items=public_items, shows_publicly=shows_publicly,
    assets=("css/poll.css", "js/photopicker.js", "js/poll.js", "js/poll-viewer.js"),
    api=blp.name, sample=sample_poll, poster_facts=poster_facts,
    my_open_items=polls_not_voted,
    activity_counts=activity.activity_counts, activity_times=activity.activity_times,
    transfer=TRANSFER,
    copy=service.copy_poll,
    texts=WidgetTexts(
        in_group=_l("A poll in %(group)s"),
        closed=_l("The poll is closed. No more votes are accepted."),
        reopened=_l("The poll is open again."),
        refused=_l("This poll is closed: it no longer accepts votes."),
        confirm_delete=_l("Tick the box to confirm that the poll and its votes will be deleted."),
    ),
)
add_widget_pages(bp, POLL)
