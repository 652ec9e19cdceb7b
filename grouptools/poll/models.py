"""The tables of polls: the poll, its options with their vote counters, who took part,
and — on open ballots only — which member chose which option.

A secret ballot stores a participation (who took part), sealed ballots waiting to be
counted (no member, no time) and per-option counters moved only in batches (ballots.py);
no row anywhere links a member to a choice. Options carry no timestamps for the same
reason: a "last changed" time on an option next to a participation's time would name a
voter."""
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grouptools.core.models import Image, Membership, PublicIdMixin, belongs_to
from grouptools.core.widgetbase import WidgetMixin, WidgetPart
from grouptools.core.timeutil import UTCDateTime, utcnow
from grouptools.extensions import db


class Poll(WidgetMixin, db.Model):
    """A question put to a group (the columns every widget has: core.widgetbase)."""

    __tablename__ = "poll"

    TITLE_MAX = 200
    DESCRIPTION_MAX = 4000
    OPTIONS_MIN, OPTIONS_MAX = 2, 50
    VISIBILITIES = ("always", "after_vote", "after_close", "managers")

    multiple: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    min_choices: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    max_choices: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    results_visibility: Mapped[str] = mapped_column(String(16), nullable=False, default="always")
    allow_change: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Counters kept by SQL expressions (never read-modify-write): results stay as
    # cheap with 100,000 votes as with 10.
    voter_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Secret ballots: how many ballots the counters hold (the rest wait, sealed, in
    # PendingBallot); results' percents are shares of it.
    ballots_counted: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                                 server_default="0")

    options: Mapped[list["PollOption"]] = relationship(
        back_populates="poll", order_by="PollOption.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint("results_visibility IN ('always', 'after_vote', 'after_close', 'managers')",
                        name="results_visibility"),
        CheckConstraint("min_choices >= 1 AND min_choices <= max_choices", name="choices"),
        CheckConstraint("NOT (anonymous AND allow_change)", name="secret_is_final"),
        CheckConstraint("voter_count >= 0", name="voter_count"),
        CheckConstraint("ballots_counted >= 0", name="ballots_counted"),
    )


class PollOption(WidgetPart, PublicIdMixin, db.Model):
    """One answer: a text, a picture, or both, with its vote counter."""

    __tablename__ = "poll_option"

    TEXT_MAX = 200

    poll_id: Mapped[int] = belongs_to("poll", index=True)
    text: Mapped[str] = mapped_column(String(TEXT_MAX), nullable=False, default="")
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("image.id", ondelete="SET NULL"), index=True
    )
    votes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    poll: Mapped[Poll] = relationship(back_populates="options")
    image: Mapped[Image | None] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("votes >= 0", name="votes"),)


class Participation(db.Model):
    """That a member took part — and, deliberately, nothing else: no time, no choice.

    Two changes sent at once by one member apply one after the other: each holds the
    poll's row before it reads this one (poll/voting.py), and a withdrawal locks it too."""

    __tablename__ = "poll_participation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = belongs_to("poll")
    membership_id: Mapped[int] = belongs_to("membership", index=True)

    __table_args__ = (UniqueConstraint("poll_id", "membership_id"),)


class PendingBallot(db.Model):
    """A secret ballot not counted yet: the chosen options sealed with a key derived
    from the server's secret key (core.sealed), and nothing else — no member, no time.
    Counted into the options' counters in batches and then deleted (ballots.py)."""

    __tablename__ = "poll_pending_ballot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = belongs_to("poll", index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class Vote(db.Model):
    """A member's choice of one option, on open ballots only."""

    __tablename__ = "poll_vote"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = belongs_to("poll")
    option_id: Mapped[int] = belongs_to("poll_option")
    membership_id: Mapped[int] = belongs_to("membership", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # Stored by the member's first vote, not by a change: the same vote sent again
    # within a minute of it is that first vote sent twice (voting.py).
    first_vote: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True,
                                             server_default=true())

    membership: Mapped[Membership] = relationship()

    __table_args__ = (
        UniqueConstraint("poll_id", "membership_id", "option_id"),
        # The first voters of an option, read by index whatever the number of votes.
        Index("ix_poll_vote_option_id_id", "option_id", "id"),
    )
