"""What core knows of notices: the registration (core.widgets.WidgetKind) and, from it,
the pages every widget has beneath /n/<nid> (core.widgetpages)."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from grouptools.core.i18n import gettext
from grouptools.notice import activity
from grouptools.core.widgetpages import add_widget_pages
from grouptools.core.widgets import WidgetKind, WidgetTexts
from grouptools.notice import service
from grouptools.notice.blueprints import blp, bp
from grouptools.notice.departures import leave_chosen_audiences
from grouptools.notice.export import export_for_group
from grouptools.notice.grouplines import LINES
from grouptools.notice.listing import create_link, group_listing, notices_to_confirm
from grouptools.notice.models import Notice
from grouptools.notice.poster import poster_facts
from grouptools.notice.transfer import TRANSFER


def notice_page(notice, **values):
    return url_for("notice_pages.show_notice", nid=notice.public_id, **values)


def public_lines(notice):
    return (gettext("Join the group to read the notice."),)


def sample_notice(person, group):
    return service.publish(person, group, title="周六活动通知",
                           body="周六上午九点在东门集合，请准时。\n详情见 https://example.org/a")


NOTICE = WidgetKind(
    key="notice", label=_l("Notice"), model=Notice, path="n", pages=bp.name, page=notice_page,
    api=blp.name, lister=group_listing, lines=LINES, create_link=create_link, exporter=export_for_group,
    on_member_gone=leave_chosen_audiences, close=service.close_notice,
    public_lines=public_lines, sample=sample_notice, my_open_items=notices_to_confirm,
    copy=service.copy_notice,
    assets=("css/notice.css", "js/photos.js"), poster_facts=poster_facts,
    activity_counts=activity.activity_counts, activity_times=activity.activity_times,
    transfer=TRANSFER,
    texts=WidgetTexts(
        in_group=_l("A notice in %(group)s"),
        closed=_l("The notice is closed: it takes no more confirmations."),
        reopened=_l("The notice takes confirmations again."),
        refused=_l("This notice is closed: it takes no more confirmations."),
        confirm_delete=_l("Tick the box to confirm that the notice and its receipts will be "
                          "deleted."),
    ),
)
add_widget_pages(bp, NOTICE)
