"""The tables of event sign-ins (活动签到): the event with its time window and the
secret its rotating codes are derived from, the members chosen for its roster, and who
signed in when.

Codes are never stored: each is worked out from `code_secret` and the time
(eventcode.py), so there is nothing to clean up and nothing to leak but the secret,
which no answer shows. The primary key (event, member) of `EventSignin` is "one sign-in
per member" in the database: parallel taps insert one row."""
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, exists, select
from sqlalchemy.orm import Mapped, mapped_column

from grouptools.core.models import Membership
from grouptools.core.timeutil import UTCDateTime, utcnow
from grouptools.core.widgetbase import WidgetMixin
from grouptools.extensions import db


def new_code_secret():
    return secrets.token_urlsafe(32)


class Event(WidgetMixin, db.Model):
    """An event members sign in at by scanning the code on its display, between
    `starts_at` and `ends_at`; signing in after `late_after` (when set) is late."""

    __tablename__ = "event"

    TITLE_MAX = 200
    ROSTERS = ("group", "chosen")
    # Signing in opens, turns late and closes at these (core.conditional's ETags).
    CLOCK_MOMENTS = ("deadline", "starts_at", "late_after", "ends_at")

    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    late_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    roster: Mapped[str] = mapped_column(String(8), nullable=False, default="group")
    code_secret: Mapped[str] = mapped_column(String(64), nullable=False,
                                             default=new_code_secret)

    __table_args__ = (
        CheckConstraint("roster IN ('group', 'chosen')", name="roster"),
        CheckConstraint("ends_at > starts_at", name="window"),
    )

    def addressed_to(self, membership):
        """core.access asks it: a member outside a chosen roster sees no such event."""
        if self.roster == "group":
            return True
        return db.session.scalar(select(exists().where(
            EventRoster.event_id == self.id, EventRoster.membership_id == membership.id)))

    def roster_members(self, *columns):
        """SELECT `columns` over the roster: the group's active members (those who joined
        later included), or the chosen ones still active. A departed member drops out."""
        query = select(*columns).select_from(Membership).where(
            Membership.group_id == self.group_id, Membership.status == "active")
        if self.roster == "chosen":
            query = query.where(exists().where(EventRoster.event_id == self.id,
                                               EventRoster.membership_id == Membership.id))
        return query

    def is_late(self, signed_in_at):
        return self.late_after is not None and signed_in_at > self.late_after


class EventRoster(db.Model):
    """A member chosen for an event's roster (roster "chosen")."""

    __tablename__ = "event_roster"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True, index=True)

    # Being chosen is not something the member did (core.groups.moves.has_activity).
    __table_args__ = ({"info": {"not_activity": True}},)


class EventSignin(db.Model):
    """A member's sign-in at an event, once: a second tap finds this row."""

    __tablename__ = "event_signin"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True, index=True)
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
