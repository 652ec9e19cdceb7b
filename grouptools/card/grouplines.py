"""The card folder's line on the group page, read with every other kind's in one
statement (core.widgets.GroupLines): the same line as listing.group_listing. Slots:
`n1` complete cards, `n2` active members, `b1` whether the reader's card is complete
(NULL: they have none)."""
from sqlalchemy import select

from grouptools.card.counting import gone_cards
from grouptools.card.listing import folder_page, remember_folder
from grouptools.card.models import Card, CardFolder
from grouptools.core.groups.counting import active_count
from grouptools.core.grouplines import GroupLines
from grouptools.core.i18n import gettext
from grouptools.core.widgets import WidgetSummary


def _columns(params):
    return {"n1": CardFolder.complete_count - gone_cards(CardFolder.id, CardFolder.group_id)[1],
            "n2": active_count(CardFolder.group_id),
            "b1": select(Card.complete)
            .where(Card.folder_id == CardFolder.id,
                   Card.owner_membership_id == params.membership_id).scalar_subquery()}


def _line(row, reader):
    remember_folder(reader.group, row)  # the create link asks only whether there is one
    complete, members, mine = row.n1, row.n2, row.b1
    status = gettext("%(complete)d/%(members)d cards complete", complete=complete, members=members)
    if mine is None:
        status = gettext("Fill in your card") + " · " + status
    elif not mine:
        status = gettext("Complete your card") + " · " + status
    closed = reader.closed(CardFolder, row)
    return WidgetSummary(title=row.title, url=reader.url("card_folder_pages.show_folder", "fid",
                                                         row.public_id),
                         created_at=row.created_at, status=status, closed=closed,
                         needs_me=not mine and not closed)


LINES = GroupLines(columns=_columns, line=_line,
                   empty=lambda reader: remember_folder(reader.group, None))
