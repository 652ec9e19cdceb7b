"""What core knows of member cards: the registration (core.widgets.WidgetKind) of the
group's card folder and, from it, the pages every widget has beneath /f/<fid>
(core.widgetpages)."""
from flask_babel import lazy_gettext as _l

from grouptools.card import activity
from grouptools.card import service
from grouptools.card.blueprints import blp, bp, pages
from grouptools.card.departures import withdraw_public_card
from grouptools.card.export import export_for_group
from grouptools.card.grouplines import LINES
from grouptools.card.listing import create_link, folder_page, group_listing
from grouptools.card.models import CardFolder
from grouptools.card.transfer import TRANSFER
from grouptools.card.poster import poster_facts
from grouptools.core.closing import delete_widget
from grouptools.core.i18n import gettext
from grouptools.core.widgetpages import add_widget_pages
from grouptools.core.widgets import WidgetKind, WidgetTexts


def public_lines(folder):
    return (gettext("Join the group to see its members' cards and fill in yours."),)


def sample_folder(person, group):
    """A fresh folder with a card of its maker's. A group has one folder, so a fresh
    one replaces the folder the group had (tests ask for one sample after another)."""
    old = service.folder_of(group)
    if old is not None:
        delete_widget(person, old)
    folder = service.ensure_folder(person, group)
    service.save_my_card(person, group, {"name": "王小明", "company": "示例科技",
                                         "phone": "13812345678", "city": "上海"})
    return folder


CARD = WidgetKind(
    key="card", label=_l("Member cards"), model=CardFolder, path="f", pages=bp.name,
    more_pages=(pages.name,), page=folder_page, api=blp.name, lister=group_listing,
    lines=LINES,
    create_link=create_link, exporter=export_for_group, on_member_gone=withdraw_public_card,
    close=service.close_folder, public_lines=public_lines, sample=sample_folder,
    assets=("css/card.css",), poster_facts=poster_facts,
    activity_counts=activity.activity_counts, activity_times=activity.activity_times,
    transfer=TRANSFER,
    texts=WidgetTexts(
        in_group=_l("Member cards of %(group)s"),
        closed=_l("The member cards are closed: cards can no longer be changed."),
        reopened=_l("Members can change their cards again."),
        refused=_l("The member cards are closed: cards can no longer be changed."),
        confirm_delete=_l("Tick the box to confirm that the member cards and every card in "
                          "them will be deleted."),
    ),
)
add_widget_pages(bp, CARD)
