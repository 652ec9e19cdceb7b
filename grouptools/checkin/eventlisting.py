"""Events on their group's page and in its export (core.widgets): a line per event
saying whether the member has signed in, and every event with its sign-ins for the
owner's export (departed members' included: the export is the group's history)."""
from datetime import timedelta

from sqlalchemy import and_, bindparam, exists, or_, select

from grouptools.checkin import events
from grouptools.checkin.eventmodels import Event, EventRoster, EventSignin
from grouptools.checkin.eventschemas import EventSchema
from grouptools.core.access import Action, authorize, can
from grouptools.core.errors import DomainError
from grouptools.core.i18n import gettext, local_datetime
from grouptools.core.models import Membership
from grouptools.core.timeutil import utcnow
from grouptools.core.urlpatterns import page_url
from grouptools.core.widgets import MyItem, WidgetSummary
from grouptools.extensions import db

# "Me" lists an event from a day before its sign-in opens.
SOON = timedelta(days=1)


def _status(event, signed_in_at, now):
    if signed_in_at is not None:
        return gettext("You signed in")
    if event.is_closed(now) or now > event.ends_at:
        return ""
    if now >= event.starts_at:
        return gettext("Sign-in is open")
    return gettext("Sign-in opens %(time)s", time=local_datetime(event.starts_at, event.group))


def group_listing(group, person):
    """The group's events the member may see, in one statement however many there are;
    `needs_me` while sign-in is open and the member on the roster has not signed in."""
    try:
        membership = authorize(person, Action.VIEW_GROUP, group)
    except DomainError:
        return []
    now = utcnow()
    rows = db.session.execute(_GROUP_EVENTS, {"group_id": group.id,
                                              "membership_id": membership.id}).all()
    items = []
    for event, addressed, signed_in_at in rows:
        if not addressed and not can(person, Action.VIEW_GROUP, event, membership):
            continue
        closed = event.is_closed(now) or now > event.ends_at
        items.append(WidgetSummary(
            title=event.title, url=page_url("event_pages.show_event", eid=event.public_id),
            created_at=event.created_at, status=_status(event, signed_in_at, now),
            closed=closed, needs_me=bool(addressed) and not closed and signed_in_at is None
            and event.starts_at <= now))
    return items


def _group_events():
    """group_listing's statement, built once with the group and the reader as parameters
    (bench/inprocess.py)."""
    reader = bindparam("membership_id")
    on_roster = or_(Event.roster == "group", exists().where(
        EventRoster.event_id == Event.id, EventRoster.membership_id == reader))
    return (select(Event, on_roster.label("addressed"), EventSignin.signed_in_at)
            .outerjoin(EventSignin, and_(EventSignin.event_id == Event.id,
                                         EventSignin.membership_id == reader))
            .where(Event.group_id == bindparam("group_id")).order_by(Event.created_at.desc()))


_GROUP_EVENTS = _group_events()


def events_to_sign_in(person):
    """"Me"'s lines (core.widgets.my_open_items): events of the person's groups, on whose
    roster they are, that are open for sign-in now or open within a day, and that they
    have not signed in at — one statement for all their groups."""
    now = utcnow()
    on_roster = or_(Event.roster == "group", exists().where(
        EventRoster.event_id == Event.id, EventRoster.membership_id == Membership.id))
    signed_in = exists().where(EventSignin.event_id == Event.id,
                               EventSignin.membership_id == Membership.id)
    rows = db.session.execute(Event.open_in_groups_of(person).where(
        on_roster, ~signed_in, Event.ends_at > now,
        Event.starts_at <= now + SOON)).all()
    return [MyItem(title=event.title, group=group.name, at=event.starts_at,
                   state=_status(event, None, now),
                   url=page_url("event_pages.show_event", eid=event.public_id))
            for event, _membership, group in rows]


def create_link(group):
    return gettext("New event sign-in"), page_url("event_pages.create_event", gid=group.public_id)


def export_for_group(group, person):
    """("events", [event with its "signins"])."""
    exported = []
    for event in db.session.scalars(select(Event).where(Event.group_id == group.id)
                                    .order_by(Event.id)):
        item = EventSchema().dump(events.event_state(person, event))
        item["signins"] = [
            {"member_id": member_id, "signed_in_at": signed_in_at.isoformat(),
             "late": event.is_late(signed_in_at)}
            for member_id, signed_in_at in db.session.execute(
                select(Membership.public_id, EventSignin.signed_in_at)
                .join(Membership, Membership.id == EventSignin.membership_id)
                .where(EventSignin.event_id == event.id)
                .order_by(EventSignin.signed_in_at, EventSignin.membership_id))]
        exported.append(item)
    return "events", exported
