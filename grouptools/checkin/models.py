"""The tables of check-ins (群打卡): a habit and its schedule, each member's check-in of
a day with its pictures, each member's running figures, and the achievements earned.

A *day* is a calendar date in the group's time zone, worked out on the server
(streaks.py) and stored as a DATE: the unique key (habit, member, day) is "one check-in
a day" in the database, whatever the clocks or the daylight-saving changes do.

`HabitMember` keeps each member's figures (total days, the streak ending at their
latest check-in, the longest) updated in the transaction of every check-in, so the
leaderboard and the roll call read one row per member, never a year of check-ins."""
from datetime import date, datetime, time
from types import SimpleNamespace

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grouptools.core.models import Image, Membership, PublicIdMixin, belongs_to
from grouptools.core.timeutil import UTCDateTime, local_time, utcnow
from grouptools.core.widgetbase import OwnedItem, WidgetMixin
from grouptools.extensions import db

ALL_WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)


def weekdays_mask(weekdays):
    """ISO weekdays (Monday = 1) as a 7-bit mask: bit 0 Monday … bit 6 Sunday."""
    return sum(1 << (day - 1) for day in set(weekdays))


class Habit(WidgetMixin, db.Model):
    """A habit the group keeps: what proof a check-in brings, on which weekdays, in
    which hours of the day, between which dates; how many days may be made up."""

    __tablename__ = "habit"

    TITLE_MAX = 200
    PROOFS = ("none", "text", "photo", "text_photo")
    DEFAULT_MILESTONES = (7, 21, 30, 100)

    proof: Mapped[str] = mapped_column(String(16), nullable=False, default="none")
    weekday_mask: Mapped[int] = mapped_column(Integer, nullable=False, default=127)
    window_start: Mapped[time | None] = mapped_column(Time)
    window_end: Mapped[time | None] = mapped_column(Time)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    makeups_per_month: Mapped[int] = mapped_column(Integer, nullable=False, default=2)
    makeup_days_back: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    # Total check-in days that earn an achievement, ascending: "7,21,30,100".
    milestone_list: Mapped[str] = mapped_column(String(200), nullable=False,
                                                default="7,21,30,100")

    __table_args__ = (
        CheckConstraint("proof IN ('none', 'text', 'photo', 'text_photo')", name="proof"),
        CheckConstraint("weekday_mask BETWEEN 1 AND 127", name="weekday_mask"),
    )

    @property
    def weekdays(self):
        mask = self.weekday_mask if self.weekday_mask is not None else 127
        return [day for day in ALL_WEEKDAYS if mask & (1 << (day - 1))]

    @weekdays.setter
    def weekdays(self, days):
        self.weekday_mask = weekdays_mask(days)

    @property
    def milestones(self):
        text = self.milestone_list if self.milestone_list is not None else "7,21,30,100"
        return [int(days) for days in text.split(",") if days]

    @milestones.setter
    def milestones(self, values):
        self.milestone_list = ",".join(str(days) for days in sorted(set(values)))

    CLOCK_READS = ("window_start", "window_end")

    @classmethod
    def clock_of(cls, habit, timezone, now):
        """Beside the deadline and the local date: whether today's check-in window is
        open, which the page's button follows (core.conditional's ETags)."""
        clock = super().clock_of(habit, timezone, now)
        if habit.window_start is None:
            return clock
        moment = local_time(SimpleNamespace(timezone=timezone), now).time().replace(tzinfo=None)
        return (*clock, habit.window_start <= moment < habit.window_end)

    @property
    def needs_text(self):
        return self.proof in ("text", "text_photo")

    @property
    def needs_photo(self):
        return self.proof in ("photo", "text_photo")


class HabitItem(OwnedItem):
    """A member's row inside a habit (a check-in, an achievement): `habit` its widget,
    `membership_id` its owner (core.access)."""

    @property
    def widget(self):
        return self.habit

    @property
    def owner_membership_id(self):
        return self.membership_id


class Checkin(HabitItem, PublicIdMixin, db.Model):
    """A member's check-in of one day. `makeup` when it was made on a later day (补卡)."""

    __tablename__ = "checkin"

    TEXT_MAX = 2000
    IMAGES_MAX = 9
    OWNER_REFUSAL = None

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    habit_id: Mapped[int] = belongs_to("habit")
    membership_id: Mapped[int] = belongs_to("membership", index=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    makeup: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    habit: Mapped[Habit] = relationship()
    images: Mapped[list["CheckinImage"]] = relationship(
        order_by="CheckinImage.position", cascade="all, delete-orphan", passive_deletes=True,
        lazy="selectin")

    __table_args__ = (
        # One check-in per member and day; also the index of a member's days.
        UniqueConstraint("habit_id", "membership_id", "day"),
        # A day's feed, newest first, read off the index in its order: the page's first
        # few check-ins cost the same on a day of 10 or of 1,000 (bench/README.md).
        Index("ix_checkin_habit_id_day_created_at", "habit_id", "day", "created_at", "id"),
    )



class CheckinImage(db.Model):
    """A picture of a check-in, in the order it was given (at most Checkin.IMAGES_MAX)."""

    __tablename__ = "checkin_image"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checkin_id: Mapped[int] = belongs_to("checkin")
    image_id: Mapped[int] = mapped_column(ForeignKey("image.id", ondelete="CASCADE"),
                                          nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)

    image: Mapped[Image] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("checkin_id", "position"),)


class HabitMember(db.Model):
    """A member's running figures in one habit, rewritten from their stored days in the
    transaction of each of their check-ins (streaks.figures). `streak` is the length of
    the streak ending at `last_day`, their latest check-in: whether it is still current
    depends on today, and is decided when it is read (streaks.current_streak_clause).

    Its row is also what a member's check-ins lock, so two of them at once (today and a
    make-up) are counted one after the other."""

    __tablename__ = "habit_member"

    habit_id: Mapped[int] = mapped_column(ForeignKey("habit.id", ondelete="CASCADE"),
                                          primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True, index=True)
    total_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    streak: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    longest_streak: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_day: Mapped[date | None] = mapped_column(Date)
    streak_end: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        # The leaderboard (board.board_statement): its places off the top of the first,
        # a tie at its last place read in the order shown, by joining (id) off the
        # first and by current streak off the second (below the class), never sorted whole.
        Index("ix_habit_member_leaderboard", "habit_id", "total_days", "membership_id"),
        # Who checked in on a day (today's count), read without the other members' rows.
        Index("ix_habit_member_habit_id_last_day", "habit_id", "last_day", "membership_id"),
        {"info": {"not_activity": True}},
    )


Index("ix_habit_member_leaderboard_streak", HabitMember.habit_id, HabitMember.total_days,
      HabitMember.streak_end, HabitMember.streak.desc(), HabitMember.membership_id)


class Achievement(HabitItem, PublicIdMixin, db.Model):
    """A milestone a member reached (total check-in days), earned once: deleting a
    check-in later never takes it back, and its public id is what a certificate's
    verification page names. Its earner owns it (core.access Action.VIEW_EARNED)."""

    __tablename__ = "achievement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    habit_id: Mapped[int] = belongs_to("habit")
    membership_id: Mapped[int] = belongs_to("membership", index=True)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    earned_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    habit: Mapped[Habit] = relationship()
    membership: Mapped[Membership] = relationship()

    __table_args__ = (UniqueConstraint("habit_id", "membership_id", "days"),)

