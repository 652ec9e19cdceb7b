"""Notices on their group's page (core.widgets): a line per notice the member may see,
saying whether it waits for their confirmation, and the create link."""

from grouptools.core.access import Action, authorize
from grouptools.core.errors import DomainError
from grouptools.core.i18n import format_local, gettext
from grouptools.core.models import Membership
from grouptools.core.urlpatterns import page_url
from grouptools.core.widgets import MyItem, WidgetSummary
from grouptools.extensions import db
from grouptools.notice.models import Notice
from grouptools.notice.receipts import confirmed_clause
from grouptools.notice.service import notices_for_group


def _status(notice, addressed, confirmed, closed):
    if not (addressed and notice.require_confirmation):
        return ""
    if confirmed:
        return gettext("You confirmed")
    if closed:  # a closed notice takes no confirmation: asking for one would mislead
        return ""
    if notice.deadline:
        return gettext("Please confirm by %(when)s", when=format_local(notice.group, notice.deadline))
    return gettext("Please confirm")


def group_listing(group, person):
    """The group's notices as lines of its page, for whoever may see them: `pinned` as
    its managers set it; `needs_me` while the notice is open, asks its reader to confirm
    and they have not confirmed this revision."""
    try:
        membership = authorize(person, Action.VIEW_GROUP, group)
    except DomainError:
        return []
    items = []
    for notice, addressed, confirmed in notices_for_group(group, person, membership):
        closed = notice.is_closed()
        items.append(WidgetSummary(
            title=notice.title, url=page_url("notice_pages.show_notice", nid=notice.public_id),
            created_at=notice.created_at, status=_status(notice, addressed, confirmed, closed),
            closed=closed, pinned=notice.pinned,
            needs_me=addressed and notice.require_confirmation and not confirmed and not closed,
        ))
    return items


def notices_to_confirm(person):
    """"Me"'s lines (core.widgets.my_open_items): open notices addressed to the person
    that ask for a confirmation of their current revision they have not given, in one
    statement however many groups they are in. Sorted by when the revision came out."""
    query = Notice.open_in_groups_of(person).where(
        Notice.require_confirmation.is_(True), Notice.addressed_to_clause(Membership.id),
        ~confirmed_clause(Membership.id))
    return [MyItem(title=notice.title, group=group.name, at=notice.revised_at,
                   state=_status(notice, True, False, False),
                   url=page_url("notice_pages.show_notice", nid=notice.public_id))
            for notice, _membership, group in db.session.execute(query).all()]


def create_link(group):
    return gettext("New notice"), page_url("notice_pages.create_notice", gid=group.public_id)
