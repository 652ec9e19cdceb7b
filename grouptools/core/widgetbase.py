"""What every widget's table has, and what every member's item inside a widget is.

`WidgetMixin` gives a widget model (a poll, a relay, …) the columns every widget has —
public id, times, its group, its creator, title, description, deadline, a manual close —
and their behaviour: closed by hand or past the deadline (`is_closed`, and the same rule
as SQL in `still_open`), and loading by public id (`find`, 404 when unknown). A model
sets `TITLE_MAX` (and `DESCRIPTION_MAX`, read by its forms and schemas) as class
attributes; the mixin reads them.

A widget meant for some members only overrides `addressed_to(membership)`.

`OwnedItem` marks a row a member owns inside a widget (a relay entry; later a check-in,
a card): core.access lets its owner change it, and the widget's managers
(`Action.CHANGE_OWN_ITEM`)."""
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import ForeignKey, Integer, String, Text, and_, delete, inspect, or_, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from grouptools.core.database import holds_write_lock
from grouptools.core.errors import NotFound
from grouptools.core.models import Group, Membership, PublicIdMixin, TimestampMixin
from grouptools.core.timeutil import UTCDateTime, local_today, utcnow
from grouptools.extensions import db


class WidgetMixin(PublicIdMixin, TimestampMixin):
    """The columns and rules every widget shares. `closed_at` is a manual close;
    `deadline` closes the widget by itself — nothing needs to run at that moment,
    because every reader asks `is_closed` (or filters with `still_open`)."""

    TITLE_MAX = 200
    DESCRIPTION_MAX = 4000
    # Reopening by hand also drops a deadline already past (core.closing).
    REOPEN_DROPS_PAST_DEADLINE = True
    # Whether passing the deadline closes the widget. A notice's deadline closes
    # nothing: it only makes missing confirmations overdue.
    DEADLINE_CLOSES = True

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Person.id of the creator: core.access lets a widget's creator manage it.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moved by every change anyone could see (core.conditional bumps it when the change
    # commits): a page's or an answer's ETag is made of it, not of what it shows.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1,
                                         server_default="1")

    @declared_attr
    def title(cls) -> Mapped[str]:
        return mapped_column(String(cls.TITLE_MAX), nullable=False)

    @declared_attr
    def group(cls) -> Mapped[Group]:
        return relationship(Group)

    def is_closed(self, now=None):
        """Closed by hand, or past its deadline — whether or not anything ran then."""
        if self.closed_at is not None or not self.DEADLINE_CLOSES:
            return self.closed_at is not None
        return self.deadline is not None and self.deadline <= (now or utcnow())

    @classmethod
    def still_open(cls, now=None):
        """`not is_closed(now)` as a SQL condition, for listers and departures."""
        if not cls.DEADLINE_CLOSES:
            return cls.closed_at.is_(None)
        now = now or utcnow()
        return and_(cls.closed_at.is_(None), or_(cls.deadline.is_(None), cls.deadline > now))

    @classmethod
    def open_in_groups_of(cls, person, *columns, now=None):
        """SELECT (widget, membership, group, *columns) of the open widgets in every group
        where `person` is an active member: what "Me" lists across groups
        (core.widgets.my_items), in one statement however many groups there are."""
        return (select(cls, Membership, Group, *columns)
                .join(Group, Group.id == cls.group_id)
                .join(Membership, and_(Membership.group_id == cls.group_id,
                                       Membership.person_id == person.id,
                                       Membership.status == "active"))
                .where(cls.still_open(now)))

    # The widget's times whose passing changes what its pages show (a deadline closes it
    # or makes confirmations overdue); a kind with more names them (an event's start).
    CLOCK_MOMENTS = ("deadline",)
    # Its other columns that `clock_of` reads (a habit's daily window).
    CLOCK_READS = ()

    def clock(self, now):
        """What time has changed about the widget's pages at `now`: which of its moments
        have passed, and the date in the group's zone ("today" on every page). Part of
        every ETag (core.conditional), so a passing deadline is seen without a write."""
        return self.clock_of(self, self.group.timezone, now)

    @classmethod
    def clock_of(cls, widget, timezone, now):
        """`clock` from what `widget` has of CLOCK_MOMENTS and CLOCK_READS alone — a
        loaded widget, or those columns read plainly (core.loaders.peek_widget) — and
        its group's zone."""
        passed = tuple(moment is not None and moment <= now
                       for moment in (getattr(widget, name) for name in cls.CLOCK_MOMENTS))
        return (*passed, local_today(SimpleNamespace(timezone=timezone), now))

    def addressed_to(self, membership):
        """Whether the widget is meant for this active member. Every member by default;
        a widget for chosen members only (a notice) narrows it, and core.access then
        answers others as it answers strangers (404), its managers aside."""
        return True

    def lock(self):
        """This widget's row, locked until the transaction ends and read afresh (the
        same object, refreshed), so a vote or a sign-up waiting on the same lock sees
        the change. 404 when it was deleted meanwhile. (SQLite holds the whole database
        from BEGIN IMMEDIATE on, so the lock is PostgreSQL's FOR UPDATE; there a widget
        read since that BEGIN is returned as it is, with no statement.)"""
        if holds_write_lock() and not inspect(self).expired_attributes:
            return self  # SQLite, read within this transaction: already current and locked
        model = type(self)
        locked = db.session.scalar(select(model).where(model.id == self.id).with_for_update()
                                   .execution_options(populate_existing=True))
        if locked is None:
            raise NotFound()
        return locked

    @classmethod
    def find(cls, public_id):
        """The widget with this public id, or 404."""
        widget = db.session.scalar(select(cls).where(cls.public_id == public_id))
        if widget is None:
            raise NotFound()
        return widget


class WidgetPart:
    """A row in a widget's own order — a poll's option, a relay's field or slot: its key
    and its place (`position`, from 0). Its model adds `<widget>_id = belongs_to(…)`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(nullable=False)


class OwnedItem:
    """A row a member owns inside a widget. A model using it says which widget it
    belongs to (`widget`) and which membership owns it (`owner_membership_id`, None when
    no member does: an entry an organiser added for someone who replied in the chat).
    `OWNER_REFUSAL` is what a member who neither owns it nor manages the widget reads."""

    OWNER_REFUSAL = None


def choose_members(widget_key, widget, memberships):
    """Make `memberships` the chosen members of a widget meant for some members only (a
    notice's audience, an event's roster), replacing any chosen before; None or [] chooses
    none. `widget_key` is the column of the choice table naming the widget
    (`NoticeAudience.notice_id`); the table's other key is `membership_id`."""
    table = widget_key.class_
    if widget.id is not None:
        db.session.execute(delete(table).where(widget_key == widget.id))
    db.session.flush()
    db.session.add_all(table(**{widget_key.key: widget.id, "membership_id": membership.id})
                       for membership in memberships or ())
