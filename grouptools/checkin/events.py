"""The rules of event sign-ins: create an event, change it, close it; sign in with the
code on the display; who signed in and who is missing; an event as one asker sees it.

Each function asks core.access first and commits its own unit of work; those that depend
on the time take an optional `now`, so tests can stand at any instant (a code's life is
40 seconds)."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, delete, exists, func, select

from grouptools.checkin.eventcode import code_accepted, current_code
from grouptools.checkin.eventmodels import Event, EventRoster, EventSignin
from grouptools.core.groups.service import record_activity
from grouptools.core.access import Action, authorize, can
from grouptools.core.closing import WidgetClosed, close_widget
from grouptools.core.copying import common_columns, members_in
from grouptools.core.database import commit_or_conflict, insert_unless_present
from grouptools.core.errors import Conflict, Invalid
from grouptools.core.groups.service import chosen_members
from grouptools.core.i18n import gettext, local_datetime
from grouptools.core.models import Membership, Person
from grouptools.core.timeutil import utcnow
from grouptools.core.widgetbase import choose_members
from grouptools.core.widgetpages import widget_link
from grouptools.extensions import db

NAME = func.coalesce(Membership.nickname, Person.name)
TIMES = ("starts_at", "ends_at", "late_after")
# Named in the reminder; the rest are "…".
REMINDER_NAMES_MAX = 50


@dataclass(frozen=True)
class SignedIn:
    signed_in_at: datetime
    late: bool


@dataclass(frozen=True)
class EventState:
    """An event as one asker sees it: what the page and the JSON show."""

    event: Event
    me: SignedIn | None  # None until the asker signs in, and for non-members
    addressed: bool  # the asker is on the roster
    manager: bool
    signed_in_count: int
    roster_count: int

    @property
    def widget(self):
        return self.event


@dataclass(frozen=True)
class Attendee:
    member_id: str
    name: str
    signed_in_at: datetime | None = None
    late: bool = False


@dataclass(frozen=True)
class Attendance:
    event: Event
    signed_in: list
    missing: list
    reminder_text: str | None


def _signed_in(event, signin):
    return SignedIn(signin.signed_in_at, event.is_late(signin.signed_in_at)) if signin else None


def _signin_of_member(event):
    return and_(EventSignin.event_id == event.id, EventSignin.membership_id == Membership.id)


def _state_statement(chosen):
    """The roster's size, how many of it signed in and when the asker did, in one
    statement (built once per kind of roster: every event page and answer reads it)."""
    event_id = bindparam("event_id")
    mine = (select(EventSignin.signed_in_at)
            .where(EventSignin.event_id == event_id,
                   EventSignin.membership_id == bindparam("membership_id"))
            .scalar_subquery())
    query = (select(func.count(Membership.id), func.count(EventSignin.membership_id), mine)
             .select_from(Membership)
             .outerjoin(EventSignin, and_(EventSignin.event_id == event_id,
                                          EventSignin.membership_id == Membership.id))
             .where(Membership.group_id == bindparam("group_id"), Membership.status == "active"))
    if chosen:
        query = query.where(exists().where(EventRoster.event_id == event_id,
                                           EventRoster.membership_id == Membership.id))
    return query


_STATE = {chosen: _state_statement(chosen) for chosen in (False, True)}


def event_state(person, event):
    """The event as `person` may see it (404 outside a chosen roster, 401 for nobody)."""
    membership = authorize(person, Action.VIEW_GROUP, event)
    addressed = event.addressed_to(membership)
    roster_count, signed_count, signed_in_at = db.session.execute(
        _STATE[event.roster == "chosen"],
        {"event_id": event.id, "group_id": event.group_id,
         "membership_id": membership.id if addressed else None}).one()
    me = SignedIn(signed_in_at, event.is_late(signed_in_at)) if signed_in_at else None
    return EventState(event, me, addressed, can(person, Action.MANAGE_WIDGET, event, membership),
                      signed_count, roster_count)


# --- Creating and changing ---------------------------------------------------------------

def _check_times(event, errors):
    if event.ends_at <= event.starts_at:
        errors["ends_at"] = [str(_l("The event must end after it starts."))]
    elif event.late_after is not None and not event.starts_at <= event.late_after <= event.ends_at:
        errors["late_after"] = [str(_l("Choose a time between the start and the end."))]


def _set_roster(event, memberships):
    """The whole group (`memberships` None) or the chosen members."""
    event.roster = "group" if memberships is None else "chosen"
    choose_members(EventRoster.event_id, event, memberships)


def create_event(person, group, *, title, starts_at, ends_at, late_after=None,
                 roster_member_ids=None):
    """A new event in the group; its roster is the group, or the chosen members."""
    authorize(person, Action.CREATE_WIDGET, group)
    event = Event(group=group, created_by_id=person.id, title=title, starts_at=starts_at,
                  ends_at=ends_at, late_after=late_after)
    errors = {}
    _check_times(event, errors)
    chosen = (chosen_members(group, roster_member_ids, "roster_member_ids", errors)
              if roster_member_ids is not None else None)
    if errors:
        raise Invalid(errors)
    db.session.add(event)
    _set_roster(event, chosen)
    commit_or_conflict()
    return event


def copy_event(person, event, group):
    """The WidgetKind `copy` hook (core.copying): a new event in `group` with the same
    times and roster, a code secret of its own (the old display's codes do not sign in
    here), and no sign-ins. A chosen roster stays the same people: in another group,
    those of them who are its active members."""
    copy = Event(**common_columns(person, event, group), starts_at=event.starts_at,
                 ends_at=event.ends_at, late_after=event.late_after)
    db.session.add(copy)
    db.session.flush()
    chosen = None
    if event.roster == "chosen":
        chosen = members_in(group, db.session.scalars(event.roster_members(Membership)))
    _set_roster(copy, chosen)
    return copy


def update_event(person, event, **changes):
    """Change the title, the times or the roster (managers). Sign-ins stay."""
    authorize(person, Action.MANAGE_WIDGET, event)
    event = event.lock()
    errors = {}
    chosen = "unchanged"
    if "roster_member_ids" in changes:
        member_ids = changes.pop("roster_member_ids")
        chosen = (chosen_members(event.group, member_ids, "roster_member_ids", errors)
                  if member_ids is not None else None)
    for key, value in changes.items():
        if key not in ("title", *TIMES):
            raise TypeError(f"unknown event setting {key!r}")
        setattr(event, key, value)
    _check_times(event, errors)
    if errors:
        db.session.rollback()
        raise Invalid(errors)
    if chosen != "unchanged":
        _set_roster(event, chosen)
    commit_or_conflict()
    return event


def close_event(person, event, closed=True):
    """Closing stops sign-ins (the attendance stays readable); reopening takes them again."""
    event, _ = close_widget(person, event, closed)
    commit_or_conflict()
    return event


def leave_chosen_rosters(membership, reason):
    """The core.widgets `on_member_gone` hook (in the caller's transaction): a departed
    member leaves chosen rosters, so a restored member is not on them again. Their
    sign-ins stay as history; every list is taken over active members."""
    db.session.execute(
        delete(EventRoster)
        .where(EventRoster.membership_id == membership.id,
               EventRoster.event_id.in_(select(Event.id).where(
                   Event.group_id == membership.group_id)))
        .execution_options(synchronize_session=False))


# --- Signing in ---------------------------------------------------------------------------

def display_code(person, event, now=None):
    """Managers: (the code to show now, when it stops being accepted)."""
    authorize(person, Action.MANAGE_WIDGET, event)
    return current_code(event, now)


def sign_in(person, event, code, now=None):
    """Sign the member in with the display's code: (SignedIn, whether this was the first
    time). Signing in again answers the first time, whatever the code. 409 when the code
    is wrong or past its 40 seconds, outside the event's times, or the event is closed."""
    membership = authorize(person, Action.ACT, event)
    now = now or utcnow()
    existing = db.session.get(EventSignin, (event.id, membership.id))
    if existing is not None:
        return _signed_in(event, existing), False
    if event.is_closed(now):
        raise WidgetClosed(event)
    if not event.starts_at <= now <= event.ends_at:
        raise Conflict(gettext("Sign-in is open from %(start)s to %(end)s.",
                               start=local_datetime(event.starts_at, event.group),
                               end=local_datetime(event.ends_at, event.group)))
    if not code_accepted(event, code, now):
        raise Conflict(gettext("This code is wrong or has expired: scan the code on the "
                               "screen again."))
    # ON CONFLICT DO NOTHING: parallel taps insert one row; every tap reads that row.
    created = insert_unless_present(EventSignin, event_id=event.id,
                                    membership_id=membership.id, signed_in_at=now)
    if created:
        record_activity(membership)
    commit_or_conflict()
    signin = db.session.get(EventSignin, (event.id, membership.id), populate_existing=True)
    return _signed_in(event, signin), created


# --- Attendance ---------------------------------------------------------------------------

def attendance_rows(event):
    """(member id, name, signed_in_at or None) of every roster member, in joining order."""
    return db.session.execute(
        event.roster_members(Membership.public_id, NAME, EventSignin.signed_in_at)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(EventSignin, _signin_of_member(event))
        .order_by(Membership.id)).all()


def attendance(person, event):
    """Managers (403 for members): who signed in (in the order they came, late marked),
    who is missing, and the reminder to paste in the chat."""
    authorize(person, Action.MANAGE_WIDGET, event)
    signed, missing = [], []
    for member_id, name, signed_in_at in attendance_rows(event):
        if signed_in_at is None:
            missing.append(Attendee(member_id, name))
        else:
            signed.append(Attendee(member_id, name, signed_in_at, event.is_late(signed_in_at)))
    signed.sort(key=lambda attendee: attendee.signed_in_at)
    return Attendance(event, signed, missing, reminder_text(event, signed, missing))


def reminder_text(event, signed, missing):
    """`已签到 23/30，未签到：@张三 @李四` and the event's link, in the asker's language."""
    roster = len(signed) + len(missing)
    names = [f"@{attendee.name}" for attendee in missing[:REMINDER_NAMES_MAX]]
    if len(missing) > len(names):
        names.append("…")
    if names:
        line = gettext("Signed in %(signed)d/%(roster)d, not yet: %(names)s",
                       signed=len(signed), roster=roster, names=" ".join(names))
    else:
        line = gettext("Signed in %(signed)d/%(roster)d: everyone is here",
                       signed=len(signed), roster=roster)
    return f"{line}\n{widget_link(event)}"
