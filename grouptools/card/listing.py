"""Member cards on their group's page (core.widgets): the folder's line — how many
cards are complete, and whether mine waits to be filled in — and the link that sets
cards up (or changes their settings)."""
from dataclasses import dataclass

from flask import has_request_context, request
from sqlalchemy import bindparam, func, select

from grouptools.core.access import Action, authorize, can
from grouptools.core.errors import DomainError
from grouptools.core.groups.counting import active_count
from grouptools.core.i18n import gettext
from grouptools.core.models import Membership
from grouptools.core.urlpatterns import page_url
from grouptools.core.widgets import WidgetSummary
from grouptools.card import service
from grouptools.card.counting import gone_cards
from grouptools.card.folder import completion
from grouptools.card.models import Card, CardFolder
from grouptools.extensions import db


@dataclass
class FolderState:
    """The folder as the kit's API answers it."""

    widget: CardFolder
    settings: service.Settings
    complete_count: int
    member_count: int


def folder_state(person, folder):
    authorize(person, Action.VIEW_GROUP, folder)
    complete, members = completion(folder)
    return FolderState(folder, service.card_settings(person, folder.group), complete, members)


def folder_page(folder, **values):
    return page_url("card_folder_pages.show_folder", fid=folder.public_id, **values)


def group_listing(group, person):
    try:
        membership = authorize(person, Action.VIEW_GROUP, group)
    except DomainError:
        return []
    row = db.session.execute(*folder_line_query(group, membership)).first()
    remember_folder(group, row[0] if row else None)
    if row is None:
        return []
    folder, complete, members, mine = row
    status = gettext("%(complete)d/%(members)d cards complete", complete=complete, members=members)
    if mine is None:
        status = gettext("Fill in your card") + " · " + status
    elif not mine:
        status = gettext("Complete your card") + " · " + status
    return [WidgetSummary(title=folder.title, url=folder_page(folder), created_at=folder.created_at,
                          status=status, closed=folder.is_closed(),
                          needs_me=not mine and not folder.is_closed())]


def folder_line_query(group, membership):
    """(statement, parameters) of (folder, complete cards, active members, my card's
    `complete` or None): the group page's line in one statement (the counts as
    folder.completion counts them), built once with the group and the reader as
    parameters (bench/inprocess.py)."""
    return _FOLDER_LINE, {"group_id": group.id, "membership_id": membership.id}


def _folder_line():
    # The folder's kept count less the few complete cards of members who have gone.
    complete = CardFolder.complete_count - gone_cards(CardFolder.id, CardFolder.group_id)[1]
    members = active_count(CardFolder.group_id)  # kept on the group's row
    mine = (select(Card.complete).where(Card.folder_id == CardFolder.id,
                                        Card.owner_membership_id == bindparam("membership_id"))
            .scalar_subquery())
    return (select(CardFolder, complete, members, mine)
            .where(CardFolder.group_id == bindparam("group_id")))


_FOLDER_LINE = _folder_line()


FOLDERS_READ = "grouptools.card_folders"


def remember_folder(group, folder):
    """What the group page's line read of the group's folder, for its create link."""
    if has_request_context():
        request.environ.setdefault(FOLDERS_READ, {})[group.id] = folder


def _folder_of(group):
    read = request.environ.get(FOLDERS_READ, {}) if has_request_context() else {}
    return read[group.id] if group.id in read else service.folder_of(group)


def create_link(group):
    label = (gettext("Member card settings") if _folder_of(group) is not None
             else gettext("Member cards"))
    return label, page_url("card_pages.settings", gid=group.public_id)


def may_manage(person, folder):
    return person is not None and can(person, Action.MANAGE_WIDGET, folder)
